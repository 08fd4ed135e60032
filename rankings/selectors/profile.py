"""One county's assessment profile for a year: rank trend, leading indicators and short boards.

Visibility follows `selectors.run_visible`: city staff see each period's current run at once,
county users only published runs. Rankings are visible for every county once published, so
no per-county membership check here. A fixed number of queries whatever the number of counties
or months.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from counties.access import AnyUser
from counties.models import County, Period
from indicators.models import Indicator, RuleSetIndicator, Unit
from indicators.scoring.growth import growth_percent
from scorecard.naming import localized

from ..models import (
    CategoryResult,
    CountyResult,
    IndicatorReference,
    IndicatorResult,
    RankingRun,
)
from .runs import run_is_complete, runs_visible_in_year


@dataclass
class IndicatorLine:
    indicator: Indicator
    basis_type: str  # RuleSetIndicator.Basis: value, growth or ratio
    rule: RuleSetIndicator | None  # the rule it was scored by (basis decimals, factor, unit)
    value: Decimal | None
    prior_value: Decimal | None
    basis: Decimal | None
    rank: int | None
    score: Decimal | None
    n_ranked: int  # counties of the county's peer group ranked on this indicator in the run
    target: Decimal | None = None  # the province's target in the rule set, in the basis' terms
    gap_basis: Decimal | None = None  # basis that ties the next better county (争先进位)
    gap_value: Decimal | None = None  # year-to-date value that reaches it
    gap_rank: int | None = None  # the indicator rank it brings
    gap_points: Decimal | None = None  # total points it brings
    gap_total_rank: int | None = None  # the overall rank it brings
    gap_kind: str = ""  # "next" (tie the next better county) or "threshold" (reach it)
    unit: str = ""  # the indicator's unit label, in the active language
    flags: list[str] = field(default_factory=list)  # the engine's: "exempt" (不考核), "missing"
    # worked out once here rather than on every template lookup
    growth: Decimal | None = field(init=False)  # year-on-year growth in percent
    gap_increase: Decimal | None = field(init=False)  # the change in value the gap needs
    meets_target: bool | None = field(init=False)

    def __post_init__(self) -> None:
        self.growth = basis_growth(self.basis_type, self.value, self.prior_value, self.basis)
        self.gap_increase = (
            None if self.gap_value is None or self.value is None else self.gap_value - self.value
        )
        if self.target is None or self.basis is None:
            self.meets_target = None
        elif self.indicator.direction == "lower":
            self.meets_target = self.basis <= self.target
        else:
            self.meets_target = self.basis >= self.target


def rule_target(method: str, params: dict) -> Decimal | None:
    """The province's target for an indicator, where its scoring method has one: the target of
    target-completion and stepped methods, the threshold of threshold-then-rank."""
    key = {"target": "target", "stepped": "target", "threshold_rank": "threshold"}.get(method)
    if key is None or params.get(key) is None:
        return None
    return Decimal(str(params[key]))


@dataclass(frozen=True)
class Profile:
    county: County
    year: int
    periods: list[Period]  # months with a visible run, in calendar order
    ranks: list[int | None]  # the county's overall rank per month
    n_ranked: int  # most counties ranked in the county's group in any of those months (charts)
    n_ranked_latest: int  # counties actually ranked in the county's group in `latest`
    latest: Period
    latest_run: RankingRun
    lines: list[IndicatorLine]  # the latest month's indicator results, in rule-set order
    leading: list[IndicatorLine]  # rank in the top third of the group's ranked counties
    short_boards: list[IndicatorLine]  # 短板: rank in the bottom third
    # The indicator chart: what a rule scores (its basis: a growth in %, a level in the
    # indicator's unit, a ratio), month by month.
    chart_lines: list[IndicatorLine]  # the indicators it can show (scored on a basis), in order
    chart_rule: RuleSetIndicator | None  # the rule of the one it shows: basis, decimals, unit
    basis_series: list[Decimal | None] = field(default_factory=list)  # the county's, per month
    city_average: list[Decimal | None] = field(default_factory=list)  # ranked counties' mean
    basis_target: Decimal | None = None  # the rule's target (rule_target), in the basis' terms
    # indicator id -> its rule in the latest run's rule set, to show each basis in its terms
    rules: dict[int, RuleSetIndicator] = field(default_factory=dict)
    # indicator id -> the county's stored result in `latest` (the 得分构成 reads them too)
    results: dict[int, IndicatorResult] = field(default_factory=dict)
    category_ranks: dict[str, list[int | None]] = field(default_factory=dict)  # name -> per month
    total_rank: int | None = None  # the overall rank in `latest`
    newest: Period | None = None  # the newest month with a run (later than `latest` if missed)
    newest_ranked: bool = False  # the county has a place in `newest` (a ranking in progress)
    peer_group: str = ""

    @property
    def flags(self) -> set[str]:
        """Every flag of the shown month's indicator results (for the tables' legend)."""
        return {f for line in self.lines for f in line.flags}

    @property
    def gap_lines(self) -> list[IndicatorLine]:
        """Indicators with a gap to close, the most total points first."""
        lines = [line for line in self.lines if line.gap_basis is not None]
        return sorted(lines, key=lambda line: (-(line.gap_points or 0), line.rank or 0))


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


def basis_growth(
    basis_type: str, value: Decimal | None, prior: Decimal | None, basis: Decimal | None
) -> Decimal | None:
    """An indicator's growth: its basis when it is scored on growth, else from its figures."""
    return basis if basis_type == "growth" else growth_percent(value, prior)


