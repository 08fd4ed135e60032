"""年度考核结果 read from a stored run: the year so far as the run combined it."""

from __future__ import annotations

from dataclasses import dataclass

from counties.models import Period
from scorecard.roles import AnyUser

from ..models import AnnualResult, RankingRun
from .runs import run_visible


@dataclass(frozen=True)
class YearTable:
    period: Period
    run: RankingRun
    months: list[tuple[int, float]]  # the weighted months counted, with their weights
    rows: list[AnnualResult]
    partial: bool  # some weighted month of the year is still to come


def year_table(period: Period, user: AnyUser) -> YearTable | None:
    """The combination stored with the period's visible run, ranked counties first by rank;
    None when the run holds none (the rules weigh no periods, or none has come yet)."""
    run = run_visible(period, user)
    if run is None:
        return None
    rows = list(AnnualResult.objects.filter(run=run).select_related("county"))
    if not rows:
        return None
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.county.display_order, r.county.code))
    months = [(int(m), float(w)) for m, w, _t in rows[0].parts]
    return YearTable(period, run, months, rows, any("partial" in r.flags for r in rows))
