"""The prefilled template to download."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter

from .. import selectors
from ..models import County, Period, Submission
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


def current_entries(
    *, county: County, period: Period, indicators, submission: Submission | None = None
) -> dict[str, Entry]:
    """What the form would show: the stored values, or last year's approved value as the
    default for the same period last year. `submission`: the county's for the period, where the
    caller has it already."""
    if submission is None:
        submission = selectors.submission_for(county, period)
    stored = {v.indicator_id: v for v in submission.values.all()} if submission else {}
    defaults = selectors.last_year_values(county=county, period=period)
    result = {}
    for ind in indicators:
        row = stored.get(ind.id)
        if row is not None:
            result[ind.code] = Entry(row.value, row.prior_value, row.note)
        else:
            result[ind.code] = Entry(None, defaults.get(ind.id), "")
    return result


def template_workbook(*, counties: Iterable[County], period: Period) -> bytes:
    """The prefilled template: one sheet per county, in the given order."""
    indicators = selectors.indicators_for_entry(period)
    sheets = []
    for county in counties:
        submission = selectors.submission_for(county, period)
        current = current_entries(
            county=county, period=period, indicators=indicators, submission=submission
        )
        rows = [
            TemplateRow(
                code=ind.code,
                name=ind.name,
                unit=ind.get_unit_display(),
                value=current[ind.code].value,
                prior_value=current[ind.code].prior_value,
                note=current[ind.code].note,
                decimals=ind.decimals,
            )
            for ind in indicators
        ]
        version = submission.version if submission is not None else NO_SUBMISSION_VERSION
        sheets.append(
            TemplateSheet(
                county.code, county.name, period.label, period.key, rows=rows, version=version
            )
        )
    return build_workbook(sheets)


def template_filename(*, period: Period, county: County | None = None) -> str:
    if county is None:
        return _("各县区_%(period)s_填报模板") % {"period": period.label} + ".xlsx"
    return _("%(county)s_%(period)s_填报模板") % {"county": county.name, "period": period.label} + (
        ".xlsx"
    )


_LOCKED_FILL = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")
_HEADER_FILL = PatternFill("solid", start_color="BFBFBF", end_color="BFBFBF")
_THIN = Side(style="thin", color="808080")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def _put(ws, ref: str, value, *, locked: bool = True, bold: bool = False):
    cell = ws[ref]
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text stays text: a note "=1+1" must not become a formula
    cell.protection = Protection(locked=locked)
    if locked:
        cell.fill = _LOCKED_FILL
    if bold:
        cell.font = Font(bold=True)
    return cell


def _number_out(value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(f"{value.normalize():f}")


def _sheet_title(name: str, code: str, taken: set[str]) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "", name).strip()[:31] or code
    if title in taken:
        title = f"{title[: 31 - len(code) - 1]} {code}"
    taken.add(title)
    return title


def build_workbook(sheets: list[TemplateSheet]) -> bytes:
    """The .xlsx bytes: per sheet a title, the county's name and division code, the period and
    its code, a note, then one row per indicator. Code, name and unit are grey and locked
    (sheet protection without a password); the three columns to fill are not."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_title(sheet.county_name, sheet.county_code, taken))
        title = _("%(county)s %(period)s 主要经济指标填报表") % {
            "county": sheet.county_name,
            "period": sheet.period_label,
        }
        _put(ws, "A1", title, locked=True).font = Font(bold=True, size=14)
        ws["A1"].fill = PatternFill()
        ws.merge_cells("A1:F1")
        for ref, text, bold in (
            ("A2", _(LABEL_COUNTY), True),
            ("B2", sheet.county_name, False),
            ("C2", _(LABEL_DIVISION), True),
            ("D2", sheet.county_code, False),
            ("A3", _(LABEL_PERIOD), True),
            ("B3", sheet.period_label, False),
            ("C3", _(LABEL_PERIOD_KEY), True),
            ("D3", sheet.period_key, False),
            ("E3", _(LABEL_VERSION), True),
            ("F3", sheet.version, False),
        ):
            _put(ws, ref, text, bold=bold)
        note = _put(
            ws,
            "A4",
            _(
                "填写说明：灰色单元格请勿修改。“本年累计”填 1-N 月累计数；“上年同期”已按上年审核数"
                "预填，可修改；数值异常时请在“说明”中写明原因。上传后保存为草稿，请在网页上核对后报送。"
                "“数据版本”记录模板生成时的数据，下载后如有人在网页上修改过，上传时会提示确认。"
            ),
        )
        note.alignment = Alignment(wrap_text=True, vertical="top")
        note.fill = PatternFill()
        ws.merge_cells("A4:F4")
        ws.row_dimensions[4].height = 48
        for index, (_name, label) in enumerate(COLUMNS, start=1):
            cell = _put(ws, f"{get_column_letter(index)}{HEADER_ROW}", _(label), bold=True)
            cell.fill = _HEADER_FILL
            cell.border = _BOX
            cell.alignment = Alignment(horizontal="center")
        for number, row in enumerate(sheet.rows, start=FIRST_DATA_ROW):
            fmt = "#,##0" + ("." + "0" * row.decimals if row.decimals else "")
            cells = (
                _put(ws, f"A{number}", row.code),
                _put(ws, f"B{number}", row.name),
                _put(ws, f"C{number}", row.unit),
                _put(ws, f"D{number}", _number_out(row.value), locked=False),
                _put(ws, f"E{number}", _number_out(row.prior_value), locked=False),
                _put(ws, f"F{number}", row.note or None, locked=False),
            )
            for cell in cells:
                cell.border = _BOX
            cells[3].number_format = cells[4].number_format = fmt
            cells[5].data_type = "s"
            cells[5].alignment = Alignment(wrap_text=True)
        for letter, width in _WIDTHS.items():
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = f"D{FIRST_DATA_ROW}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
        ws.protection.formatCells = False
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
