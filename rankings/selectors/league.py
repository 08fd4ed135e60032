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

from ..models import CategoryResult, CountyResult, IndicatorResult, RankingRun
from .runs import run_visible


@dataclass(frozen=True)
class LeagueEntry:
    """A county's stored result with its category subtotals, one per category column in order
    (None where the county has no total)."""

    result: CountyResult
    subtotals: list[Decimal | None]


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
    subtotals = CategoryResult.objects.filter(run=run).values_list(
        "county_id", "category_id", "subtotal"
    )
    by_key = {(c, k): s for c, k, s in subtotals}
    category_ids = sorted({k for _, k in by_key})
    categories = list(
        Category.objects.filter(id__in=category_ids).order_by("display_order", "code")
    )
    entries = [
        LeagueEntry(
            r,
            [by_key.get((r.county_id, c.id)) if r.total is not None else None for c in categories],
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


def rank_heatmap(period: Period, user: AnyUser, *, run: RankingRun | None = None) -> Heatmap | None:
    """Every county's rank on every indicator of a period's visible run. Three queries, and
    one for the run unless the caller has it from runs_visible (`run`)."""
    run = run if run is not None else run_visible(period, user)
    if run is None:
        return None
    rows = list(
        IndicatorResult.objects.filter(run=run).values_list("county_id", "indicator_id", "rank")
    )
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
    return Heatmap(period, run, counties, indicators, ranks, n_ranked, off_month)
