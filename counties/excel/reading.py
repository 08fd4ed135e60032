"""Reading a filled template or a CSV back into entries."""

from __future__ import annotations

import codecs
import csv
import datetime
import functools
import io
import logging
import math
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedET
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from python_calamine import CalamineWorkbook

from .. import selectors, services
from ..models import County, Period
from ..validation import Entry, NumberError, exempt_entry_issues, parse_number
from .layout import (
    _ALIASES,
    _COUNTY_COLUMN,
    _META_ALIASES,
    COLUMNS,
    COUNTY_LIMITS,
    HEADER_SEARCH_ROWS,
    MAX_COLUMNS,
    MAX_COMPRESSION_RATIO,
    RATIO_CHECK_FROM_BYTES,
    Limits,
    Problem,
    RowData,
    SheetData,
    Upload,
    UploadRejected,
)
from .template import current_entries

logger = logging.getLogger(__name__)

# ----------------------------------------------------------------------------- reading


def header_label(value: object) -> str:
    """A header cell as compared: width-normalised, lower case, no spaces, no trailing
    bracketed remark such as （万元）."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    text = re.sub(r"\s+", "", text)
    return re.sub(r"\(.*\)$", "", text).strip("*:")


@functools.lru_cache(maxsize=512)
def label_aliases(*names: str) -> frozenset[str]:
    """The names as compared, in every configured language (computed once per set of names:
    a province workbook has hundreds of sheets)."""
    found = {header_label(n) for n in names}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            found |= {header_label(_(n)) for n in names}
    return frozenset(found)


def _header_aliases(long: bool = False) -> dict[str, frozenset[str]]:
    """Column names by field. `long`: a long table's county column too (one row per county and
    indicator), first, so that a header of both a county and an indicator code reads as one."""
    found = {name: label_aliases(label, *_ALIASES[name]) for name, label in COLUMNS}
    if long:
        version = label_aliases(*_META_ALIASES["version"])
        found = {"county": label_aliases(*_COUNTY_COLUMN), **found, "version": version}
    return found


def _meta_aliases() -> dict[str, frozenset[str]]:
    return {name: label_aliases(*labels) for name, labels in _META_ALIASES.items()}


def is_filled(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def code_text(value: object) -> str:
    """An indicator or division code as typed: 369901 typed as a number counts too."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if value is None or isinstance(value, bool):
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _period_key(value: object) -> str | None:
    if isinstance(value, datetime.date):
        return f"{value.year:04d}-{value.month:02d}"
    text = unicodedata.normalize("NFKC", str(value or ""))
    match = re.fullmatch(r"\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\s*", text) or re.search(
        r"(\d{4})\s*年\s*(?:\d{1,2}\s*[-~—至到]\s*)?(\d{1,2})\s*月", text
    )
    if match is None or not 1 <= int(match.group(2)) <= 12:
        return None
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"


def cell_number(value: object) -> Decimal | None:
    if isinstance(value, bool | datetime.date | datetime.time | datetime.timedelta):
        raise NumberError(
            _("“%(text)s”不是数字（可能被 Excel 识别成了日期或逻辑值）。") % {"text": value}
        )
    if isinstance(value, float) and math.isinf(value):
        # a number cell too large for a double (calamine reads 10**400 as infinity)
        raise NumberError(_("数值过大，超出可以保存的范围。"))
    if isinstance(value, float) and not math.isfinite(value):
        raise NumberError(_("“%(text)s”不是有效的数字。") % {"text": value})
    return parse_number(value)


