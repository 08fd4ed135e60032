"""Per-category and per-indicator tables, and the city overview, read from stored runs.

Visibility follows `selectors.run_visible` (city staff the current run at once, county users the
published one). Every read here takes a fixed number of queries whatever the number of counties.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from counties.access import AnyUser
from counties.models import County, Period
from indicators.models import Indicator, RuleSetCategory, RuleSetIndicator
from indicators.scoring.growth import growth_percent

from ..models import CategoryResult, CountyResult, IndicatorResult, RankingRun
from .profile import rule_target
from .runs import run_visible, runs_visible_in_year


@dataclass(frozen=True)
class Cell:
    """One county's result on one indicator."""

    value: Decimal | None
    prior_value: Decimal | None
    basis: Decimal | None
    rank: int | None
    score: Decimal | None
    flags: tuple[str, ...] = ()  # the engine's: "exempt" (不考核), "missing", ...

    @property
    def growth(self) -> Decimal | None:
        return growth_percent(self.value, self.prior_value)

    @property
    def exempt(self) -> bool:
        return "exempt" in self.flags


@dataclass(frozen=True)
class IndicatorColumn:
    rule: RuleSetIndicator  # its basis, decimals and unit: how the basis and target read
    indicator: Indicator
    weight: Decimal
    basis_type: str
    target: Decimal | None  # in the basis' terms
    summable: bool
    total: Decimal | None = None  # summable: the city's figure (sum over reporting counties)
    total_growth: Decimal | None = None  # its growth, over the counties with last year's figure
    average_basis: Decimal | None = None  # not summable: the ranked counties' mean basis
    reporting: int = 0  # counties with a value


@dataclass(frozen=True)
class CategoryRow:
    county: County
    peer_group: str
    ranked: bool  # False: scored but never ranked (a functional zone)
    total_rank: int | None
    subtotal: Decimal | None
    rank: int | None
    cells: list[Cell]  # one per indicator column
    flags: tuple[str, ...] = ()  # the category result's: "imputed" (插补), ...

    @property
    def imputed(self) -> bool:
        return "imputed" in self.flags

    def ordered_by(self, column: int) -> tuple:
        """Sort key for an indicator's detail table: its rank, unranked last."""
        rank = self.cells[column].rank
        return (self.peer_group, rank is None, rank or 0, self.county.display_order)


@dataclass(frozen=True)
class CategoryTable:
    period: Period
    run: RankingRun
    categories: list[RuleSetCategory]  # every category of the run's rule set, for the tabs
    category: RuleSetCategory
    columns: list[IndicatorColumn]
    rows: list[CategoryRow]  # by peer group, then category rank
    grouped: bool

    def detail(self, column: int) -> list[tuple[CategoryRow, Cell]]:
        """The rows ordered by one indicator's rank, each with its cell."""
        rows = sorted(self.rows, key=lambda r: r.ordered_by(column))
        return [(row, row.cells[column]) for row in rows]

    @property
    def details(self) -> list[tuple[IndicatorColumn, list[tuple[CategoryRow, Cell]]]]:
        return [(col, self.detail(k)) for k, col in enumerate(self.columns)]

    @property
    def flags(self) -> set[str]:
        """Every flag of the table's subtotals and cells (for its legend)."""
        found = {f for row in self.rows for f in row.flags}
        return found | {f for row in self.rows for cell in row.cells for f in cell.flags}


def category_table(
    period: Period, user: AnyUser, category_code: str | None
) -> CategoryTable | None:
    """A category's subtotals and ranks, and each of its indicators' value, growth, rank and
    score per county, with the city's total (or average) and the province's target."""
    run = run_visible(period, user)
    if run is None:
        return None
    categories = list(
        RuleSetCategory.objects.filter(ruleset_id=run.ruleset_id)
        .select_related("category")
        .order_by("display_order", "category__display_order", "id")
    )
    if not categories:
        return None
    category = next((c for c in categories if c.category.code == category_code), categories[0])
    rules = list(
        RuleSetIndicator.objects.filter(ruleset_id=run.ruleset_id, category=category)
        .select_related("indicator")
        .order_by("display_order", "id")
    )
    results = list(
        CountyResult.objects.filter(run=run)
        .select_related("county")
        .order_by("county__display_order", "county__code")
    )
    subtotals = {
        county_id: (subtotal, rank, tuple(flags or ()))
        for county_id, subtotal, rank, flags in CategoryResult.objects.filter(
            run=run, category_id=category.category_id
        ).values_list("county_id", "subtotal", "rank", "flags")
    }
    indicator_ids = [r.indicator_id for r in rules]
    cells: dict[tuple[int, int], Cell] = {}
    for (
        county_id,
        indicator_id,
        value,
        prior,
        basis,
        rank,
        score,
        flags,
    ) in IndicatorResult.objects.filter(run=run, indicator_id__in=indicator_ids).values_list(
        "county_id", "indicator_id", "value", "prior_value", "basis", "rank", "score", "flags"
    ):
        cells[(county_id, indicator_id)] = Cell(
            value, prior, basis, rank, score, tuple(flags or ())
        )
    empty = Cell(None, None, None, None, None)
    none: tuple = (None, None, ())
    rows = [
        CategoryRow(
            county=r.county,
            peer_group=r.peer_group,
            ranked="not_ranked" not in r.flags,
            total_rank=r.rank,
            subtotal=subtotals.get(r.county_id, none)[0] if r.total is not None else None,
            rank=subtotals.get(r.county_id, none)[1],
            cells=[cells.get((r.county_id, i), empty) for i in indicator_ids],
            flags=subtotals.get(r.county_id, none)[2],
        )
        for r in results
    ]
    rows.sort(
        key=lambda row: (row.peer_group, row.rank is None, row.rank or 0, row.county.display_order)
    )
    ranked = {r.county_id for r in results if r.rank is not None}
    columns = [
        _column(
            rule,
            [cells.get((c.county_id, rule.indicator_id)) for c in results],
            [c.county_id in ranked for c in results],
        )
        for rule in rules
    ]
    return CategoryTable(
        period=period,
        run=run,
        categories=categories,
        category=category,
        columns=columns,
        rows=rows,
        grouped=any(r.peer_group for r in results),
    )


