"""Reading a filled targets workbook back into entries for the year's draft."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from contextlib import closing
from decimal import Decimal

from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from counties.excel import HEADER_SEARCH_ROWS, Problem
from counties.excel.reading import (
    UploadRejected,
    caused_by,
    cell_number,
    check_file,
    check_zip,
    code_text,
    header_label,
    is_filled,
    label_aliases,
    xlsx_sheets,
)
from counties.models import County
from counties.validation import NumberError
from indicators.models import Indicator

from .. import selectors, services
from ..models import Target, TargetSet
from ..schedules import HUNDRED, ScheduleError, check_shares
from ..services import ScheduleEntry, TargetEntry
from .layout import (
    CITY,
    KIND_GROWTH,
    KIND_VALUE,
    LABEL_YEAR,
    MONTHS,
    SCHEDULE_COLUMNS,
    SHEET_NOTES,
    SHEET_SCHEDULES,
    SHEET_TARGETS,
    TARGET_COLUMNS,
    TARGET_REQUIRED,
    TargetsUpload,
)
from .table import SHORT, Table, columns_of, month_columns, quote

logger = logging.getLogger(__name__)


_SHEETS = (
    ("targets", SHEET_TARGETS, ("targets",)),
    ("schedules", SHEET_SCHEDULES, ("schedules", "schedule", "monthly schedule")),
    ("notes", SHEET_NOTES, ("notes", "readme")),
)


class _Reader:
    """Reads the sheets of one workbook into an upload."""

    def __init__(
        self,
        upload: TargetsUpload,
        *,
        year: int,
        indicators: Mapping[str, Indicator],
        counties: Mapping[str, tuple[str, ...]],
    ) -> None:
        self.upload = upload
        self.year = year
        self.indicators = indicators
        self.counties = counties
        self.county_names = {
            header_label(name): code for code, names in counties.items() for name in names if name
        }
        self.city = label_aliases(CITY, "city")
        self.kinds = {
            Target.Kind.VALUE: label_aliases(KIND_VALUE, "目标值", "值", "value"),
            Target.Kind.GROWTH: label_aliases(KIND_GROWTH, "目标增速（%）", "增速", "growth"),
        }

    def _indicator(self, table: Table, number: int, row: dict) -> str | None:
        code = code_text(row.get("code")).lower()
        if not code:
            table.problem(_("这一行没有指标代码。"), number, "code")
            return None
        if code not in self.indicators:
            table.problem(
                _("指标代码“%(code)s”不在本年度考核指标中。") % {"code": code[:SHORT]},
                number,
                "code",
            )
            return None
        return code

    def _county(self, table: Table, number: int, row: dict) -> tuple[bool, str | None]:
        """(readable, county code or None for the city / every county)."""
        division = code_text(row.get("division"))
        name = header_label(row.get("county"))
        if division == "" or header_label(division) in self.city:
            if division == "" and name and name not in self.city:
                table.problem(
                    _("县区是“%(name)s”，但行政区划代码为空（为空表示全市）。")
                    % {"name": quote(row.get("county"))},
                    number,
                    "division",
                )
                return False, None
            return True, None
        if division not in self.counties:
            table.problem(
                _("行政区划代码“%(code)s”不是本市的县区。") % {"code": division[:SHORT]},
                number,
                "division",
            )
            return False, None
        other = self.county_names.get(name)
        if other is not None and other != division:
            table.problem(
                _("行政区划代码 %(code)s 是%(county)s，这一行的县区却是“%(name)s”。")
                % {
                    "code": division,
                    "county": self.counties[division][0],
                    "name": quote(row.get("county")),
                },
                number,
                "county",
            )
            return False, None
        return True, division

    def targets(self, table: Table, rows: Iterable[tuple[int, dict]]) -> None:
        for number, row in rows:
            if not any(is_filled(row.get(n)) for n in TARGET_REQUIRED):
                continue
            readable, county = self._county(table, number, row)
            code = self._indicator(table, number, row)
            value: Decimal | None = None
            try:
                value = cell_number(row.get("target"))
            except NumberError as exc:
                table.problem(str(exc), number, "target")
                readable = False
            written = header_label(row.get("kind"))
            kind = next((k for k, accepted in self.kinds.items() if written in accepted), None)
            if kind is None and written:
                table.problem(
                    _("目标类型应为“目标值”或“目标增速”，这里是“%(text)s”。")
                    % {"text": quote(row.get("kind"))},
                    number,
                    "kind",
                )
                readable = False
            elif kind is None and value is not None:
                table.problem(_("请填写目标类型（目标值或目标增速）。"), number, "kind")
                readable = False
            if not readable or code is None:
                continue
            first = self.upload.targets_at.get((county, code))
            if first is not None:
                table.problem(
                    _("这一行与第 %(first)d 行是同一县区、同一指标。") % {"first": first.row},
                    number,
                    "code",
                )
                continue
            self.upload.targets_at[(county, code)] = table.at(number)
            self.upload.entries.append(TargetEntry(county, code, kind or Target.Kind.VALUE, value))

    def schedules(self, table: Table, rows: Iterable[tuple[int, dict]]) -> None:
        for number, row in rows:
            months = [row.get(f"m{m}") for m in MONTHS]
            if not any(is_filled(v) for v in (row.get("code"), row.get("division"), *months)):
                continue
            readable, county = self._county(table, number, row)
            code = self._indicator(table, number, row)
            if code is not None and self.indicators[code].kind != Indicator.Kind.FLOW:
                table.problem(_("只有累计值指标可以分月下达进度。"), number, "code")
                readable = False
            shares: list[Decimal | None] = []
            for month, value in zip(MONTHS, months, strict=True):
                try:
                    shares.append(cell_number(value))
                except NumberError as exc:
                    table.problem(str(exc), number, f"m{month}")
                    readable = False
            if not readable or code is None:
                continue
            given = [s for s in shares if s is not None]
            if given and len(given) < len(shares):
                blank = shares.index(None) + 1
                table.problem(
                    _("12 个月的累计进度应全部填写，或全部留空（按月平均）。"), number, f"m{blank}"
                )
                continue
            if given:
                try:
                    check_shares(given)
                except ScheduleError as exc:
                    table.problem(str(exc), number, f"m{_offending_month(given)}")
                    continue
            first = self.upload.schedules_at.get((code, county))
            if first is not None:
                table.problem(
                    _("这一行与第 %(first)d 行是同一指标、同一县区的分月进度。")
                    % {"first": first.row},
                    number,
                    "code",
                )
                continue
            self.upload.schedules_at[(code, county)] = table.at(number)
            self.upload.schedules.append(ScheduleEntry(code, county, given or None))

    def notes(self, title: str, rows: Iterable[tuple[int, tuple]]) -> None:
        """The year the 说明 sheet states, where it states one, is the year imported into."""
        years = label_aliases(LABEL_YEAR, "year")
        for number, cells in rows:
            if number > HEADER_SEARCH_ROWS:
                return
            for index, value in enumerate(cells):
                if header_label(value) not in years:
                    continue
                after = next((i for i in range(index + 1, len(cells)) if is_filled(cells[i])), None)
                if after is None:
                    return
                found = code_text(cells[after])
                if found != str(self.year):
                    self.upload.problems.append(
                        Problem(
                            _("这是 %(found)s 年的目标表，不是 %(year)d 年的。")
                            % {"found": found[:SHORT], "year": self.year},
                            title,
                            number,
                            get_column_letter(after + 1),
                        )
                    )
                return


def _offending_month(shares: list[Decimal]) -> int:
    """The month a schedule goes wrong at: out of 0..100, below the month before, or December."""
    for month, share in enumerate(shares, start=1):
        if not share.is_finite() or share < 0 or share > HUNDRED:
            return month
    for month in range(2, len(shares) + 1):
        if shares[month - 1] < shares[month - 2]:
            return month
    return len(shares)


def _sheet_kind(title: str) -> str | None:
    text = header_label(title)
    return next(
        (kind for kind, label, others in _SHEETS if text in label_aliases(label, *others)), None
    )


def read_workbook(
    data: bytes,
    filename: str,
    *,
    year: int,
    indicators: Mapping[str, Indicator],
    counties: Mapping[str, tuple[str, ...]],
) -> TargetsUpload:
    """Read an uploaded targets workbook with every problem found in it.

    `indicators` are the year's target indicators by code, `counties` the active counties' names
    by division code. Nothing here checks values against the rules: the service does
    (`read_targets_upload` asks it)."""
    upload = TargetsUpload()
    reader = _Reader(upload, year=year, indicators=indicators, counties=counties)
    seen: set[str] = set()
    try:
        if not filename.lower().endswith(".xlsx"):
            raise UploadRejected(_("只能导入 Excel 工作簿（.xlsx）：请使用本页导出的目标表。"))
        check_file(data, filename)
        check_zip(data)
        with closing(xlsx_sheets(data)) as sheets:  # type: ignore[type-var]  # a generator
            for title, rows, merged in sheets:
                kind = _sheet_kind(title)
                if kind is None:
                    continue
                if kind in seen:
                    message = _("工作簿中有不止一张“%(sheet)s”工作表。") % {"sheet": title}
                    upload.problems.append(Problem(message, title))
                    continue
                seen.add(kind)
                upload.sheets.append(title)
                if kind == "notes":
                    reader.notes(title, rows)
                    continue
                if kind == "targets":
                    table = Table(
                        title, columns_of(TARGET_COLUMNS), TARGET_REQUIRED, merged, upload.problems
                    )
                    reader.targets(table, table.rows(rows))
                else:
                    columns = columns_of(SCHEDULE_COLUMNS) | month_columns()
                    table = Table(title, columns, columns, merged, upload.problems)
                    reader.schedules(table, table.rows(rows))
    except UploadRejected as exc:
        return TargetsUpload(problems=[Problem(str(exc))], refused=True)
    except Exception as exc:  # untrusted input: anything openpyxl raises means a bad file
        if caused_by(exc, DefusedXmlException):  # openpyxl wraps it in a ValueError
            logger.warning("targets upload %r refused: XML with entity declarations", filename)
            message = _("工作簿含有不安全的 XML 内容（实体声明），已拒绝。")
        else:
            logger.info("targets upload %r is not a readable workbook", filename, exc_info=True)
            message = _("文件已损坏或格式不正确，无法作为 Excel 工作簿读取。")
        return TargetsUpload(problems=[Problem(message)], refused=True)
    if "targets" not in seen:
        upload.problems.append(
            Problem(
                _("工作簿中没有“%(sheet)s”工作表：请使用本页导出的目标表填写。")
                % {"sheet": _(SHEET_TARGETS)}
            )
        )
    elif not upload.entries and not upload.schedules and not upload.problems:
        upload.problems.append(Problem(_("文件中没有目标数据。")))
    return upload


def read_targets_upload(*, target_set: TargetSet, data: bytes, filename: str) -> TargetsUpload:
    """An editor's upload for a draft, read and checked as the grid is checked: every problem
    of the file and of its values, located by sheet, row and column."""
    indicators = selectors.target_indicators(target_set.year)
    counties = {c.code: c for c in County.objects.filter(is_active=True)}
    upload = read_workbook(
        data,
        filename,
        year=target_set.year,
        indicators=indicators,
        counties={code: (c.name, c.name_en) for code, c in counties.items()},
    )
    if not upload.refused:
        issues = services.check_targets(upload.entries, indicators=indicators, counties=counties)
        upload.problems += upload.locate(issues)
    upload.sort()
    return upload