class _Grid:
    """Reads one sheet (or a CSV) row by row: the division code and period above the header,
    the header row, then one row per indicator."""

    def __init__(
        self,
        name: str,
        *,
        indicators: Mapping[str, str],
        period_key: str | None,
        merged: list[CellRange] | None = None,
        max_rows: int = COUNTY_LIMITS.rows,
        counties: Mapping[str, str] | None = None,
    ):
        self.name = name
        self.max_rows = max_rows
        # a long table's rows by county code; `counties` maps names and codes to codes
        self.counties = counties
        self.by_county: dict[str, dict[str, RowData]] = {}
        self.stamps: dict[str, str] = {}  # a long table's data version by county
        self.merged = merged or []  # merged ranges: refused where they reach the data rows
        self.indicators = indicators
        self.period_key = period_key
        self.problems: list[Problem] = []
        self.sheet = SheetData(name=name, county_code=None, county_at=None)
        self.columns: dict[str, int] | None = None
        self.seen_content = False
        self.found: dict[str, tuple[object, int, int]] = {}  # header-area label -> value, where
        self.headers = _header_aliases(long=counties is not None)
        self.meta = _meta_aliases()

    def problem(self, message: str, row: int | None = None, column: int | None = None) -> None:
        letter = get_column_letter(column + 1) if column is not None else ""
        self.problems.append(Problem(message, self.name, row, letter))

    def read(self, rows: Iterable[tuple[int, tuple]]) -> SheetData | None:
        for number, cells in rows:
            if number > self.max_rows:
                if any(is_filled(c) for c in cells):
                    self.problem(
                        _("表格超过 %(n)d 行，请只保留指标数据。") % {"n": self.max_rows}, number
                    )
                break
            if self.columns is None:
                if number > HEADER_SEARCH_ROWS:
                    break
                self.seen_content |= any(is_filled(c) for c in cells)
                self._header_or_meta(number, cells)
            else:
                self._data_row(number, cells)
        if self.columns is None:
            if self.seen_content:
                self.problem(
                    _("找不到表头行：前 %(n)d 行中应有“指标代码”和“本年累计”两列。")
                    % {"n": HEADER_SEARCH_ROWS}
                )
                return self.sheet
            return None  # an empty sheet
        return self.sheet

    def _header_or_meta(self, number: int, cells: tuple) -> None:
        labels = [header_label(c) for c in cells]
        found: dict[str, int] = {}
        for index, text in enumerate(labels):
            for name, aliases in self.headers.items():
                if text in aliases and name not in found:
                    found[name] = index
        if "code" in found:
            self.columns = found
            if "value" not in found:
                self.problem(_("表头缺少“本年累计”列。"), number)
            self._check_meta()
            return
        for index, text in enumerate(labels):
            name = next((n for n, aliases in self.meta.items() if text in aliases), None)
            if name is None or name in self.found:
                continue
            after = next((i for i in range(index + 1, len(cells)) if is_filled(cells[i])), None)
            if after is not None:
                self.found[name] = (cells[after], number, after)

    def _check_meta(self) -> None:
        """The county and period the header rows state (the period only where it is given)."""
        if "division" in self.found:
            value, number, index = self.found["division"]
            self.sheet.county_code = code_text(value)
            self.sheet.county_at = (number, get_column_letter(index + 1))
        if "version" in self.found:
            value, number, index = self.found["version"]
            self.sheet.version = _version(value)
            if self.sheet.version is None:
                self.problem(
                    _("“数据版本”应是模板生成时写入的整数，这里是“%(text)s”：请勿修改灰色单元格。")
                    % {"text": str(value)[:40]},
                    number,
                    index,
                )
        if self.period_key is None:
            return
        for name in ("period_key", "period"):
            value, number, index = self.found.get(name, (None, 0, 0))
            key = _period_key(value) if value is not None else None
            if key is None:
                continue
            if key != self.period_key:
                self.problem(
                    _("这是 %(found)s 的报表，不是本期（%(expected)s）的。")
                    % {"found": _key_label(key), "expected": _key_label(self.period_key)},
                    number,
                    index,
                )
            return

    def _data_row(self, number: int, cells: tuple) -> None:
        assert self.columns is not None
        for merged in [m for m in self.merged if m.min_row <= number <= m.max_row]:
            self.merged.remove(merged)  # said once per range
            self.problem(
                _("数据区有合并单元格 %(ref)s：请取消合并、每格填一个数后再上传。")
                % {"ref": merged.coord},
                number,
                merged.min_col - 1,
            )
        if Uncomputed in set(map(type, cells)):  # one pass in C: most rows have none
            for index, value in enumerate(cells):
                if isinstance(value, Uncomputed):
                    self.problem(
                        _(
                            "单元格 %(cell)s 是公式，但文件里没有它的计算结果：请在 Excel 中"
                            "打开、保存后再上传，或改填数值。"
                        )
                        % {"cell": value.address},
                        number,
                        index,
                    )
            return

        def cell(name: str) -> object:
            index = self.columns.get(name)
            return cells[index] if index is not None and index < len(cells) else None

        used = [n for n in ("county", "code", "value", "prior_value", "note") if n in self.columns]
        if not any(is_filled(cell(n)) for n in used):
            return
        code_column = self.columns["code"]
        code = code_text(cell("code")).lower()
        if not code:
            self.problem(_("这一行填了数据，但没有指标代码。"), number, code_column)
            return
        if code not in self.indicators:
            self.problem(
                _("指标代码“%(code)s”不在本期填报范围内。") % {"code": code}, number, code_column
            )
            return
        rows = self.sheet.rows
        if "county" in self.columns:
            county = self._county(cell("county"), number)
            if county is None:
                return
            rows = self.by_county.setdefault(county, {})
            stamp = code_text(cell("version"))[:64]
            if stamp:
                self.stamps.setdefault(county, stamp)
        if code in rows:
            self.problem(
                _("指标 %(code)s 重复：第 %(first)d 行已经填过。")
                % {"code": code, "first": rows[code].row},
                number,
                code_column,
            )
            return
        letters = {n: get_column_letter(i + 1) for n, i in self.columns.items()}
        row = RowData(self.name, number, letters)
        for name, label in (("value", "本年累计"), ("prior_value", "上年同期")):
            if name not in self.columns:
                continue
            try:
                setattr(row, name, cell_number(cell(name)))
            except NumberError as exc:
                self.problem(
                    f"{self.indicators[code]}（{_(label)}）：{exc}", number, self.columns[name]
                )
        if "note" in self.columns:
            row.note = "" if cell("note") is None else str(cell("note")).strip()
        rows[code] = row

    def _county(self, value: object, number: int) -> str | None:
        """A long table's county: its division code or its name, as the city lists it."""
        assert self.columns is not None and self.counties is not None
        text = code_text(value)
        column = self.columns["county"]
        if not text:
            self.problem(_("这一行填了数据，但没有县区。"), number, column)
            return None
        found = self.counties.get(text) or self.counties.get(header_label(text))
        if found is None:
            self.problem(
                _("“%(text)s”不是本市的县区（请填行政区划代码或县区名称）。") % {"text": text[:40]},
                number,
                column,
            )
        return found


