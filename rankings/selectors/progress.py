"""What progress against targets reads besides the period's approved values: the year's targets
in force, the indicators' kinds and directions, and last year's whole-year values (the pace a
growth target needs)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd

from counties.models import Period, Submission, SubmissionValue
from indicators.models import Indicator
from targets.models import TargetSet
from targets.selectors import CITY_CODE, targets_frame

from ..models import ProgressResult


@dataclass(frozen=True)
class ProgressInputs:
    target_set: TargetSet | None
    targets: pd.DataFrame  # targets_frame(): county (CITY_CODE for the city), indicator, ...
    indicators: pd.DataFrame  # indicator, kind, direction
    summable: frozenset[str]  # indicators whose county figures add up to the city's
    prior_annual: pd.DataFrame  # county, indicator, prior_annual (last December's approved)
    # county, indicator, month, prior_value: last year's approved months after this one
    prior_months: pd.DataFrame = field(default_factory=pd.DataFrame)
    # last month's catch-up plans: (county or CITY_CODE, indicator) -> {month: needed}
    plans_before: dict = field(default_factory=dict)

    def checksum_part(self) -> dict:
        """What of these decides a run, for its input checksum. A published target set never
        changes (a change is a new version), so its id, version and publication time stand
        for its targets; the indicators they are read for are the rules' (in the checksum)."""
        if self.target_set is None:
            return {}
        published = self.target_set.published_at
        return {
            "plans_before": sorted(
                [c, i, sorted((m, str(v)) for m, v in plan.items())]
                for (c, i), plan in self.plans_before.items()
            ),
            "target_set": [
                self.target_set.pk,
                self.target_set.version,
                published.isoformat() if published else None,
            ],
        }


def progress_inputs(
    period: Period, indicator_codes: list[str], target_set: TargetSet | None
) -> ProgressInputs:
    """`target_set`: the year's published targets (targets.selectors.published_target_set), as
    engine_inputs() read them in the same transaction."""
    indicators = list(
        Indicator.objects.filter(code__in=indicator_codes)
        .order_by()
        .only("code", "kind", "direction", "unit", "is_share")
    )
    frame = pd.DataFrame(
        [(i.code, i.kind, i.direction) for i in indicators],
        columns=["indicator", "kind", "direction"],
    )
    summable = frozenset(i.code for i in indicators if i.is_summable)
    if target_set is None:
        empty = pd.DataFrame(columns=["county", "indicator", "target_kind", "target", "schedule"])
        return ProgressInputs(None, empty, frame, summable, pd.DataFrame())
    targets = targets_frame(target_set)
    targets = targets[targets["indicator"].isin(indicator_codes)]
    later = (
        SubmissionValue.objects.filter(
            submission__period__year=period.year - 1,
            submission__period__month__gt=period.month,
            submission__status=Submission.Status.APPROVED,
            indicator__code__in=indicator_codes,
        )
        .order_by()
        .values_list(
            "submission__county__code", "indicator__code", "submission__period__month", "value"
        )
    )
    prior_months = pd.DataFrame(
        [(c, i, m, float(v)) for c, i, m, v in later if v is not None],
        columns=["county", "indicator", "month", "prior_value"],
    )
    if not prior_months.empty:
        prior_months = pd.concat(
            [prior_months, _city_months(prior_months, summable)], ignore_index=True
        )
    december = prior_months[prior_months["month"] == 12]
    prior_annual = december.rename(columns={"prior_value": "prior_annual"})[
        ["county", "indicator", "prior_annual"]
    ]
    return ProgressInputs(
        target_set,
        targets,
        frame,
        summable,
        prior_annual,
        prior_months,
        previous_plans(period),
    )


def _city_months(prior_months: pd.DataFrame, summable: frozenset[str]) -> pd.DataFrame:
    """Last year's later months for the city: sums where figures add up, means otherwise."""
    both = prior_months.groupby(["indicator", "month"])["prior_value"].agg(["sum", "mean"])
    is_summed = both.index.get_level_values("indicator").isin(list(summable))
    city = both["mean"].where(~is_summed, both["sum"]).rename("prior_value").reset_index()
    city.insert(0, "county", CITY_CODE)
    return city


def previous_plans(period: Period) -> dict[tuple[str, str], dict[int, Decimal]]:
    """Last month's catch-up plans (current run) by (county code or CITY_CODE, indicator)."""
    if period.month == 1:
        return {}
    rows = (
        ProgressResult.objects.filter(
            run__period__year=period.year, run__period__month=period.month - 1, run__is_current=True
        )
        .order_by()
        .values_list("county__code", "indicator__code", "plan")
    )
    return {
        (county or CITY_CODE, indicator): {int(k): Decimal(str(v)) for k, v in plan}
        for county, indicator, plan in rows
        if plan
    }


__all__ = ["CITY_CODE", "ProgressInputs", "progress_inputs"]
