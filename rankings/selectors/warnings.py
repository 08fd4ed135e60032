"""Progress and early warnings (预警) read from a stored run: the warning board, a county's rows
for its profile and its reporters' home page. Reads only; the recompute wrote them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from counties.models import County, Period
from indicators.models import Category, Indicator
from scorecard.roles import AnyUser
from targets.access import TARGET_FIGURES, target_county_ids_visible_to, target_figures_visible

from ..models import ProgressResult, RankingRun
from .runs import run_visible

LEVELS = ("red", "yellow", "green")


@dataclass(frozen=True)
class BoardRow:
    county: County | None  # None: the city as a whole
    cells: list[ProgressResult | None]  # one per indicator column, None: no row stored
    counts: dict[str, int]  # level -> how many of the row's indicators


@dataclass(frozen=True)
class WarningBoard:
    period: Period
    run: RankingRun
    indicators: list[Indicator]
    categories: list[Category]
    rows: list[BoardRow]
    city: BoardRow | None
    totals: dict[str, int]  # level -> cells over the counties shown
    level: str | None = None
    category: Category | None = None
    county: County | None = None
    has_targets: bool = False
    filtered_out: int = 0  # counties left out by the filters


def _without_others_targets(rows: list[ProgressResult], user: AnyUser) -> None:
    """Leave out the target figures of counties whose targets the user may not read
    (targets.access.TARGET_FIGURES); the rows keep completion, progress and the warning.
    `target_hidden` tells the pages why the target is blank."""
    visible = target_county_ids_visible_to(user)
    for row in rows:
        if not target_figures_visible(visible, row.county_id):
            for name in TARGET_FIGURES:
                setattr(row, name, [] if name == "plan" else None)
            row.target_hidden = True  # type: ignore[attr-defined]


def _counts(cells: list[ProgressResult | None]) -> dict[str, int]:
    counts = dict.fromkeys(LEVELS, 0)
    for cell in cells:
        if cell is not None and cell.level in counts:
            counts[cell.level] += 1
    return counts


def warning_board(
    period: Period,
    user: AnyUser,
    *,
    level: str | None = None,
    category: str | None = None,
    county: str | None = None,
) -> WarningBoard | None:
    """Counties x indicators of the period's visible run, coloured by warning. `level` keeps
    the counties with at least one cell of that colour (and dims the other cells), `category`
    keeps that category's indicators, `county` one county. Unknown filter values are ignored
    by the view before they reach here. Three queries."""
    run = run_visible(period, user)
    if run is None:
        return None
    rows = list(
        ProgressResult.objects.filter(run=run)
        .select_related("indicator__category", "indicator__lead_department", "county")
        .order_by("indicator__category__display_order", "indicator__display_order")
    )
    _without_others_targets(rows, user)
    indicators: dict[int, Indicator] = {}
    for row in rows:
        indicators.setdefault(row.indicator_id, row.indicator)
    categories = sorted(
        {i.category_id: i.category for i in indicators.values()}.values(),
        key=lambda c: (c.display_order, c.code),
    )
    chosen_category = next((c for c in categories if c.code == category), None)
    columns = [
        i
        for i in sorted(
            indicators.values(),
            key=lambda i: (i.category.display_order, i.display_order, i.code),
        )
        if chosen_category is None or i.category_id == chosen_category.pk
    ]
    by_key = {(r.county_id, r.indicator_id): r for r in rows}
    counties = sorted(
        {r.county_id: r.county for r in rows if r.county is not None}.values(),
        key=lambda c: (c.display_order, c.code),
    )
    chosen_county = next((c for c in counties if c.code == county), None)
    board_rows = []
    shown = 0
    for c in counties:
        cells = [by_key.get((c.pk, i.pk)) for i in columns]
        counts = _counts(cells)
        if chosen_county is not None and c.pk != chosen_county.pk:
            continue
        shown += 1
        if level in LEVELS and counts[level] == 0:
            continue
        board_rows.append(BoardRow(c, cells, counts))
    city_cells = [by_key.get((None, i.pk)) for i in columns]
    city = BoardRow(None, city_cells, _counts(city_cells)) if any(city_cells) else None
    totals = dict.fromkeys(LEVELS, 0)
    for board_row in board_rows:
        for name in LEVELS:
            totals[name] += board_row.counts[name]
    return WarningBoard(
        period=period,
        run=run,
        indicators=columns,
        categories=categories,
        rows=board_rows,
        city=city,
        totals=totals,
        level=level if level in LEVELS else None,
        category=chosen_category,
        county=chosen_county,
        has_targets=run.target_set_id is not None,
        filtered_out=shown - len(board_rows),
    )


@dataclass(frozen=True)
class CountyWarnings:
    """A county's warnings in a run: counts by colour and the rows, reds first."""

    period: Period
    run: RankingRun
    counts: dict[str, int]
    rows: list[ProgressResult] = field(default_factory=list)
    # indicator id -> the city's growth
    city_growth: dict[int, Decimal | None] = field(default_factory=dict)

    @property
    def flagged(self) -> list[ProgressResult]:
        return [r for r in self.rows if r.level in ("red", "yellow")]


def county_warnings(period: Period, county: County, user: AnyUser) -> CountyWarnings | None:
    """The county's progress rows of the period's visible run, reds first, then yellows, then
    the rest in display order."""
    run = run_visible(period, user)
    return county_warnings_of_run(run, county, user) if run is not None else None


def county_warnings_of_run(run: RankingRun, county: County, user: AnyUser) -> CountyWarnings:
    """county_warnings() of a run the caller has already found visible, with the city's growth
    per indicator (what "below the city's" compares with). One query, and one for the counties
    whose targets the user reads."""
    rows = list(
        ProgressResult.objects.filter(run=run)
        .filter(Q(county=county) | Q(county__isnull=True))
        .select_related("indicator__category", "indicator__lead_department")
        .order_by("indicator__category__display_order", "indicator__display_order")
    )
    _without_others_targets(rows, user)
    city = {r.indicator_id: r.growth for r in rows if r.county_id is None}
    own = [r for r in rows if r.county_id is not None]
    order = {"red": 0, "yellow": 1, "green": 2, "": 3}
    own.sort(key=lambda r: order.get(r.level, 3))
    return CountyWarnings(run.period, run, _counts(list(own)), own, city)