def _version(value: object) -> int | None:
    """The data version a template states: a whole number from 0 up to the column's range."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if number <= 2**31 - 1 else None


def _key_label(key: str) -> str:
    year, month = (int(p) for p in key.split("-"))
    return Period(year=year, month=month).label


def _sniff(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"  # .xls, or an .xlsx saved with a password
    if data.startswith(
        (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"BM", b"Rar!", b"\x1f\x8b")
    ):
        return "binary"
    return "other"


DTD_SCAN_BYTES = 1 << 16  # a prolog's document type comes before the root element


def check_zip(data: bytes, limits: Limits = COUNTY_LIMITS) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise UploadRejected(_("文件已损坏，无法作为 Excel 工作簿打开。")) from exc
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise UploadRejected(_("文件是压缩包，但不是 Excel 工作簿（.xlsx）。"))
    total = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    too_packed = any(
        m.file_size > RATIO_CHECK_FROM_BYTES
        and m.file_size > MAX_COMPRESSION_RATIO * max(m.compress_size, 1)
        for m in members
    )
    if (
        len(members) > limits.zip_members
        or total > limits.uncompressed_bytes
        or too_packed
        or (total > RATIO_CHECK_FROM_BYTES and total > MAX_COMPRESSION_RATIO * max(packed, 1))
    ):
        raise UploadRejected(
            _("工作簿解压后过大（疑似压缩炸弹），已拒绝。请上传从本系统下载的模板。")
        )
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in members:
            if _declares_a_dtd(archive, member):
                logger.warning("upload refused: XML with a document type or entity declaration")
                raise UploadRejected(_("工作簿含有不安全的 XML 内容（实体声明），已拒绝。"))


def _declares_a_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether an XML part of the workbook declares a document type or entities, which no
    spreadsheet writes (billion laughs, external entities). Checked here, before any parser
    reads it, whichever XML library openpyxl uses (defusedxml refuses them; lxml would
    quietly skip them)."""
    if not member.filename.lower().endswith((".xml", ".rels", ".vml")):
        return False
    with archive.open(member) as part:
        head = part.read(DTD_SCAN_BYTES)
    texts = [head]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with a byte-order mark
        texts.append(head.decode("utf-16", errors="ignore").encode("utf-8"))
    return any(b"<!DOCTYPE" in t or b"<!ENTITY" in t for t in texts)


