"""The Excel round trip of the monthly figures: a prefilled template to download, and a filled
template (or a CSV) read back into entries, with every problem located by sheet, row and column
as Excel shows them (rows from 1, column letters).

Uploads are untrusted. Before openpyxl sees the bytes we check their size, that the content is
what the file name claims, and the zip's member count, declared sizes and compression ratio
(zip bombs; Python's zipfile never inflates a member past its declared size, so a lying size
ends in a CRC error, not in a huge buffer). openpyxl parses the XML through defusedxml, which
refuses entity declarations (billion laughs, external entities). Anything that still fails to
parse becomes a problem with a message, never a server error.

Pure parts (`build_workbook`, `read_upload`) take and return plain data; `template_workbook` and
`read_county_upload` add the database reads around them.
"""

from .layout import (
    COLUMNS,
    FIRST_DATA_ROW,
    HEADER_ROW,
    HEADER_SEARCH_ROWS,
    LABEL_COUNTY,
    LABEL_DIVISION,
    LABEL_PERIOD,
    LABEL_PERIOD_KEY,
    MAX_COLUMNS,
    MAX_COMPRESSION_RATIO,
    MAX_ROWS,
    MAX_SHEETS,
    MAX_UNCOMPRESSED_BYTES,
    MAX_UPLOAD_BYTES,
    MAX_ZIP_MEMBERS,
    RATIO_CHECK_FROM_BYTES,
    XLSX_CONTENT_TYPE,
    Problem,
    RowData,
    SheetData,
    Upload,
)
from .reading import read_county_upload, read_upload
from .template import (
    TemplateRow,
    TemplateSheet,
    build_workbook,
    current_entries,
    template_filename,
    template_workbook,
)

__all__ = [
    "COLUMNS",
    "FIRST_DATA_ROW",
    "HEADER_ROW",
    "HEADER_SEARCH_ROWS",
    "LABEL_COUNTY",
    "LABEL_DIVISION",
    "LABEL_PERIOD",
    "LABEL_PERIOD_KEY",
    "MAX_COLUMNS",
    "MAX_COMPRESSION_RATIO",
    "MAX_ROWS",
    "MAX_SHEETS",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_UPLOAD_BYTES",
    "MAX_ZIP_MEMBERS",
    "Problem",
    "RATIO_CHECK_FROM_BYTES",
    "RowData",
    "SheetData",
    "TemplateRow",
    "TemplateSheet",
    "Upload",
    "XLSX_CONTENT_TYPE",
    "build_workbook",
    "current_entries",
    "read_county_upload",
    "read_upload",
    "template_filename",
    "template_workbook",
]