def _column(
    rule: RuleSetIndicator, cells: list[Cell | None], ranked: list[bool]
) -> IndicatorColumn:
    indicator = rule.indicator
    summable = indicator.is_summable
    reported = [c.value for c in cells if c is not None and c.value is not None]
    total = growth = average = None
    if summable and reported:
        total = sum(reported, Decimal(0))
        # growth on the counties that have both figures, so a missing base does not inflate it
        paired = [
            (c.value, c.prior_value)
            for c in cells
            if c is not None and c.value is not None and c.prior_value is not None
        ]
        growth = growth_percent(
            sum((v for v, _p in paired), Decimal(0)), sum((p for _v, p in paired), Decimal(0))
        )
    bases = [
        c.basis
        for c, is_ranked in zip(cells, ranked, strict=True)
        if is_ranked and c is not None and c.basis is not None
    ]
    if not summable and bases:
        average = sum(bases, Decimal(0)) / len(bases)
    return IndicatorColumn(
        rule=rule,
        indicator=indicator,
        weight=rule.weight,
        basis_type=rule.basis,
        target=rule_target(rule.method, rule.params or {}),
        summable=summable,
        total=total,
        total_growth=growth,
        average_basis=average,
        reporting=len(reported),
    )


@dataclass(frozen=True)
class Headline:
    """One of the city's headline indicators: the counties' figures added up."""

    rule: RuleSetIndicator
    indicator: Indicator
    total: Decimal | None
    growth: Decimal | None  # over the counties with last year's figure
    target: Decimal | None  # the province's growth target, where the rule set has one
    reporting: int
    fastest: County | None  # the ranked county growing fastest
    fastest_growth: Decimal | None


@dataclass(frozen=True)
class CityOverview:
    period: Period
    run: RankingRun
    headlines: list[Headline]
    expected: int  # counties that report
    months: list[Period]  # the year's months with a visible run
    trend: dict[str, list[Decimal | None]]  # indicator name -> the city's growth per month


def city_overview(period: Period, user: AnyUser) -> CityOverview | None:
    """The city's headline indicators (the additive ones the rule set scores) summed over the
    counties, with growth against last year, and their growth month by month this year."""
    run = run_visible(period, user)
    if run is None:
        return None
    rules = [
        r
        for r in RuleSetIndicator.objects.filter(ruleset_id=run.ruleset_id)
        .select_related("indicator")
        .order_by("display_order", "id")
        if r.indicator.is_summable
    ]
    ids = [r.indicator_id for r in rules]
    ranked = set(
        CountyResult.objects.filter(run=run, rank__isnull=False).values_list("county_id", flat=True)
    )
    by_indicator: dict[int, list[tuple[County, Decimal | None, Decimal | None]]] = {}
    for r in IndicatorResult.objects.filter(run=run, indicator_id__in=ids).select_related("county"):
        by_indicator.setdefault(r.indicator_id, []).append((r.county, r.value, r.prior_value))
    headlines = []
    for rule in rules:
        rows = [(c, v, p) for c, v, p in by_indicator.get(rule.indicator_id, []) if v is not None]
        paired = [(c, v, p) for c, v, p in rows if p]
        growths = [
            (g, c)
            for c, v, p in paired
            if c.pk in ranked and (g := growth_percent(v, p)) is not None
        ]
        best: tuple[Decimal | None, County | None] = max(
            growths, key=lambda g: g[0], default=(None, None)
        )
        headlines.append(
            Headline(
                rule=rule,
                indicator=rule.indicator,
                total=sum((v for _c, v, _p in rows), Decimal(0)) if rows else None,
                growth=growth_percent(
                    sum((v for _c, v, _p in paired), Decimal(0)),
                    sum((p for _c, _v, p in paired), Decimal(0)),
                ),
                target=rule_target(rule.method, rule.params or {})
                if rule.basis == "growth"
                else None,
                reporting=len(rows),
                fastest=best[1],
                fastest_growth=best[0],
            )
        )

    # the year's trend, one aggregate query over the visible runs
    runs = sorted(runs_visible_in_year(period.year, user).values(), key=lambda r: r.period.month)
    runs = [r for r in runs if r.period.month <= period.month]
    sums = {
        (row["run_id"], row["indicator_id"]): (row["v"], row["p"])
        for row in IndicatorResult.objects.filter(
            run__in=runs,
            indicator_id__in=ids,
            value__isnull=False,
            prior_value__gt=0,
        )
        .values("run_id", "indicator_id")
        .annotate(v=Sum("value"), p=Sum("prior_value"))
    }
    trend = {
        rule.indicator.display_name: [
            growth_percent(*sums.get((run_.pk, rule.indicator_id), (None, None))) for run_ in runs
        ]
        for rule in rules
    }
    return CityOverview(
        period=period,
        run=run,
        headlines=headlines,
        expected=County.objects.filter(is_active=True).count(),
        months=[r.period for r in runs],
        trend=trend,
    )
