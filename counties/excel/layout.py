"""Layout of the template and the shapes of upload results, shared by writing and reading."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_noop

from ..validation import Entry, Issue

MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # a filled template of a whole city is a few dozen KiB
MAX_UNCOMPRESSED_BYTES = 20 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # XML packs well, but not a hundredfold over a megabyte
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 500
MAX_SHEETS = 60
MAX_ROWS = 1000
MAX_COLUMNS = 30
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class Limits:
    """How much of an upload is read at most; beyond it the file is refused with a message."""

    upload_bytes: int = MAX_UPLOAD_BYTES
    uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES
    zip_members: int = MAX_ZIP_MEMBERS
    sheets: int = MAX_SHEETS
    rows: int = MAX_ROWS  # per sheet


COUNTY_LIMITS = Limits()
# The statistics bureau's import of a whole month: a province of 200 counties x 60 indicators
# is about 1 MB as an all-counties workbook (a sheet each) and 12,000 rows as a long CSV.
PERIOD_LIMITS = Limits(
    upload_bytes=16 * 1024 * 1024,
    uncompressed_bytes=200 * 1024 * 1024,
    zip_members=2000,
    sheets=500,
    rows=60_000,
)

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Column headers of the template, in order; the upload finds its columns by these names (in
# every configured language) and by a few common alternatives.
COLUMNS = (
    ("code", gettext_noop("指标代码")),
    ("name", gettext_noop("指标名称")),
    ("unit", gettext_noop("计量单位")),
    ("value", gettext_noop("本年累计")),
    ("prior_value", gettext_noop("上年同期")),
    ("note", gettext_noop("说明")),
)
_ALIASES = {
    "code": ("代码", "code", "indicator code", "indicator_code"),
    "name": ("名称", "name", "indicator", "indicator name"),
    "unit": ("单位", "unit"),
    "value": ("本期累计", "累计", "value", "ytd value", "year to date"),
    "prior_value": ("上年", "prior", "prior value", "prior_value", "same period last year"),
    "note": ("备注", "note", "notes", "explanation"),
}
# A long table's county column (the statistics bureau's import): a division code or a name.
_COUNTY_COLUMN = (
    gettext_noop("县区"),
    "县区名称",
    "县区代码",
    "行政区划代码",
    "区划代码",
    "county",
    "county code",
    "division code",
    "county name",
)
LABEL_COUNTY = gettext_noop("县区名称")
LABEL_DIVISION = gettext_noop("行政区划代码")
LABEL_PERIOD = gettext_noop("报送期")
LABEL_PERIOD_KEY = gettext_noop("期别代码")
LABEL_VERSION = gettext_noop("数据版本")
_META_ALIASES = {
    "division": (LABEL_DIVISION, "区划代码", "县区代码", "division code", "county code"),
    "period_key": (LABEL_PERIOD_KEY, "period code"),
    "period": (LABEL_PERIOD,),
    "version": (LABEL_VERSION, "data version", "version"),
}
HEADER_ROW = 6  # the template's column headers; data from the row below
FIRST_DATA_ROW = HEADER_ROW + 1
_WIDTHS = {"A": 16, "B": 34, "C": 14, "D": 16, "E": 16, "F": 40}

# ----------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upload, where Excel shows it. Empty sheet/row/column: the file."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        where = [p for p in (self.sheet, self.row and str(self.row), self.column) if p]
        return f"[{' '.join(where)}] {self.message}" if where else self.message


@dataclass
class RowData:
    sheet: str
    row: int
    columns: dict[str, str]  # field -> column letter, for the columns the sheet has
    value: Decimal | None = None
    prior_value: Decimal | None = None
    note: str = ""


@dataclass
class SheetData:
    name: str
    county_code: str | None
    county_at: tuple[int, str] | None  # row and column of the division code
    # the submission version the template was made from; None: the file does not say (a CSV,
    # a workbook of one's own)
    version: int | None = None
    # a department workbook's fingerprint of the county's figures it was made from
    # (services_bulk.department_stamp); None: the file does not say
    stamp: str | None = None
    rows: dict[str, RowData] = field(default_factory=dict)  # by indicator code


@dataclass
class Upload:
    """What a file holds: entries by county code and indicator code, and every problem."""

    entries: dict[str, dict[str, Entry]]
    problems: list[Problem]
    sheets: list[SheetData]
    refused: bool = False  # the file as a whole could not be read

    def version_of(self, county_code: str) -> int | None:
        """The submission version the county's sheet was made from, where the file says."""
        versions = [s.version for s in self.sheets if s.county_code == county_code]
        return next((v for v in versions if v is not None), None)

    def stamp_of(self, county_code: str) -> str | None:
        stamps = [s.stamp for s in self.sheets if s.county_code == county_code]
        return next((s for s in stamps if s), None)

    def locate(self, issues: Iterable[Issue], county_code: str) -> list[Problem]:
        """Validation issues as problems at the cells they are about."""
        rows = {
            code: row
            for sheet in self.sheets
            if sheet.county_code == county_code
            for code, row in sheet.rows.items()
        }
        located = []
        for issue in issues:
            row = rows.get(issue.code)
            if row is None:
                located.append(Problem(issue.message))
                continue
            column = row.columns.get(issue.field) or row.columns.get("code", "")
            located.append(Problem(issue.message, row.sheet, row.row, column))
        return located


class UploadRejected(Exception):
    """The file as a whole cannot be read; the message says why."""