def county_profile(
    county: County,
    year: int,
    user: AnyUser,
    indicator_code: str | None = None,
    month: int | None = None,
    *,
    visible_runs: dict[int, RankingRun] | None = None,
) -> Profile | None:
    """The county's profile for the year; `indicator_code` picks the indicator charted
    (default: the first growth-based one). The tables show `month` when the county has a
    place in it, else the newest complete month in which it has one (as the league table opens
    on the newest complete ranking), else its newest ranked month. A fixed number of queries.
    `visible_runs`: runs_visible_in_year(year, user), when the caller has read it already."""
    by_period = visible_runs if visible_runs is not None else runs_visible_in_year(year, user)
    if not by_period:
        return None
    runs = sorted(by_period.values(), key=lambda r: r.period.month)
    run_ids = [r.pk for r in runs]
    latest_run = runs[-1]

    # Overall ranks: every county's, to know who was ranked in the county's group each month.
    results = list(
        CountyResult.objects.filter(run_id__in=run_ids).values_list(
            "run_id", "county_id", "rank", "peer_group"
        )
    )
    own = {run_id: (rank, group) for run_id, c, rank, group in results if c == county.pk}
    # the tables show one month in which the county has a place (it may have missed the
    # newest month, which may also be still in progress); the charts show every month
    placed = [r for r in runs if own.get(r.pk, (None,))[0] is not None]
    latest_run = (
        next((r for r in placed if r.period.month == month), None)
        or next((r for r in reversed(placed) if run_is_complete(r)), None)
        or (placed[-1] if placed else latest_run)
    )
    group = own.get(latest_run.pk, (None, ""))[1]
    ranked_in: dict[int, set[int]] = {pk: set() for pk in run_ids}  # the whole city
    ranked_in_group: dict[int, set[int]] = {pk: set() for pk in run_ids}
    for run_id, county_id, rank, peer_group in results:
        if rank is not None:
            ranked_in[run_id].add(county_id)
            if peer_group == own.get(run_id, (None, group))[1]:
                ranked_in_group[run_id].add(county_id)
    ranks = [own.get(pk, (None, ""))[0] for pk in run_ids]
    n_ranked = max((len(s) for s in ranked_in_group.values()), default=0)
    n_ranked_latest = len(ranked_in_group[latest_run.pk])

    # Category ranks month by month.
    category_rows = CategoryResult.objects.filter(run_id__in=run_ids, county=county).values_list(
        "run_id", "category__name", "category__name_en", "category__display_order", "rank"
    )
    by_category: dict[tuple[int, str], dict[int, int | None]] = {}
    for run_id, name, name_en, order, rank in category_rows:
        by_category.setdefault((order, localized(name, name_en)), {})[run_id] = rank
    category_ranks = {
        name: [per_run.get(pk) for pk in run_ids]
        for (_order, name), per_run in sorted(by_category.items())
    }

    # The latest month's indicator results, in the rule set's order, ranked within the group.
    # indicator id -> its rule in the latest run's rule set, in the rule set's order
    rules = {
        rule.indicator_id: rule
        for rule in RuleSetIndicator.objects.filter(ruleset_id=latest_run.ruleset_id)
        .select_related("indicator")
        .order_by("display_order", "id")
    }
    rule_order = {indicator_id: i for i, indicator_id in enumerate(rules)}
    # counties of the county's comparison set with a place on each indicator (stored per run)
    ranked_counts = dict(
        IndicatorReference.objects.filter(run=latest_run, peer_group=group).values_list(
            "indicator_id", "ranked"
        )
    )
    units = dict(Unit.choices)
    own_results = list(
        IndicatorResult.objects.filter(run=latest_run, county=county).select_related("indicator")
    )
    lines = []
    for r in own_results:
        rule = rules.get(r.indicator_id)
        lines.append(
            IndicatorLine(
                indicator=r.indicator,
                basis_type=rule.basis if rule else "",
                rule=rule,
                value=r.value,
                prior_value=r.prior_value,
                basis=r.basis,
                rank=r.rank,
                score=r.score,
                n_ranked=ranked_counts.get(r.indicator_id, 0),
                target=rule_target(rule.method, rule.params or {}) if rule else None,
                gap_basis=r.gap_basis,
                gap_value=r.gap_value,
                gap_rank=r.gap_rank,
                gap_points=r.gap_points,
                gap_total_rank=r.gap_total_rank,
                gap_kind=r.gap_kind,
                unit=str(units.get(r.indicator.unit, r.indicator.unit)),
                flags=list(r.flags or []),
            )
        )
    lines.sort(
        key=lambda line: (rule_order.get(line.indicator.pk, len(rule_order)), line.indicator.code)
    )
    leading = [line for line in lines if is_leading(line.rank, line.n_ranked)]
    short_boards = [line for line in lines if is_short_board(line.rank, line.n_ranked)]

    # The chart: one indicator's basis as its rule scores it, month by month, against the
    # ranked counties' average of the same basis and the rule's target.
    chart_lines = [line for line in lines if line.indicator.pk in rules]
    chart_line = (
        next((line for line in chart_lines if line.indicator.code == indicator_code), None)
        or next((line for line in chart_lines if line.basis_type == "growth"), None)
        or (chart_lines[0] if chart_lines else None)
    )
    chart_rule = rules[chart_line.indicator.pk] if chart_line is not None else None
    basis_series: list[Decimal | None] = []
    city_average: list[Decimal | None] = []
    if chart_rule is not None:
        bases: dict[int, dict[int, Decimal | None]] = {pk: {} for pk in run_ids}
        for run_id, county_id, basis in IndicatorResult.objects.filter(
            run_id__in=run_ids, indicator_id=chart_rule.indicator_id
        ).values_list("run_id", "county_id", "basis"):
            bases[run_id][county_id] = basis
        for pk in run_ids:
            basis_series.append(bases[pk].get(county.pk))
            ranked = [b for c in ranked_in[pk] if (b := bases[pk].get(c)) is not None]
            city_average.append(sum(ranked, Decimal(0)) / len(ranked) if ranked else None)

    return Profile(
        county=county,
        year=year,
        periods=[r.period for r in runs],
        ranks=ranks,
        n_ranked=n_ranked,
        n_ranked_latest=n_ranked_latest,
        latest=latest_run.period,
        latest_run=latest_run,
        lines=lines,
        leading=leading,
        short_boards=short_boards,
        chart_lines=chart_lines,
        chart_rule=chart_rule,
        basis_series=basis_series,
        city_average=city_average,
        basis_target=chart_line.target if chart_line is not None else None,
        rules=rules,
        results={r.indicator_id: r for r in own_results},
        category_ranks=category_ranks,
        total_rank=own.get(latest_run.pk, (None,))[0],
        newest=runs[-1].period,
        newest_ranked=own.get(runs[-1].pk, (None,))[0] is not None,
        peer_group=group,
    )
