"""The prefilled template to download."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _

from .. import selectors
from ..models import County, Period, Submission, SubmissionValue
from ..services import NO_SUBMISSION_VERSION
from ..validation import Entry
from .layout import (
    _WIDTHS,
    COLUMNS,
    FIRST_DATA_ROW,
    HEADER_ROW,
    LABEL_COUNTY,
    LABEL_DIVISION,
    LABEL_PERIOD,
    LABEL_PERIOD_KEY,
    LABEL_VERSION,
)

logger = logging.getLogger(__name__)

# ----------------------------------------------------------------------------- the template


@dataclass(frozen=True)
class TemplateRow:
    code: str
    name: str
    unit: str
    value: Decimal | None
    prior_value: Decimal | None
    note: str
    decimals: int = 2
    # 不考核: why the rule set does not score the county on it; the row is grey and locked,
    # its figures blank (an upload that fills them in is refused)
    exemption: str | None = None

    @property
    def exemption_note(self) -> str:
        return _("不考核：%(reason)s") % {"reason": self.exemption}


@dataclass(frozen=True)
class TemplateSheet:
    county_code: str
    county_name: str
    period_label: str
    period_key: str
    rows: list[TemplateRow]
    # the version of the county's submission the figures were read from (0: none yet); the
    # upload compares it with what is stored then, so a stale file cannot undo a later save
    version: int = 0


def current_entries(*, county: County, period: Period, indicators) -> dict[str, Entry]:
    """What the form would show: the stored values, or last year's approved value as the
    default for the same period last year."""
    return current_entries_many(counties=[county], period=period, indicators=indicators)[county.pk]


def current_entries_many(
    *, counties: list[County], period: Period, indicators
) -> dict[int, dict[str, Entry]]:
    """current_entries of many counties (by county id) in three queries. An indicator the
    county is exempted from (不考核) is blank: it is not reported."""
    stored: dict[int, dict[int, Entry]] = {}
    rows = SubmissionValue.objects.filter(
        submission__county__in=counties, submission__period=period
    ).values_list("submission__county_id", "indicator_id", "value", "prior_value", "note")
    for county_id, indicator_id, value, prior, note in rows.order_by():
        stored.setdefault(county_id, {})[indicator_id] = Entry(value, prior, note)
    defaults = selectors.last_year_values_many(counties=counties, period=period)
    exempt = selectors.exemptions_for_entry(period, counties)
    blank = Entry(None, None, "")
    result = {}
    for county in counties:
        own, last_year = stored.get(county.pk, {}), defaults.get(county.pk, {})
        reasons = exempt.get(county.pk, {})
        result[county.pk] = {
            ind.code: blank
            if ind.code in reasons
            else own.get(ind.id) or Entry(None, last_year.get(ind.id), "")
            for ind in indicators
        }
    return result


def template_workbook(*, counties: Iterable[County], period: Period) -> bytes:
    """The prefilled template: one sheet per county, in the given order."""
    counties = list(counties)
    indicators = selectors.indicators_for_entry(period)
    current = current_entries_many(counties=counties, period=period, indicators=indicators)
    versions = dict(
        Submission.objects.filter(county__in=counties, period=period)
        .order_by()
        .values_list("county_id", "version")
    )
    exempt = selectors.exemptions_for_entry(period, counties)
    described = [(ind, ind.get_unit_display()) for ind in indicators]
    sheets = []
    for county in counties:
        entries = current[county.pk]
        reasons = exempt.get(county.pk, {})
        rows = [
            TemplateRow(
                code=ind.code,
                name=ind.name,
                unit=unit,
                value=entries[ind.code].value,
                prior_value=entries[ind.code].prior_value,
                note=entries[ind.code].note,
                decimals=ind.decimals,
                exemption=reasons.get(ind.code),
            )
            for ind, unit in described
        ]
        sheets.append(
            TemplateSheet(
                county.code,
                county.name,
                period.label,
                period.key,
                rows=rows,
                version=versions.get(county.pk, NO_SUBMISSION_VERSION),
            )
        )
    return build_workbook(sheets)


def template_filename(*, period: Period, county: County | None = None) -> str:
    if county is None:
        return _("各县区_%(period)s_填报模板") % {"period": period.label} + ".xlsx"
    return _("%(county)s_%(period)s_填报模板") % {"county": county.name, "period": period.label} + (
        ".xlsx"
    )


def _number_out(value: Decimal | None) -> float | None:
    """A stored Decimal as the number the cell holds (Excel keeps doubles; the stored values
    have at most 4 decimals and 14 integer digits, which a double carries exactly enough to
    read back as the same Decimal)."""
    if value is None:
        return None
    return float(value)


def _sheet_title(name: str, code: str, taken: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "", name).strip()[:31] or code
    if title in taken:
        title = f"{title[: 31 - len(code) - 1]} {code}"
    taken.add(title)
    return title


def _exemption_hint(rows: Iterable[TemplateRow]) -> str:
    """The instructions' sentence on exempted rows, where a sheet has any."""
    if not any(row.exemption is not None for row in rows):
        return ""
    return _("“说明”中写有“不考核”的指标不填报（灰色），导入时填了数值会被拒绝。")


