"""The workbook to download: the shown version's targets and schedules, and a sheet that says
which year and version they are."""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from counties.models import County
from indicators.formatting import unit_label
from indicators.models import Indicator

from .. import selectors
from ..grid import TargetGrid
from ..models import Target, TargetSet
from ..presentation import plain
from .layout import (
    CITY,
    KIND_GROWTH,
    KIND_VALUE,
    LABEL_VERSION,
    LABEL_YEAR,
    MONTH,
    MONTHS,
    SCHEDULE_COLUMNS,
    SHEET_NOTES,
    SHEET_SCHEDULES,
    SHEET_TARGETS,
    TARGET_COLUMNS,
    ScheduleRow,
    TargetRow,
)

_WIDTHS = {"A": 14, "B": 14, "C": 16, "D": 30, "E": 12, "F": 14, "G": 14}
_GREY = PatternFill("solid", start_color="D9D9D9", end_color="D9D9D9")
_HEADER = PatternFill("solid", start_color="BFBFBF", end_color="BFBFBF")
_EXCEL_DIGITS = 15  # a number cell keeps 15 significant digits; longer targets go as text


def _cell_value(value: Decimal | None) -> Decimal | str | None:
    if value is None:
        return None
    if len(value.normalize().as_tuple().digits) > _EXCEL_DIGITS:
        return plain(value)  # as text: Excel would round it
    return Decimal(plain(value))


def _header(ws, labels: list[str]) -> None:
    for index, label in enumerate(labels, start=1):
        cell = ws.cell(row=1, column=index, value=label)
        cell.font = Font(bold=True)
        cell.fill = _HEADER
        cell.alignment = Alignment(horizontal="center")
    ws.freeze_panes = "A2"


def build_workbook(
    *,
    title: str,
    year: int,
    version: int,
    targets: list[TargetRow],
    schedules: list[ScheduleRow],
) -> bytes:
    """The .xlsx bytes: the 目标 and 分月进度 sheets, then 说明 with the year and version."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _(SHEET_TARGETS)
    _header(ws, [_(label) for _name, label, _aliases in TARGET_COLUMNS])
    for number, row in enumerate(targets, start=2):
        texts = (row.division, row.county, row.code, row.name, row.unit, row.kind)
        for index, text in enumerate(texts, start=1):
            cell = ws.cell(row=number, column=index, value=text)
            cell.data_type = "s"  # text stays text: a code "369901" is not a number
            if index in (2, 4, 5):
                cell.fill = _GREY  # for reading: the upload goes by the codes
        ws.cell(row=number, column=7, value=_cell_value(row.value))
    kinds = DataValidation(
        type="list", formula1=f'"{_(KIND_VALUE)},{_(KIND_GROWTH)}"', allow_blank=True
    )
    ws.add_data_validation(kinds)
    kinds.add(f"F2:F{max(len(targets) + 1, 2)}")
    for letter, width in _WIDTHS.items():
        ws.column_dimensions[letter].width = width
    ws.auto_filter.ref = f"A1:G{len(targets) + 1}"

    ws = wb.create_sheet(_(SHEET_SCHEDULES))
    labels = [_(label) for _name, label, _aliases in SCHEDULE_COLUMNS]
    _header(ws, labels + [_(MONTH) % {"month": m} for m in MONTHS])
    for number, schedule in enumerate(schedules, start=2):
        for index, text in enumerate((schedule.code, schedule.division), start=1):
            ws.cell(row=number, column=index, value=text or None).data_type = "s"
        for month, share in enumerate(schedule.shares or [], start=3):
            ws.cell(row=number, column=month, value=_cell_value(Decimal(str(share))))
    ws.column_dimensions["A"].width = ws.column_dimensions["B"].width = 16

    ws = wb.create_sheet(_(SHEET_NOTES))
    ws["A1"] = title
    ws["A1"].font = Font(bold=True, size=14)
    ws["A3"], ws["B3"] = _(LABEL_YEAR), year
    ws["A4"], ws["B4"] = _(LABEL_VERSION), version
    notes = (
        _(
            "“目标”表每行是一个县区（行政区划代码为“全市”或留空的行是全市目标）的一个指标。"
            "目标类型填“目标值”或“目标增速”；目标增速按百分数填写，6.5 表示 6.5%。"
        ),
        _("目标留空表示删除该目标；文件中没有的行保持原样。灰色列只供阅读，导入按代码识别。"),
        _(
            "“分月进度”表填到各月末累计应完成全年目标的百分比，12 月为 100；行政区划代码留空表示"
            "适用于所有县区；12 个月全部留空表示按月平均（月数/12）。"
        ),
        _("导入是全有或全无的：只要有一处错误，就不保存任何数据。导入只写入本年度的草稿版本。"),
    )
    for number, text in enumerate(notes, start=6):
        ws.cell(row=number, column=1, value=text).alignment = Alignment(wrap_text=True)
    ws.column_dimensions["A"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def targets_workbook(
    *, target_set: TargetSet, counties: list[County], indicators: Mapping[str, Indicator]
) -> bytes:
    """The shown version's targets for the given counties and the city (blank targets where none
    is set, with the column's kind), and its schedules for every county and for those counties."""
    grid = TargetGrid(
        target_set,
        counties=counties,
        indicators=indicators,
        defaults=selectors.default_target_kinds(target_set.year),
    )
    kinds: dict[str, str] = {
        Target.Kind.VALUE: _(KIND_VALUE),
        Target.Kind.GROWTH: _(KIND_GROWTH),
    }
    rows = []
    for county in [*counties, None]:
        code = county.code if county else None
        for ind in indicators.values():
            stored = grid.stored.get((code, ind.code))
            rows.append(
                TargetRow(
                    division=code or _(CITY),
                    county=county.display_name if county else _(CITY),
                    code=ind.code,
                    name=ind.display_name,
                    unit=unit_label(ind.unit),
                    kind=kinds.get((stored and stored.kind) or grid.kinds[ind.code], ""),
                    value=stored.value if stored else None,
                )
            )
    visible = {c.code for c in counties}
    schedules = [
        ScheduleRow(ind.code, "", grid.schedules.get((ind.code, None)))
        for ind in indicators.values()
        if ind.kind == Indicator.Kind.FLOW
    ]
    schedules += [
        ScheduleRow(ind, county, shares)
        for (ind, county), shares in sorted(grid.schedules.items(), key=_schedule_order)
        if county is not None and county in visible and ind in indicators
    ]
    return build_workbook(
        title=str(target_set),
        year=target_set.year,
        version=target_set.version,
        targets=rows,
        schedules=schedules,
    )


def _schedule_order(item: tuple[tuple[str, str | None], list]) -> tuple[str, str]:
    (indicator, county), _shares = item
    return (indicator, county or "")


def workbook_filename(target_set: TargetSet) -> str:
    return (
        _("%(year)d年目标任务_第%(version)d版")
        % {
            "year": target_set.year,
            "version": target_set.version,
        }
        + ".xlsx"
    )
