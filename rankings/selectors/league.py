"""The league table and the rank heatmap of a period's visible run (see runs.runs_visible).

Both take a fixed number of queries whatever the number of counties. They return data (stored
results, Decimals, ids); presentation/league.py formats the rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F

from counties.access import AnyUser
from counties.models import County, Period
from indicators.models import Category, Indicator, RuleSetIndicator
from scorecard.naming import localized

from ..models import CategoryResult, CountyResult, IndicatorResult, RankingRun
from .runs import run_visible

_CATEGORY_FIELDS = ("code", "name", "name_en", "display_order")


@dataclass(frozen=True)
class LeagueEntry:
    """A county's stored result with its category subtotals, one per category column in order
    (None where the county has no total), each subtotal's flags ("imputed": 插补) and the
    indicators the county is exempt from (不考核), by name in rule-set order."""

    result: CountyResult
    subtotals: list[Decimal | None]
    subtotal_flags: list[tuple[str, ...]] = field(default_factory=list)
    exempt: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LeagueTable:
    period: Period
    run: RankingRun
    categories: list[Category]
    entries: list[LeagueEntry]

    @property
    def grouped(self) -> bool:
        """Ranked within peer groups (urban districts apart from counties, …)."""
        return any(entry.result.peer_group for entry in self.entries)

    @property
    def flags(self) -> set[str]:
        """The marks the table shows: "imputed" subtotals, "exempt" indicators."""
        found = {f for entry in self.entries for flags in entry.subtotal_flags for f in flags}
        return found | ({"exempt"} if any(entry.exempt for entry in self.entries) else set())


def league_table(
    period: Period, user: AnyUser, *, run: RankingRun | None = None
) -> LeagueTable | None:
    """The league table of a period: every county's total, rank, change, tier and subtotals.
    `run`: the period's run the user sees, when the caller has it from runs_visible already."""
    run = run if run is not None else run_visible(period, user)
    if run is None:
        return None
    results = list(
        CountyResult.objects.filter(run=run)
        .select_related("county")
        .order_by("peer_group", F("rank").asc(nulls_last=True), "county__display_order")
    )
    # the subtotals with their categories, in one query
    subtotals = (
        CategoryResult.objects.filter(run=run)
        .select_related("category")
        .only("county_id", "subtotal", "flags", *(f"category__{f}" for f in _CATEGORY_FIELDS))
    )
    by_key: dict[tuple[int, int], tuple[Decimal | None, tuple[str, ...]]] = {}
    found: dict[int, Category] = {}
    for row in subtotals:
        by_key[(row.county_id, row.category_id)] = (row.subtotal, tuple(row.flags or ()))
        found.setdefault(row.category_id, row.category)
    categories = sorted(found.values(), key=lambda c: (c.display_order, c.code))
    # the indicators each county is exempt from (不考核), among the few flagged results
    exempt: dict[int, list[str]] = {}
    for county_id, name, name_en, flags in (
        IndicatorResult.objects.filter(run=run)
        .exclude(flags=[])
        .order_by("indicator__category__display_order", "indicator__display_order")
        .values_list("county_id", "indicator__name", "indicator__name_en", "flags")
    ):
        if "exempt" in (flags or ()):
            exempt.setdefault(county_id, []).append(localized(name, name_en))
    none: tuple = (None, ())
    entries = [
        LeagueEntry(
            r,
            [
                by_key.get((r.county_id, c.id), none)[0] if r.total is not None else None
                for c in categories
            ],
            [
                by_key.get((r.county_id, c.id), none)[1] if r.total is not None else ()
                for c in categories
            ],
            exempt.get(r.county_id, []),
        )
        for r in results
    ]
    return LeagueTable(period=period, run=run, categories=categories, entries=entries)


@dataclass(frozen=True)
class Heatmap:
    period: Period
    run: RankingRun
    counties: list[County]
    indicators: list[Indicator]
    ranks: list[list[int | None]]  # one row per county, one column per indicator
    n_ranked: int  # the largest place on any indicator: where the colour scale ends
    off_month: list[Indicator] = field(default_factory=list)  # quarterly, not scored this month
    # the cells of counties exempt from the indicator (不考核), in the table's order
    exempt: list[tuple[County, Indicator]] = field(default_factory=list)


def rank_heatmap(period: Period, user: AnyUser, *, run: RankingRun | None = None) -> Heatmap | None:
    """Every county's rank on every indicator of a period's visible run. Three queries, and
    one for the run unless the caller has it from runs_visible (`run`)."""
    run = run if run is not None else run_visible(period, user)
    if run is None:
        return None
    results = list(
        IndicatorResult.objects.filter(run=run).values_list(
            "county_id", "indicator_id", "rank", "flags"
        )
    )
    exempt_keys = {(c, i) for c, i, _r, flags in results if "exempt" in (flags or ())}
    rows = [(c, i, r) for c, i, r, _f in results]
    county_ids = {c for c, _i, _r in rows}
    indicator_ids = {i for _c, i, _r in rows}
    counties = list(County.objects.filter(id__in=county_ids).order_by("display_order", "code"))
    indicators = list(
        Indicator.objects.filter(id__in=indicator_ids)
        .select_related("category")
        .order_by("category__display_order", "display_order", "code")
    )
    by_key = {(c, i): r for c, i, r in rows}
    ranks = [[by_key.get((c.id, i.id)) for i in indicators] for c in counties]
    n_ranked = max((r for _c, _i, r in rows if r is not None), default=0)
    off_month = []
    if period.month % 3:  # quarterly indicators are scored in March, June, September, December
        quarterly = set(
            RuleSetIndicator.objects.filter(
                ruleset_id=run.ruleset_id, frequency=RuleSetIndicator.Frequency.QUARTERLY
            ).values_list("indicator_id", flat=True)
        )
        off_month = [i for i in indicators if i.pk in quarterly]
    exempt = [(c, i) for c in counties for i in indicators if (c.id, i.id) in exempt_keys]
    return Heatmap(period, run, counties, indicators, ranks, n_ranked, off_month, exempt)