_LOCKED = {"bg_color": "#D9D9D9", "locked": True}
_BOX = {"border": 1, "border_color": "#808080"}


class _Formats:
    """The cell formats of the entry templates: grey and locked for what is given, white and
    open for what is filled in, numbers at the indicator's decimals."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 14, "locked": True})
        self.label = book.add_format({**_LOCKED, "bold": True})
        self.meta = book.add_format(_LOCKED)
        self.note = book.add_format({"text_wrap": True, "valign": "top", "locked": True})
        self.header = book.add_format(
            {**_BOX, "bold": True, "bg_color": "#BFBFBF", "align": "center", "locked": True}
        )
        self.fixed = book.add_format({**_BOX, **_LOCKED})
        self.open_text = book.add_format({**_BOX, "locked": False, "text_wrap": True})
        self._numbers: dict[tuple[int, bool], object] = {}

    def number(self, decimals: int, locked: bool = False):
        key = (decimals, locked)
        if key not in self._numbers:
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            style = {**_BOX, "num_format": pattern, **(_LOCKED if locked else {"locked": False})}
            self._numbers[key] = self.book.add_format(style)
        return self._numbers[key]


def build_workbook(sheets: list[TemplateSheet]) -> bytes:
    """The .xlsx bytes: per sheet a title, the county's name and division code, the period and
    its code, a note, then one row per indicator. Code, name and unit are grey and locked
    (sheet protection without a password); the three columns to fill are not.

    Written with XlsxWriter, which writes a province's 200 sheets in about a second, several
    times faster than openpyxl (text is written as text, so a note such as "=1+1" never becomes
    a formula)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    fmt = _Formats(book)
    title_fmt, label_fmt, meta_fmt = fmt.title, fmt.label, fmt.meta
    note_fmt, header_fmt, fixed_fmt, text_fmt = fmt.note, fmt.header, fmt.fixed, fmt.open_text
    number_fmt = fmt.number

    taken: set[str] = set()
    for sheet in sheets:
        ws = book.add_worksheet(_sheet_title(sheet.county_name, sheet.county_code, taken))
        title = _("%(county)s %(period)s 主要经济指标填报表") % {
            "county": sheet.county_name,
            "period": sheet.period_label,
        }
        ws.merge_range("A1:F1", title, title_fmt)
        for ref, text, fmt in (
            ("A2", _(LABEL_COUNTY), label_fmt),
            ("B2", sheet.county_name, meta_fmt),
            ("C2", _(LABEL_DIVISION), label_fmt),
            ("D2", sheet.county_code, meta_fmt),
            ("A3", _(LABEL_PERIOD), label_fmt),
            ("B3", sheet.period_label, meta_fmt),
            ("C3", _(LABEL_PERIOD_KEY), label_fmt),
            ("D3", sheet.period_key, meta_fmt),
            ("E3", _(LABEL_VERSION), label_fmt),
        ):
            ws.write_string(ref, text, fmt)
        ws.write_number("F3", sheet.version, meta_fmt)
        ws.set_row(3, 48)
        ws.merge_range(
            "A4:F4",
            _(
                "填写说明：灰色单元格请勿修改。“本年累计”填 1-N 月累计数；“上年同期”已按上年审核数"
                "预填，可修改；数值异常时请在“说明”中写明原因。上传后保存为草稿，请在网页上核对后报送。"
                "“数据版本”记录模板生成时的数据，下载后如有人在网页上修改过，上传时会提示确认。"
            )
            + _exemption_hint(sheet.rows),
            note_fmt,
        )
        header = HEADER_ROW - 1  # zero-based rows from here on
        for column, (_name, label) in enumerate(COLUMNS):
            ws.write_string(header, column, _(label), header_fmt)
        for number, row in enumerate(sheet.rows, start=FIRST_DATA_ROW - 1):
            ws.write_string(number, 0, row.code, fixed_fmt)
            ws.write_string(number, 1, row.name, fixed_fmt)
            ws.write_string(number, 2, row.unit, fixed_fmt)
            if row.exemption is not None:  # 不考核: grey and locked, nothing to fill in
                fmt = number_fmt(row.decimals, True)
                ws.write_blank(number, 3, None, fmt)
                ws.write_blank(number, 4, None, fmt)
                ws.write_string(number, 5, row.exemption_note, fixed_fmt)
                continue
            fmt = number_fmt(row.decimals)
            for column, value in ((3, row.value), (4, row.prior_value)):
                if value is None:
                    ws.write_blank(number, column, None, fmt)
                else:
                    ws.write_number(number, column, _number_out(value), fmt)
            if row.note:
                ws.write_string(number, 5, row.note, text_fmt)
            else:
                ws.write_blank(number, 5, None, text_fmt)
        for letter, width in _WIDTHS.items():
            ws.set_column(f"{letter}:{letter}", width)
        ws.freeze_panes(FIRST_DATA_ROW - 1, 3)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.protect("", {"format_cells": True, "format_columns": True, "format_rows": True})
    book.close()
    return out.getvalue()


