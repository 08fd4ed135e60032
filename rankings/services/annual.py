"""The year so far for a recompute: the period totals of the year's weighted months (the stored
current runs of the earlier ones, the new result for this one) combined by the engine's
annual_of() and stored with the run (AnnualResult)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from counties.models import Period
from indicators.scoring import Rules
from indicators.scoring.annual import annual_of
from scorecard.bulk import rows_insert

from ..convert import decimal_or_none, flag_list, int_or_none
from ..models import AnnualResult, CountyResult, RankingRun

COLUMNS = ["period", "county", "name", "group", "ranked", "total", "flags"]


def _weights(rules: Rules) -> dict[int, float]:
    return {int(m): float(w) for m, w in (rules.period_weights or {}).items()}


def annual_frame(period: Period, counties: pd.DataFrame, rules: Rules) -> pd.DataFrame | None:
    """annual_of() over the weighted months up to `period`; None when the rules weigh no
    periods or none of those months has come yet. `counties`: the new result's counties frame
    for `period`."""
    weights = _weights(rules)
    months = sorted(m for m in weights if m <= period.month)
    if not months:
        return None
    this = counties[COLUMNS[1:]].copy()
    this["flags"] = this["flags"].astype(object).map(lambda f: ",".join(flag_list(f)))
    codes = list(this["county"].astype(str))
    blocks = []
    stored: dict[tuple[int, str], tuple] = {
        (month, code): (total, flags)
        for month, code, total, flags in CountyResult.objects.filter(
            run__period__year=period.year,
            run__period__month__in=[m for m in months if m != period.month],
            run__is_current=True,
        )
        .order_by()
        .values_list("run__period__month", "county__code", "total", "flags")
    }  # the earlier weighted months' current runs, in one query
    for month in months:
        key = f"{period.year}-{month:02d}"
        block = this.copy()
        if month != period.month:
            got = [stored.get((month, c)) for c in codes]
            block["total"] = [_float(g[0]) if g else float("nan") for g in got]
            block["flags"] = [",".join(g[1]) if g else "" for g in got]
        block.insert(0, "period", key)
        blocks.append(block)
    frame = pd.concat(blocks, ignore_index=True)
    frame["total"] = pd.to_numeric(frame["total"], errors="coerce").astype("float64")
    periods = tuple(f"{period.year}-{m:02d}" for m in months)
    combined = annual_of(frame, periods, rules)
    totals = {
        (p, str(c)): (None if pd.isna(t) else float(t))
        for p, c, t in zip(frame["period"], frame["county"], frame["total"], strict=True)
    }
    parts = {
        code: [[m, weights[m], totals.get((f"{period.year}-{m:02d}", code))] for m in months]
        for code in codes
    }
    combined["parts"] = combined["county"].astype(str).map(parts)
    return combined


def _float(value: Decimal | None) -> float:
    return float("nan") if value is None else float(value)


def annual_write(*, run: RankingRun, frame: pd.DataFrame, county_ids: dict) -> None:
    rows_insert(
        AnnualResult,
        ["run_id", "county_id", "total", "rank", "tier", "flags", "parts"],
        (
            (
                run.pk,
                county_ids[str(row.county)],
                decimal_or_none(row.total),
                int_or_none(row.rank),
                str(row.tier) if isinstance(row.tier, str) else "",
                flag_list(row.flags),
                row.parts,
            )
            for row in frame.itertuples(index=False)
        ),
    )
