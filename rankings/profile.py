"""One county's assessment profile for a year: rank trend, leading indicators and short boards.

Visibility follows `selectors.run_visible`: city staff see each period's current run at once,
county users only published runs. Rankings are visible for every county once published, so
no per-county membership check here. A fixed number of queries whatever the number of counties
or months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from counties.access import AnyUser, can_see_unpublished_rankings
from counties.models import County, Period
from indicators.models import Indicator, RuleSetIndicator

from .models import CountyResult, IndicatorResult, RankingRun


@dataclass(frozen=True)
class IndicatorLine:
    indicator: Indicator
    basis_type: str  # RuleSetIndicator.Basis: value, growth or ratio
    value: Decimal | None
    basis: Decimal | None
    rank: int | None
    score: Decimal | None
    n_ranked: int  # counties with a rank on this indicator in the run


@dataclass(frozen=True)
class Profile:
    county: County
    year: int
    periods: list[Period]  # months with a visible run, in calendar order
    ranks: list[int | None]  # the county's overall rank per month
    n_ranked: int  # most counties ranked in any of those months
    latest: Period
    latest_run: RankingRun
    lines: list[IndicatorLine]  # the latest month's indicator results, in rule-set order
    leading: list[IndicatorLine]  # rank in the top third of ranked counties
    short_boards: list[IndicatorLine]  # 短板: rank in the bottom third
    growth_indicator: Indicator | None  # the first growth-based indicator of the latest rule set
    county_growth: list[float | None] = field(default_factory=list)
    city_average: list[float | None] = field(default_factory=list)

    @property
    def month_labels(self) -> list[str]:
        return [_("%(month)d月") % {"month": p.month} for p in self.periods]


def third(n_ranked: int) -> int:
    """How many places count as the top (or bottom) third: a third rounded down, at least one."""
    return max(1, n_ranked // 3)


def is_leading(rank: int | None, n_ranked: int) -> bool:
    return rank is not None and n_ranked >= 2 and rank <= third(n_ranked)


def is_short_board(rank: int | None, n_ranked: int) -> bool:
    return (
        rank is not None
        and n_ranked >= 2
        and rank > n_ranked - third(n_ranked)
        and not is_leading(rank, n_ranked)
    )


def runs_visible_in_year(year: int, user: AnyUser) -> dict[int, RankingRun]:
    """Period id -> the run the user sees, for the year's periods (one query)."""
    if can_see_unpublished_rankings(user):
        runs = RankingRun.objects.filter(period__year=year, is_current=True)
    else:
        runs = RankingRun.objects.filter(
            period__year=year, is_published=True, status="succeeded"
        ).order_by("-published_at", "-pk")
    by_period: dict[int, RankingRun] = {}
    for run in runs.select_related("period", "ruleset"):
        by_period.setdefault(run.period_id, run)  # the latest published one comes first
    return by_period


def years_with_rankings(user: AnyUser) -> list[int]:
    if can_see_unpublished_rankings(user):
        runs = RankingRun.objects.filter(is_current=True)
    else:
        runs = RankingRun.objects.filter(is_published=True, status="succeeded")
    return sorted(set(runs.values_list("period__year", flat=True)), reverse=True)


def _float(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def county_profile(county: County, year: int, user: AnyUser) -> Profile | None:
    by_period = runs_visible_in_year(year, user)
    if not by_period:
        return None
    runs = sorted(by_period.values(), key=lambda r: r.period.month)
    run_ids = [r.pk for r in runs]
    latest_run = runs[-1]

    # Overall ranks: every county's, to know who was ranked in each month.
    ranked_in: dict[int, set[int]] = {pk: set() for pk in run_ids}
    own_rank: dict[int, int | None] = {}
    for run_id, county_id, rank in CountyResult.objects.filter(run_id__in=run_ids).values_list(
        "run_id", "county_id", "rank"
    ):
        if rank is not None:
            ranked_in[run_id].add(county_id)
        if county_id == county.pk:
            own_rank[run_id] = rank
    ranks = [own_rank.get(pk) for pk in run_ids]
    n_ranked = max((len(s) for s in ranked_in.values()), default=0)

    # The latest month's indicator results, in the rule set's order.
    rule_rows = list(
        RuleSetIndicator.objects.filter(ruleset_id=latest_run.ruleset_id)
        .order_by("display_order", "id")
        .values_list("indicator_id", "basis")
    )
    basis_of = dict(rule_rows)
    order = {indicator_id: i for i, (indicator_id, _b) in enumerate(rule_rows)}
    counts: dict[int, int] = {}
    for indicator_id in IndicatorResult.objects.filter(
        run=latest_run, rank__isnull=False
    ).values_list("indicator_id", flat=True):
        counts[indicator_id] = counts.get(indicator_id, 0) + 1
    results = IndicatorResult.objects.filter(run=latest_run, county=county).select_related(
        "indicator"
    )
    lines = sorted(
        (
            IndicatorLine(
                indicator=r.indicator,
                basis_type=basis_of.get(r.indicator_id, ""),
                value=r.value,
                basis=r.basis,
                rank=r.rank,
                score=r.score,
                n_ranked=counts.get(r.indicator_id, 0),
            )
            for r in results
        ),
        key=lambda line: (order.get(line.indicator.pk, len(order)), line.indicator.code),
    )
    leading = [line for line in lines if is_leading(line.rank, line.n_ranked)]
    short_boards = [line for line in lines if is_short_board(line.rank, line.n_ranked)]

    # Growth of the first growth-based indicator against the ranked counties' average.
    growth_line = next((line for line in lines if line.basis_type == "growth"), None)
    growth_indicator = growth_line.indicator if growth_line else None
    county_growth: list[float | None] = []
    city_average: list[float | None] = []
    if growth_indicator is not None:
        bases: dict[int, dict[int, Decimal | None]] = {pk: {} for pk in run_ids}
        for run_id, county_id, basis in IndicatorResult.objects.filter(
            run_id__in=run_ids, indicator=growth_indicator
        ).values_list("run_id", "county_id", "basis"):
            bases[run_id][county_id] = basis
        for pk in run_ids:
            county_growth.append(_float(bases[pk].get(county.pk)))
            values = [bases[pk][c] for c in ranked_in[pk] if bases[pk].get(c) is not None]
            city_average.append(round(float(sum(values) / len(values)), 2) if values else None)

    return Profile(
        county=county,
        year=year,
        periods=[r.period for r in runs],
        ranks=ranks,
        n_ranked=n_ranked,
        latest=latest_run.period,
        latest_run=latest_run,
        lines=lines,
        leading=leading,
        short_boards=short_boards,
        growth_indicator=growth_indicator,
        county_growth=county_growth,
        city_average=city_average,
    )
