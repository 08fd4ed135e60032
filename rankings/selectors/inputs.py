"""What the scoring engine reads to score a period: approved values, counties, bonus and penalty
items, vetoes, and the stored ranks a period builds on. The one read behind a recompute, a what-if
preview and a rank-stability analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Q

from counties.models import County, Period, Submission, SubmissionValue
from indicators.models import WHOLE_UNITS, Indicator
from indicators.scoring import Rules

from ..models import AnnualResult, BonusItem, CountyResult, RankingRun, Veto

VALUE_COLUMNS = ["county", "indicator", "period", "value", "prior_value"]


def period_previous(period: Period) -> Period | None:
    """The month before in the same assessment year (January has none)."""
    if period.month == 1:
        return None
    return Period.objects.filter(year=period.year, month=period.month - 1).first()


def run_current(period: Period) -> RankingRun | None:
    return (
        RankingRun.objects.filter(period=period, is_current=True).select_related("ruleset").first()
    )


def ranks_of_run(run: RankingRun | None) -> dict[str, int]:
    if run is None:
        return {}
    rows = CountyResult.objects.filter(run=run, rank__isnull=False).values_list(
        "county__code", "rank"
    )
    return {code: rank for code, rank in rows if rank is not None}


def base_ranks_of(run: RankingRun | None) -> dict[str, int]:
    """Last year's standing, the base of the improvement reward: its annual ranks (年度考核结果)
    where its final run holds a whole year's combination, else the final period's ranks."""
    if run is None:
        return {}
    rows = list(AnnualResult.objects.filter(run=run).values_list("county__code", "rank", "flags"))
    if rows and not any("partial" in flags for _c, _r, flags in rows):
        return {code: rank for code, rank, _f in rows if rank is not None}
    return ranks_of_run(run)


def approved_values_frame(period: Period, indicator_codes: list[str]) -> pd.DataFrame:
    """Approved year-to-date values of the period, long form, as floats for the engine.

    Only approved submissions feed rankings. A county with none is simply absent (the engine
    flags it missing on every indicator).
    """
    rows = (
        SubmissionValue.objects.filter(
            submission__period=period,
            submission__status=Submission.Status.APPROVED,
            indicator__code__in=indicator_codes,
        )
        .order_by()
        .values_list("submission__county__code", "indicator__code", "value", "prior_value")
    )
    counties, indicators, values, priors = [], [], [], []
    for county, indicator, value, prior in rows:
        counties.append(county)
        indicators.append(indicator)
        values.append(float("nan") if value is None else float(value))
        priors.append(float("nan") if prior is None else float(prior))
    return pd.DataFrame(
        {
            "county": pd.Series(counties, dtype=object),
            "indicator": pd.Series(indicators, dtype=object),
            "period": period.key,
            "value": np.asarray(values, dtype="float64"),
            "prior_value": np.asarray(priors, dtype="float64"),
        },
        columns=VALUE_COLUMNS,
    )


def counties_frame() -> pd.DataFrame:
    rows = County.objects.filter(is_active=True).values_list("code", "name", "kind", "is_ranked")
    return pd.DataFrame.from_records(list(rows), columns=["county", "name", "kind", "ranked"])


def bonuses_frame(period: Period) -> pd.DataFrame:
    rows = BonusItem.objects.filter(period=period).values_list("county__code", "points", "reason")
    frame = pd.DataFrame.from_records(
        [(c, period.key, float(p), r) for c, p, r in rows],
        columns=["county", "period", "points", "reason"],
    )
    return frame


def vetoed_codes(year: int) -> list[str]:
    return sorted(Veto.objects.filter(year=year).values_list("county__code", flat=True))


def period_base(period: Period) -> Period | None:
    """Last year's final period: the base of the improvement bonus (进位奖励)."""
    return Period.objects.filter(year=period.year - 1).order_by("-month").first()


@dataclass(frozen=True)
class EngineInputs:
    """Everything the engine reads to score a period, besides the rules."""

    values: pd.DataFrame
    counties: pd.DataFrame
    bonuses: pd.DataFrame
    vetoes: list[str]
    previous_ranks: dict[str, int]  # last month's stored ranks (rank change)
    base_ranks: dict[str, int]  # last year's final ranks (improvement bonus)
    whole: list[str] = field(default_factory=list)  # indicators counted in whole units
    # the year's published targets in the terms of each indicator's basis, for the methods
    # that score against a county's own target (own_target); None: the year has none
    targets: pd.DataFrame | None = None
    target_set: Any = None  # the year's published TargetSet they come from, or None

    def as_kwargs(self) -> dict:
        """score()'s keyword arguments (empty rank maps as None)."""
        return {
            "bonuses": self.bonuses,
            "vetoes": self.vetoes,
            "base_ranks": self.base_ranks or None,
            "previous_ranks": self.previous_ranks or None,
            "targets": self.targets,
        }


def scoring_targets(target_set, rules: Rules) -> pd.DataFrame | None:
    """The year's published targets (`target_set`, or None) as the engine scores against them:
    the counties' rows of the indicators the rules score, where the target's kind is the basis'
    terms (a growth target for a growth basis, a value target for a value basis; a ratio basis
    takes none)."""
    from targets.selectors import CITY_CODE, targets_frame

    if target_set is None:
        return None
    frame = targets_frame(target_set)
    kinds = {i.code: i.basis.type for i in rules.indicators}
    in_terms = frame["indicator"].map(kinds) == frame["target_kind"]
    keep = frame["county"].ne(CITY_CODE) & in_terms
    return frame[keep].reset_index(drop=True)


def engine_inputs(period: Period, rules: Rules) -> EngineInputs:
    """The approved values of the rules' indicators (and ratio denominators), the counties,
    bonus and penalty items, vetoes and the stored ranks a period's scoring builds on. The one
    read behind a recompute, a what-if preview and a stability analysis."""
    codes = sorted(
        {i.code for i in rules.indicators}
        | {i.basis.denominator for i in rules.indicators if i.basis.denominator}
    )
    from targets.selectors import published_target_set

    previous = period_previous(period)
    base = period_base(period)
    target_set = published_target_set(period.year)  # read once: progress takes it from here
    return EngineInputs(
        values=approved_values_frame(period, codes),
        counties=counties_frame(),
        bonuses=bonuses_frame(period),
        vetoes=vetoed_codes(period.year),
        targets=scoring_targets(target_set, rules),
        target_set=target_set,
        previous_ranks=ranks_of_run(run_current(previous) if previous else None),
        base_ranks=base_ranks_of(run_current(base) if base else None),
        whole=sorted(
            Indicator.objects.filter(code__in=codes)
            .filter(Q(unit__in=WHOLE_UNITS) | Q(decimals=0))
            .order_by()
            .values_list("code", flat=True)
        ),
    )
