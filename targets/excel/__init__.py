"""The Excel round trip of a year's targets: a workbook of the shown version to download, and a
filled workbook read back into entries for the year's draft.

The workbook has a sheet 目标 (行政区划代码, 县区, 指标代码, 指标名称, 计量单位, 目标类型, 目标;
one row per county and indicator, then the city's rows, whose division code is 全市 or blank), a
sheet 分月进度 (指标代码, 行政区划代码 (blank: every county), 1月 … 12月 cumulative percents) and
a sheet 说明 that states the year and version. A blank 目标 removes the target, twelve blank
months remove the schedule (month/12 applies), and a row the file does not have keeps what is
stored.

Uploads are untrusted and read with the monthly upload's checks (counties.excel.reading: size,
content sniffing, zip bombs, XML through defusedxml, formulas saved without a result, merged
cells), plus control characters; every problem is located by sheet, Excel row number and column
letter. `build_workbook` and `read_workbook` take and return plain data; `targets_workbook` and
`read_targets_upload` add the database reads.
"""

from counties.excel import MAX_UPLOAD_BYTES, XLSX_CONTENT_TYPE, Problem

from .layout import ScheduleRow, TargetRow, TargetsUpload
from .reading import read_targets_upload, read_workbook
from .workbook import build_workbook, targets_workbook, workbook_filename

__all__ = [
    "MAX_UPLOAD_BYTES",
    "Problem",
    "ScheduleRow",
    "TargetRow",
    "TargetsUpload",
    "XLSX_CONTENT_TYPE",
    "build_workbook",
    "read_targets_upload",
    "read_workbook",
    "targets_workbook",
    "workbook_filename",
]
