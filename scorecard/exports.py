"""Tables as files people open in Excel: .xlsx (one sheet per table, numbers as numbers, a frozen
header row, column widths that fit) and CSV in UTF-8 with a byte-order mark (so Excel reads the
Chinese). Every text cell that a spreadsheet would read as a formula (beginning with =, +, -, @,
a tab or a carriage return) is neutralised with a leading apostrophe: no export carries a
formula, whatever a county typed into a note or a name.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse

from counties.excel import XLSX_CONTENT_TYPE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_MAX = 31  # Excel's limit
_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Sheet:
    """A table: its title (the sheet's name), the column headers (units in them: 总分（分）)
    and rows of cells: text, numbers (int, float, Decimal) or None for an empty cell."""

    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)


def neutral(value: Any) -> Any:
    """A cell as it may go into a spreadsheet: text that would start a formula gets a leading
    apostrophe; numbers stay numbers; None stays empty."""
    if value is None or isinstance(value, bool | int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: Any) -> Any:
    value = neutral(value)
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


def _width(value: Any) -> int:
    """Display width of a cell's text: CJK characters count twice."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _sheet_title(title: str, taken: set[str]) -> str:
    base = (title.translate(_SHEET_FORBIDDEN) or "Sheet")[:SHEET_TITLE_MAX]
    name, n = base, 2
    while name in taken:
        suffix = f"({n})"
        name = base[: SHEET_TITLE_MAX - len(suffix)] + suffix
        n += 1
    taken.add(name)
    return name


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    import openpyxl
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for sheet in sheets:
        ws = wb.create_sheet(_sheet_title(sheet.title, taken))
        ws.append([_cell(h) for h in sheet.headers])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append([_cell(v) for v in row])
        ws.freeze_panes = "A2"
        for k, header in enumerate(sheet.headers, 1):
            widest = max([_width(header)] + [_width(r[k - 1]) for r in sheet.rows[:500]])
            ws.column_dimensions[get_column_letter(k)].width = min(max(widest + 2, 8), 60)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(sheet: Sheet) -> bytes:
    """One table as CSV, UTF-8 with a byte-order mark."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([neutral(h) for h in sheet.headers])
    for row in sheet.rows:
        writer.writerow(["" if v is None else neutral(v) for v in row])
    return "\ufeff".encode() + text.getvalue().encode("utf-8")


def content_disposition(name: str, ascii_name: str) -> str:
    """An attachment header naming the file in Chinese (RFC 5987) with an ASCII fallback."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


def download(sheets: Sequence[Sheet], *, fmt: str, name: str, ascii_name: str) -> HttpResponse:
    """The tables as an attachment: all of them as sheets of one .xlsx, or the first as CSV.
    `name` is the file's Chinese name, `ascii_name` its fallback (both without extension)."""
    if fmt == "csv":
        content, content_type = csv_bytes(sheets[0]), "text/csv; charset=utf-8"
    else:
        content, content_type = xlsx_bytes(sheets), XLSX_CONTENT_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(f"{name}.{fmt}", f"{ascii_name}.{fmt}")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