@dataclass(frozen=True)
class Uncomputed:
    """A formula cell saved without its result (written by a program, never opened in Excel):
    its value cannot be read, so it is refused with its address rather than read as empty."""

    address: str

    def __str__(self) -> str:
        return "="


def _merged_ranges(ws, max_ranges: int) -> list[CellRange]:
    """The worksheet's merged ranges, from its XML (read-only worksheets do not parse them)."""
    found = []
    with ws._get_source() as source:  # noqa: SLF001 - openpyxl reads this part lazily
        for _event, element in DefusedET.iterparse(source):
            if element.tag.endswith("}mergeCell") and element.get("ref"):
                found.append(CellRange(element.get("ref")))
                if len(found) > max_ranges:
                    break
            element.clear()
    return found


def xlsx_sheets(
    data: bytes, limits: Limits = COUNTY_LIMITS
) -> Iterator[tuple[str, Iterable[tuple[int, tuple]], list]]:
    """Each worksheet's title, numbered rows (at most limits.rows + 1 rows of MAX_COLUMNS
    cells) and merged ranges. A workbook without formulas is read by calamine (Rust: a province
    month's 200 sheets in a fraction of a second); one with formulas by openpyxl, which tells a
    formula saved without its result (Uncomputed) from an empty cell. Close the generator when
    done."""
    if _has_formulas(data):
        yield from _openpyxl_sheets(data, limits)
        return
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    try:
        names = workbook.sheet_names
        if len(names) > limits.sheets:
            raise UploadRejected(_("工作簿的工作表过多（超过 %(n)d 个）。") % {"n": limits.sheets})
        for name in names:
            sheet = workbook.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False, nrows=limits.rows + 1)
            merged = [
                CellRange(min_row=r0 + 1, min_col=c0 + 1, max_row=r1 + 1, max_col=c1 + 1)
                for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])[: limits.rows + 1]
            ]
            numbered = (
                (number, tuple(cells[:MAX_COLUMNS])) for number, cells in enumerate(rows, start=1)
            )
            yield name, numbered, merged
    finally:
        workbook.close()


_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet of the (already checked) workbook holds a formula element."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            name = member.filename.lower()
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                with archive.open(member) as part:
                    if _FORMULA.search(part.read()):
                        return True
    return False


def _openpyxl_sheets(
    data: bytes, limits: Limits
) -> Iterator[tuple[str, Iterable[tuple[int, tuple]], list]]:
    """xlsx_sheets through openpyxl: a formula saved without its result reads as Uncomputed
    (a forged dimension of a million rows costs nothing: the window is bounded)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        if len(wb.sheetnames) > limits.sheets:
            raise UploadRejected(_("工作簿的工作表过多（超过 %(n)d 个）。") % {"n": limits.sheets})
        for ws, fs in zip(wb.worksheets, formulas.worksheets, strict=True):
            window = {"min_row": 1, "max_row": limits.rows + 1, "max_col": MAX_COLUMNS}
            rows = zip(
                ws.iter_rows(**window, values_only=True),
                fs.iter_rows(**window, values_only=True),
                strict=False,
            )
            yield ws.title, _with_uncomputed(rows), _merged_ranges(ws, limits.rows)
    finally:
        wb.close()
        formulas.close()


def _with_uncomputed(rows: Iterable[tuple[tuple, tuple]]) -> Iterator[tuple[int, tuple]]:
    for number, (values, written) in enumerate(rows, start=1):
        cells = tuple(
            Uncomputed(f"{get_column_letter(i + 1)}{number}")
            if value is None and isinstance(raw, str) and raw.startswith("=")
            else value
            for i, (value, raw) in enumerate(zip(values, written, strict=False))
        )
        yield number, cells + values[len(cells) :]


def _decode_text(data: bytes) -> str:
    """CSV text: UTF-8 with or without BOM, UTF-16 with BOM, or GB18030 (a superset of GBK,
    which Excel on Chinese Windows writes)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ["utf-16"]
    elif data.startswith(codecs.BOM_UTF8):
        encodings = ["utf-8-sig"]
    else:
        encodings = ["utf-8", "gb18030"]
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(unicodedata.category(c) == "Cc" and c not in "\t\r\n" for c in text):
            raise UploadRejected(_("文件的扩展名是 .csv，但内容不是文本。"))
        return text
    raise UploadRejected(_("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GBK 编码的 CSV。"))


