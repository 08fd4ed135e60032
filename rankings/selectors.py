"""Reads that feed the scoring engine and that show stored rankings."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from counties.access import AnyUser, can_see_unpublished_rankings
from counties.models import County, Period, Submission, SubmissionValue
from indicators.models import Category, Indicator
from indicators.scoring import Rules

from .models import BonusItem, CategoryResult, CountyResult, IndicatorResult, RankingRun, Veto

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


def approved_values_frame(period: Period, indicator_codes: list[str]) -> pd.DataFrame:
    """Approved year-to-date values of the period, long form, as floats for the engine.

    Only approved submissions feed rankings. A county with none is simply absent (the engine
    flags it missing on every indicator).
    """
    rows = SubmissionValue.objects.filter(
        submission__period=period,
        submission__status=Submission.Status.APPROVED,
        indicator__code__in=indicator_codes,
    ).values_list("submission__county__code", "indicator__code", "value", "prior_value")
    frame = pd.DataFrame.from_records(
        [(c, i, period.key, v, p) for c, i, v, p in rows], columns=VALUE_COLUMNS
    )
    for column in ("value", "prior_value"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    return frame


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

    def as_kwargs(self) -> dict:
        """score()'s keyword arguments (empty rank maps as None)."""
        return {
            "bonuses": self.bonuses,
            "vetoes": self.vetoes,
            "base_ranks": self.base_ranks or None,
            "previous_ranks": self.previous_ranks or None,
        }


def engine_inputs(period: Period, rules: Rules) -> EngineInputs:
    """The approved values of the rules' indicators (and ratio denominators), the counties,
    bonus and penalty items, vetoes and the stored ranks a period's scoring builds on. The one
    read behind a recompute, a what-if preview and a stability analysis."""
    codes = sorted(
        {i.code for i in rules.indicators}
        | {i.basis.denominator for i in rules.indicators if i.basis.denominator}
    )
    previous = period_previous(period)
    base = period_base(period)
    return EngineInputs(
        values=approved_values_frame(period, codes),
        counties=counties_frame(),
        bonuses=bonuses_frame(period),
        vetoes=vetoed_codes(period.year),
        previous_ranks=ranks_of_run(run_current(previous) if previous else None),
        base_ranks=ranks_of_run(run_current(base) if base else None),
    )


def _text(value: Decimal | None, places: int = 2) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def _sort_key(value: Decimal | int | None) -> str:
    return "" if value is None else str(value)


def _tier_labels() -> dict[str, str]:
    return {
        "leading": _("第一方阵"),
        "middle": _("第二方阵"),
        "lagging": _("第三方阵"),
        "vetoed": _("一票否决"),
    }


def _flag_badges() -> dict[str, tuple[str, str]]:
    return {
        "not_ranked": ("status-missing", _("不参与排名")),
        "incomplete": ("status-returned", _("缺报过多，不计总分")),
        "vetoed": ("status-returned", _("一票否决")),
        "missing": ("status-draft", _("缺报")),
    }


@dataclass(frozen=True)
class LeagueRow:
    """A county's line in the league table, with its cells formatted once here: at province
    scale the template's filters and tags cost more than everything else on the page."""

    result: CountyResult
    subtotals: list[Decimal | None]  # one per category column, in order; None: no total
    total_text: str = ""
    total_sort: str = ""
    subtotal_cells: list[tuple[str, str]] = field(default_factory=list)  # (sort key, text)
    bonus_text: str = ""
    change: tuple[str, str] = ("", "–")  # (css class, text): ↑2 / ↓1 / –
    tier_label: str = "–"
    badges: list[tuple[str, str]] = field(default_factory=list)  # (css class, label)


def _league_row(
    result: CountyResult,
    subtotals: list[Decimal | None],
    tiers: dict[str, str],
    flags: dict[str, tuple[str, str]],
) -> LeagueRow:
    change = result.rank_change
    if not change:
        shown = ("", "–")
    elif change > 0:
        shown = ("up", f"↑{change}")
    else:
        shown = ("down", f"↓{-change}")
    return LeagueRow(
        result=result,
        subtotals=subtotals,
        total_text=_text(result.total),
        total_sort=_sort_key(result.total),
        subtotal_cells=[(_sort_key(v), _text(v)) for v in subtotals],
        bonus_text=_text(result.bonus) if result.bonus else "–",
        change=shown,
        tier_label=tiers.get(result.tier, "–"),
        badges=[flags[f] for f in result.flags if f in flags],
    )


@dataclass(frozen=True)
class LeagueTable:
    period: Period
    run: RankingRun
    categories: list[Category]
    rows: list[LeagueRow]

    @property
    def grouped(self) -> bool:
        """Ranked within peer groups (urban districts apart from counties, …)."""
        return any(row.result.peer_group for row in self.rows)


def runs_visible(user: AnyUser) -> QuerySet[RankingRun]:
    """The runs the user may read, the one rule every ranking page follows: city staff each
    period's current run at once; county users published runs only, the latest published one
    first (a newer, unpublished recompute stays invisible to them)."""
    if can_see_unpublished_rankings(user):
        return RankingRun.objects.filter(is_current=True)
    return RankingRun.objects.filter(
        is_published=True, status=RankingRun.Status.SUCCEEDED
    ).order_by("-published_at", "-pk")


def run_visible(period: Period, user: AnyUser) -> RankingRun | None:
    """The run of the period the user sees (see runs_visible)."""
    return runs_visible(user).filter(period=period).select_related("ruleset").first()


def periods_with_rankings(user: AnyUser) -> list[Period]:
    return list(
        Period.objects.filter(ranking_runs__in=runs_visible(user))
        .distinct()
        .order_by("-year", "-month")
    )


def league_table(period: Period, user: AnyUser) -> LeagueTable | None:
    """The league table of a period: every county's total, rank, change, tier and subtotals.

    A fixed number of queries whatever the number of counties.
    """
    run = run_visible(period, user)
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
    tiers, flags = _tier_labels(), _flag_badges()
    rows = [
        _league_row(
            r,
            [by_key.get((r.county_id, c.id)) if r.total is not None else None for c in categories],
            tiers,
            flags,
        )
        for r in results
    ]
    return LeagueTable(period=period, run=run, categories=categories, rows=rows)


@dataclass(frozen=True)
class Heatmap:
    period: Period
    run: RankingRun
    counties: list[County]
    indicators: list[Indicator]
    ranks: list[list[int | None]]  # one row per county, one column per indicator
    n_ranked: int


def rank_heatmap(period: Period, user: AnyUser) -> Heatmap | None:
    """Every county's rank on every indicator of a period's visible run. Three queries."""
    run = run_visible(period, user)
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
    return Heatmap(period, run, counties, indicators, ranks, n_ranked)
