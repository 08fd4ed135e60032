"""Layout of the targets workbook and the shape of an upload's result, shared by writing and
reading."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_noop

from counties.excel import Problem

from ..services import ScheduleEntry, TargetEntry, TargetIssue

SHEET_TARGETS = gettext_noop("目标")
SHEET_SCHEDULES = gettext_noop("分月进度")
SHEET_NOTES = gettext_noop("说明")
CITY = gettext_noop("全市")
KIND_VALUE = gettext_noop("目标值")
KIND_GROWTH = gettext_noop("目标增速")
MONTH = gettext_noop("%(month)d月")
LABEL_YEAR = gettext_noop("年度")
LABEL_VERSION = gettext_noop("版本")

# Columns of the two sheets: name, header, other headers the upload accepts (besides the header
# in every configured language).
TARGET_COLUMNS = (
    ("division", gettext_noop("行政区划代码"), ("区划代码", "县区代码", "division code")),
    ("county", gettext_noop("县区"), ("县区名称", "county")),
    ("code", gettext_noop("指标代码"), ("代码", "indicator code")),
    ("name", gettext_noop("指标名称"), ("名称", "indicator", "indicator name")),
    ("unit", gettext_noop("计量单位"), ("单位", "unit")),
    ("kind", gettext_noop("目标类型"), ("类型", "target type", "kind")),
    ("target", gettext_noop("目标"), ("年度目标", "target")),
)
TARGET_REQUIRED = ("division", "code", "kind", "target")
SCHEDULE_COLUMNS = (TARGET_COLUMNS[2], TARGET_COLUMNS[0])  # 指标代码, 行政区划代码, then months
MONTHS = range(1, 13)


@dataclass(frozen=True)
class TargetRow:
    division: str  # county code, or the city's label
    county: str
    code: str
    name: str
    unit: str
    kind: str  # 目标值 / 目标增速, as written
    value: Decimal | None


@dataclass(frozen=True)
class ScheduleRow:
    code: str
    division: str  # "" : every county
    shares: list | None  # twelve cumulative percents; None: month/12


@dataclass(frozen=True)
class Located:
    sheet: str
    row: int
    columns: dict[str, str]  # column name -> letter


@dataclass
class TargetsUpload:
    """What a file holds for the draft, where each entry came from, and every problem."""

    entries: list[TargetEntry] = field(default_factory=list)
    schedules: list[ScheduleEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    targets_at: dict[tuple[str | None, str], Located] = field(default_factory=dict)
    schedules_at: dict[tuple[str, str | None], Located] = field(default_factory=dict)
    sheets: list[str] = field(default_factory=list)  # the sheets read, in the workbook's order
    refused: bool = False  # the file as a whole could not be read

    def locate(self, issues: Iterable[TargetIssue]) -> list[Problem]:
        """The service's issues at the cells they are about: a target's value, else a
        schedule's indicator code, else the file."""
        located = []
        for issue in issues:
            at = self.targets_at.get((issue.county, issue.indicator))
            column = "target"
            if at is None:
                at, column = self.schedules_at.get((issue.indicator, issue.county)), "code"
            if at is None:
                located.append(Problem(issue.message))
            else:
                located.append(Problem(issue.message, at.sheet, at.row, at.columns[column]))
        return located

    def sort(self) -> None:
        """The file's problems first, then by sheet, row and column."""
        order = {name: i for i, name in enumerate(self.sheets)}

        def key(p: Problem) -> tuple:
            return (p.sheet != "", order.get(p.sheet, 99), p.row or 0, len(p.column), p.column)

        self.problems.sort(key=key)