def _csv_rows(text: str) -> Iterator[tuple[int, tuple]]:
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if "\t" in first and "," not in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for cells in reader:
            yield reader.line_num, tuple(cells[:MAX_COLUMNS])
    except csv.Error as exc:
        raise UploadRejected(
            _("CSV 格式有误（第 %(line)d 行）：%(error)s") % {"line": reader.line_num, "error": exc}
        ) from exc


def read_upload(
    data: bytes,
    filename: str,
    *,
    indicators: Mapping[str, str],
    csv_county: str | None,
    period_key: str | None = None,
    current: Mapping[str, Mapping[str, Entry]] | None = None,
    limits: Limits = COUNTY_LIMITS,
    counties: Mapping[str, str] | None = None,
) -> Upload:
    """Read an uploaded .xlsx or .csv into entries by county code, with every problem.

    `indicators` maps the codes this period takes to their names. A workbook names its county in
    each sheet (the division code in the header rows); a CSV is for `csv_county` unless it
    names one. Where a file lacks the prior-value or note column, `current` (by county, then
    indicator code) supplies them, so that a CSV of values alone leaves the rest as stored.
    With `counties` (division codes and names to codes), a sheet or CSV whose header has a
    county column is a long table: one row per county and indicator."""
    problems: list[Problem] = []
    sheets: list[SheetData] = []

    def read(
        sources: Iterable[tuple[str, Iterable[tuple[int, tuple]], list]], is_csv: bool
    ) -> None:
        for name, rows, merged in sources:
            grid = _Grid(
                name,
                indicators=indicators,
                period_key=period_key,
                merged=merged,
                max_rows=limits.rows,
                counties=counties,
            )
            sheet = grid.read(rows)
            problems.extend(grid.problems)
            if sheet is None:
                continue
            if grid.columns is not None and "county" in grid.columns:
                sheets.extend(
                    SheetData(
                        name=name,
                        county_code=code,
                        county_at=None,
                        stamp=grid.stamps.get(code),
                        rows=found,
                    )
                    for code, found in grid.by_county.items()
                )
                continue
            if is_csv and sheet.county_code is None and csv_county:
                sheet.county_code = csv_county
            if sheet.county_code is None and grid.columns is not None:
                problems.append(
                    Problem(
                        _("工作表中找不到行政区划代码（应在“行政区划代码”右边的单元格）。"),
                        name,
                    )
                )
            sheets.append(sheet)

    try:
        check_file(data, filename, limits)
        if filename.lower().endswith(".xlsx"):
            check_zip(data, limits)
            with closing(xlsx_sheets(data, limits)) as sources:
                read(sources, is_csv=False)
        else:
            read([(filename, _csv_rows(_decode_text(data)), [])], is_csv=True)
    except UploadRejected as exc:
        return Upload({}, [*problems, Problem(str(exc))], [], refused=True)
    except Exception as exc:  # untrusted input: anything openpyxl raises means a bad file
        if caused_by(exc, DefusedXmlException):  # openpyxl wraps it in a ValueError
            logger.warning("upload %r refused: XML with entity declarations", filename)
            message = _("工作簿含有不安全的 XML 内容（实体声明），已拒绝。")
        else:
            logger.info("upload %r is not a readable workbook", filename, exc_info=True)
            message = _("文件已损坏或格式不正确，无法作为 Excel 工作簿读取。")
        return Upload({}, [Problem(message)], [], refused=True)
    entries: dict[str, dict[str, Entry]] = {}
    for sheet in sheets:
        if sheet.county_code is None:
            continue
        if sheet.county_code in entries:
            row, column = sheet.county_at or (None, "")
            message = _("行政区划代码 %(code)s 在多个工作表中出现。") % {"code": sheet.county_code}
            problems.append(Problem(message, sheet.name, row, column))
            continue
        keep = (current or {}).get(sheet.county_code, {})
        entries[sheet.county_code] = {
            code: entry_of(row, keep.get(code)) for code, row in sheet.rows.items()
        }
    return Upload(entries, problems, sheets)