# ----------------------------------------------------------------------------- department


@dataclass(frozen=True)
class LongRow:
    """A row of a long table: one county's figures on one indicator."""

    county_code: str
    county_name: str
    row: TemplateRow
    stamp: str = ""
    locked: bool = False  # the county's month is approved: shown, not to be changed


LONG_COLUMNS = (
    (LABEL_DIVISION, 12),
    (LABEL_COUNTY, 14),
    ("指标代码", 16),
    ("指标名称", 30),
    ("计量单位", 10),
    ("本年累计", 16),
    ("上年同期", 16),
    ("说明", 36),
    (LABEL_VERSION, 18),
)


def build_long_workbook(*, title: str, period: Period, rows: list[LongRow]) -> bytes:
    """One sheet with a row per county and indicator (a department's figures for every county):
    the period and its code above the header, the data version of each county's figures in the
    last column. The three columns to fill are unlocked unless the county's month is approved."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    fmt = _Formats(book)
    title_fmt, label_fmt, meta_fmt = fmt.title, fmt.label, fmt.meta
    header_fmt, fixed_fmt, open_text = fmt.header, fmt.fixed, fmt.open_text
    number_fmt = fmt.number

    ws = book.add_worksheet(title[:31])
    ws.write_string(0, 0, title, title_fmt)
    ws.write_string(2, 0, _(LABEL_PERIOD), label_fmt)
    ws.write_string(2, 1, period.label, meta_fmt)
    ws.write_string(2, 2, _(LABEL_PERIOD_KEY), label_fmt)
    ws.write_string(2, 3, period.key, meta_fmt)
    ws.write_string(
        3,
        0,
        _(
            "填写说明：每行为一个县区的一项指标。灰色单元格请勿修改；“数据版本”记录下载时的数据，"
            "上传时如有人改过会提示确认。已审核的县区为灰色，不能修改。"
        )
        + _exemption_hint([item.row for item in rows]),
    )
    header = HEADER_ROW - 1
    for column, (label, width) in enumerate(LONG_COLUMNS):
        ws.write_string(header, column, _(label), header_fmt)
        ws.set_column(column, column, width)
    for number, item in enumerate(rows, start=FIRST_DATA_ROW - 1):
        row = item.row
        for column, text in enumerate(
            (item.county_code, item.county_name, row.code, row.name, row.unit)
        ):
            ws.write_string(number, column, text, fixed_fmt)
        locked = item.locked or row.exemption is not None
        fmt = number_fmt(row.decimals, locked)
        for column, value in ((5, row.value), (6, row.prior_value)):
            if value is None:
                ws.write_blank(number, column, None, fmt)
            else:
                ws.write_number(number, column, _number_out(value), fmt)
        note_fmt = fixed_fmt if locked else open_text
        if row.exemption is not None:  # 不考核: nothing to fill in
            ws.write_string(number, 7, row.exemption_note, fixed_fmt)
        elif row.note:
            ws.write_string(number, 7, row.note, note_fmt)
        else:
            ws.write_blank(number, 7, None, note_fmt)
        ws.write_string(number, 8, item.stamp, fixed_fmt)
    ws.freeze_panes(FIRST_DATA_ROW - 1, 5)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.protect("", {"format_cells": True, "format_columns": True, "format_rows": True})
    book.close()
    return out.getvalue()
