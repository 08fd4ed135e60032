"""What-if preview: a period scored with edited, unsaved rules, beside its stored ranking.

Reads the same inputs as `services.ranking_recompute` (approved values, counties, bonus and
penalty items, vetoes, last month's and last year's ranks) and runs the pure engine on them;
nothing is written. The rule set may be of another year (a draft for next year previewed on
this year's figures): it is scored as if it were the period's year.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F

from counties.models import County, Period
from indicators.models import RuleSet
from indicators.scoring import parse_rules, score

from ..convert import decimal_or_none, int_or_none
from ..models import CountyResult, RankingRun
from .inputs import engine_inputs, run_current
from .runs import run_is_complete


@dataclass(frozen=True)
class WhatIfRow:
    county: County
    group: str
    published_rank: int | None
    published_total: Decimal | None
    preview_rank: int | None
    preview_total: Decimal | None
    flags: list[str]
    # the preview total's parts besides the base total, as under the edited rules
    preview_bonus: Decimal = Decimal(0)  # bonus and penalty items, capped, net
    preview_improvement: Decimal = Decimal(0)  # the improvement reward
    published_bonus: Decimal = Decimal(0)
    published_improvement: Decimal = Decimal(0)

    @property
    def change(self) -> int | None:
        """Places gained (positive) or lost under the edited rules; None without both ranks."""
        if self.published_rank is None or self.preview_rank is None:
            return None
        return self.published_rank - self.preview_rank


@dataclass(frozen=True)
class WhatIf:
    period: Period
    run: RankingRun | None  # the period's current ranking, compared against
    rows: list[WhatIfRow]

    @property
    def grouped(self) -> bool:
        return any(row.group for row in self.rows)

    @property
    def moved(self) -> int:
        return sum(1 for row in self.rows if row.change)


def ranking_whatif(
    *, rules: dict[str, Any], period: Period, ruleset: RuleSet | int | None
) -> WhatIf:
    """Score `period` with `rules` (the engine's rule-set dict, already accepted by
    `parse_rules`) and set the result beside the period's current stored ranking. The
    exemptions (不考核) are `ruleset`'s, the rule set being edited (None: none)."""
    parsed = parse_rules({**rules, "year": period.year})
    inputs = engine_inputs(period, parsed, ruleset=ruleset)
    result = score(inputs.values, parsed, inputs.counties, **inputs.as_kwargs())
    run = run_current(period)
    stored: dict[int, CountyResult] = {}
    if run is not None:
        results = CountyResult.objects.filter(run=run).only(
            "county", "rank", "total", "bonus", "penalty", "improvement"
        )
        stored = {r.county_id: r for r in results}
    counties = {c.code: c for c in County.objects.filter(is_active=True)}
    frame = result.counties[result.counties["period"] == period.key]
    rows = []
    for row in frame.itertuples(index=False):
        county = counties[str(row.county)]
        before = stored.get(county.pk)
        flags = row.flags if isinstance(row.flags, str) else ""
        rows.append(
            WhatIfRow(
                county=county,
                group=str(row.group) if parsed.peer_groups and isinstance(row.group, str) else "",
                published_rank=before.rank if before else None,
                published_total=before.total if before else None,
                preview_rank=int_or_none(row.rank),
                preview_total=decimal_or_none(row.total),
                flags=[f for f in flags.split(",") if f],
                preview_bonus=(decimal_or_none(row.bonus, 4) or Decimal(0))
                + (decimal_or_none(row.penalty, 4) or Decimal(0)),
                preview_improvement=decimal_or_none(row.improvement, 4) or Decimal(0),
                published_bonus=before.bonus + before.penalty if before else Decimal(0),
                published_improvement=before.improvement if before else Decimal(0),
            )
        )
    rows.sort(
        key=lambda r: (
            r.group,
            r.preview_rank is None,
            r.preview_rank or 0,
            r.county.display_order,
        )
    )
    return WhatIf(period=period, run=run, rows=rows)


def periods_for_preview() -> list[Period]:
    """Periods that have a current ranking to compare with, newest first; each carries
    `ranking_complete` (see runs.run_is_complete), so that the preview opens on a complete one."""
    runs = RankingRun.objects.filter(is_current=True).select_related("period")
    periods = []
    for run in runs.order_by(F("period__year").desc(), F("period__month").desc()):
        period = run.period
        period.ranking_complete = run_is_complete(run)  # type: ignore[attr-defined]
        periods.append(period)
    return periods