def caused_by(exc: BaseException | None, kind: type[BaseException]) -> bool:
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, kind):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


def check_file(data: bytes, filename: str, limits: Limits = COUNTY_LIMITS) -> None:
    """Size, and a content that is what the extension claims."""
    if len(data) > limits.upload_bytes:
        raise UploadRejected(
            _("文件超过 %(mib)d MB 的上限。") % {"mib": limits.upload_bytes // (1024 * 1024)}
        )
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ("xlsx", "csv"):
        raise UploadRejected(_("只能上传 Excel 工作簿（.xlsx）或 CSV 文件（.csv）。"))
    kind = _sniff(data)
    if kind == "ole":
        raise UploadRejected(
            _("这是旧版 .xls 文件或设了密码的工作簿。请在 Excel 中另存为 .xlsx（不设密码）后上传。")
        )
    if extension == "xlsx" and kind != "zip":
        raise UploadRejected(_("文件的扩展名是 .xlsx，但内容不是 Excel 工作簿。"))
    if extension == "csv" and kind != "other":
        raise UploadRejected(_("文件的扩展名是 .csv，但内容不是文本。"))
    if not data.strip():
        raise UploadRejected(_("文件是空的。"))


FIELDS = ("value", "prior_value", "note")


def entry_of(row: RowData, kept: Entry | None) -> Entry:
    """A row's entry; a field its sheet has no column for keeps `kept`'s."""
    kept = kept or Entry(None, None, "")
    return Entry(
        row.value if "value" in row.columns else kept.value,
        row.prior_value if "prior_value" in row.columns else kept.prior_value,
        row.note if "note" in row.columns else kept.note,
    )


def read_county_upload(*, county: County, period: Period, data: bytes, filename: str) -> Upload:
    """A county reporter's upload, read and checked as the form checks it: other counties'
    sheets, unknown codes, non-numbers, figures of an indicator the county is exempted from
    (不考核) and every validation error become problems. Rows of exempted indicators are taken
    out of the entries (an empty one is no problem: the template has them, grey)."""
    indicators = selectors.indicators_for_entry(period)
    current = current_entries(county=county, period=period, indicators=indicators)
    upload = read_upload(
        data,
        filename,
        indicators={ind.code: ind.name for ind in indicators},
        csv_county=county.code,
        period_key=period.key,
        current={county.code: current},
    )
    if upload.refused:
        return upload  # the file itself was refused: nothing more to say
    for sheet in upload.sheets:
        if sheet.county_code not in (None, county.code):
            row, column = sheet.county_at or (None, "")
            upload.problems.append(
                Problem(
                    _(
                        "工作表“%(sheet)s”是其他县区（行政区划代码 %(code)s）的数据；"
                        "这里只能上传%(county)s（%(own)s）的数据。"
                    )
                    % {
                        "sheet": sheet.name,
                        "code": sheet.county_code,
                        "county": county.name,
                        "own": county.code,
                    },
                    sheet.name,
                    row,
                    column,
                )
            )
    entries = upload.entries.get(county.code, {})
    exempt = selectors.exemptions_for_entry(period, [county]).get(county.pk, {})
    names = {ind.code: ind.name for ind in indicators}
    exempt_issues = []
    for code in sorted(set(entries) & set(exempt)):  # 不考核: not reported, a figure refused
        entry = entries.pop(code)
        exempt_issues += exempt_entry_issues(
            code=code, name=names[code], reason=exempt[code], entry=entry
        )
    exempt_located = upload.locate(exempt_issues, county.code)
    if not entries:
        upload.problems += exempt_located
        if not upload.problems:
            upload.problems.append(
                Problem(_("文件中没有%(county)s的指标数据。") % {"county": county.name})
            )
        return upload
    issues, _indicators = services.check_entries(county=county, period=period, entries=entries)
    errors = [i for i in issues if i.blocking]
    located = upload.locate(errors, county.code) + exempt_located
    upload.problems += sorted(located, key=lambda p: (p.row or 0, len(p.column), p.column))
    return upload
