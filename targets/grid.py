"""The targets grid: counties × indicators as the page shows it, and a posted grid read back into
entries for services.targets_save.

Field names: `t-<county code or "city">-<indicator code>` for a target, `k-<indicator>` for the
kind of a column (目标值 or 目标增速, applied to the whole column), `s-<indicator>` for a flow's
schedule for every county ("20/45/70/100" or twelve figures; blank: month/12). A field the post
does not carry keeps what is stored; an empty one removes the target (or the schedule).

Every problem of a post is collected at once, by field name: numbers that cannot be read and
schedules that do not add up here, then the service's checks of the values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from counties.models import County
from counties.validation import NumberError, parse_number
from indicators.models import Category, Indicator
from scorecard.roles import AnyUser

from . import selectors, services
from .models import Target, TargetSet
from .presentation import kind_label, plain, target_text
from .schedules import ScheduleError, parse_schedule, schedule_text
from .selectors import CITY_CODE, GridCell
from .services import ScheduleEntry, TargetEntry, TargetIssue


def target_field(county: str | None, indicator: str) -> str:
    return f"t-{county or CITY_CODE}-{indicator}"


def kind_field(indicator: str) -> str:
    return f"k-{indicator}"


def schedule_field(indicator: str) -> str:
    return f"s-{indicator}"


def _issue_field(issue: TargetIssue) -> str:
    return target_field(issue.county, issue.indicator)


# ----------------------------------------------------------------------------- what is shown


@dataclass
class CellView:
    name: str  # the input's name and id
    label: str  # for screen readers and the list of problems: 东城区 · 一般公共预算收入
    text: str  # the input's value: as typed after a refusal, else the stored target
    display: str  # read-only: the stored target with its unit
    issues: list[str]


@dataclass
class ColumnView:
    indicator: Indicator
    kind: str  # selected in the column's kind selector
    mixed: bool  # the stored targets of the column are of both kinds
    kind_field: str
    schedule_field: str
    schedule: str  # the schedule for every county as written ("" : month/12)
    is_flow: bool
    kind_issues: list[str]
    schedule_issues: list[str]

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


@dataclass
class RowView:
    code: str  # county code, or CITY_CODE
    label: str
    is_city: bool
    cells: list[CellView]


@dataclass
class GridView:
    groups: list[tuple[Category, int]]  # categories over the columns, with their widths
    columns: list[ColumnView]
    rows: list[RowView]
    problems: list[tuple[str, str, str]]  # field name, where, message; in page order
    county_schedules: list[tuple[str, str, str]]  # county, indicator, schedule text


# ----------------------------------------------------------------------------- what is posted


@dataclass
class GridPost:
    entries: list[TargetEntry] = field(default_factory=list)
    schedules: list[ScheduleEntry] = field(default_factory=list)
    issues: dict[str, list[str]] = field(default_factory=dict)  # by field name
    texts: dict[str, str] = field(default_factory=dict)  # every grid field posted, as typed

    def add(self, name: str, message: str) -> None:
        self.issues.setdefault(name, []).append(message)


@dataclass
class GridOutcome:
    post: GridPost
    summary: services.SaveSummary | None  # None: refused, nothing saved


class TargetGrid:
    """One version's grid for the given counties (and the city) and indicators."""

    def __init__(
        self,
        target_set: TargetSet,
        *,
        counties: list[County],
        indicators: Mapping[str, Indicator],
        defaults: Mapping[str, str],
    ) -> None:
        self.target_set = target_set
        self.counties = counties
        self.indicators = indicators
        self.stored: dict[tuple[str | None, str], GridCell] = selectors.target_grid(
            target_set, counties, list(indicators.values())
        )
        self.schedules = selectors.schedules_of(target_set)
        self.kinds: dict[str, str] = {}
        self.mixed: set[str] = set()
        counts: dict[str, Counter[str]] = {code: Counter() for code in indicators}
        for (_county, code), cell in self.stored.items():
            if code in counts and cell.kind:
                counts[code][cell.kind] += 1
        for code, counted in counts.items():
            self.kinds[code] = (
                counted.most_common(1)[0][0] if counted else defaults.get(code, "value")
            )
            if len(counted) > 1:
                self.mixed.add(code)

    def _places(self) -> list[str | None]:
        return [c.code for c in self.counties] + [None]

    # ------------------------------------------------------------------------- reading a post

    def read(self, post: Mapping[str, str]) -> GridPost:
        """The posted fields as entries, with every problem that reading finds."""
        result = GridPost()
        for code, indicator in self.indicators.items():
            column_kind, bad_kind = None, False
            name = kind_field(code)
            if name in post:
                result.texts[name] = post[name]
                if post[name] in Target.Kind.values:
                    column_kind = post[name]
                else:
                    bad_kind = True
                    result.add(name, _("目标类型应为“目标值”或“目标增速”。"))
            for county in self._places():
                name = target_field(county, code)
                if name not in post:
                    continue  # not posted: the stored target stays as it is
                text = result.texts[name] = post[name]
                try:
                    value = parse_number(text)
                except NumberError as exc:
                    result.add(name, str(exc))
                    continue
                cell = self.stored.get((county, code))
                if bad_kind or (value is None and cell is None):
                    continue
                kind = column_kind or (cell.kind if cell and cell.kind else self.kinds[code])
                result.entries.append(TargetEntry(county, code, kind, value))
            name = schedule_field(code)
            if indicator.kind == Indicator.Kind.FLOW and name in post:
                text = result.texts[name] = post[name]
                try:
                    shares = parse_schedule(text)
                except ScheduleError as exc:
                    result.add(name, str(exc))
                    continue
                result.schedules.append(ScheduleEntry(code, None, shares))
        return result

    def save(self, *, user: AnyUser, post: Mapping[str, str]) -> GridOutcome:
        """Read and save the posted grid, all or nothing (channel "grid"). A grid drawn before
        someone else's save (its `fingerprint` no longer matches) raises TargetsChanged."""
        result = self.read(post)
        if result.issues:
            # Say what else is wrong with the cells that could be read, so that every problem
            # shows at once.
            counties = {c.code: c for c in self.counties}
            for issue in services.check_targets(
                result.entries, indicators=dict(self.indicators), counties=counties
            ):
                result.add(_issue_field(issue), issue.message)
            return GridOutcome(result, None)
        try:
            summary = services.targets_save(
                target_set=self.target_set,
                entries=result.entries,
                schedules=result.schedules,
                user=user,
                channel="grid",
                expected_fingerprint=post.get("fingerprint") or None,
            )
        except services.TargetsInvalid as exc:
            for issue in exc.issues:
                result.add(_issue_field(issue), issue.message)
            return GridOutcome(result, None)
        return GridOutcome(result, summary)

    # ------------------------------------------------------------------------- the page

    def view(
        self,
        *,
        posted: Mapping[str, str] | None = None,
        issues: Mapping[str, list[str]] | None = None,
    ) -> GridView:
        posted, issues = posted or {}, issues or {}
        columns: list[ColumnView] = []
        groups: list[tuple[Category, int]] = []
        for code, indicator in self.indicators.items():
            if groups and groups[-1][0].pk == indicator.category_id:
                groups[-1] = (groups[-1][0], groups[-1][1] + 1)
            else:
                groups.append((indicator.category, 1))
            kind = posted.get(kind_field(code), self.kinds[code])
            shares = self.schedules.get((code, None))
            columns.append(
                ColumnView(
                    indicator=indicator,
                    kind=kind if kind in Target.Kind.values else self.kinds[code],
                    mixed=code in self.mixed,
                    kind_field=kind_field(code),
                    schedule_field=schedule_field(code),
                    schedule=posted.get(schedule_field(code), schedule_text(shares)),
                    is_flow=indicator.kind == Indicator.Kind.FLOW,
                    kind_issues=issues.get(kind_field(code), []),
                    schedule_issues=issues.get(schedule_field(code), []),
                )
            )
        problems = []
        for column in columns:
            name = column.indicator.display_name
            for message in column.kind_issues:
                where = _("%(name)s · 目标类型") % {"name": name}
                problems.append((column.kind_field, where, message))
            for message in column.schedule_issues:
                where = _("%(name)s · 分月进度") % {"name": name}
                problems.append((column.schedule_field, where, message))
        rows = []
        for county in [*self.counties, None]:
            place = county.code if county else None
            label = county.display_name if county else _("全市")
            cells = []
            for column in columns:
                ind = column.indicator
                name = target_field(place, ind.code)
                stored = self.stored.get((place, ind.code))
                value = stored.value if stored else None
                where = f"{label} · {ind.display_name}"
                cell = CellView(
                    name=name,
                    label=where,
                    text=posted[name] if name in posted else plain(value),
                    display=target_text(stored.kind, stored.value, ind) if stored else "–",
                    issues=issues.get(name, []),
                )
                problems += [(name, where, message) for message in cell.issues]
                cells.append(cell)
            rows.append(RowView(place or CITY_CODE, label, county is None, cells))
        names = {c.code: c.display_name for c in self.counties}
        county_schedules = [
            (names[county], self.indicators[ind].display_name, schedule_text(shares))
            for (ind, county), shares in sorted(self.schedules.items(), key=_schedule_order)
            if county is not None and county in names and ind in self.indicators
        ]
        return GridView(groups, columns, rows, problems, county_schedules)


def _schedule_order(item: tuple[tuple[str, str | None], list]) -> tuple[str, str]:
    (indicator, county), _shares = item
    return (county or "", indicator)
