"""Targets as Excel: the workbook of the shown version, and imports into the draft saved all or
nothing, with every problem of a bad file named by sheet, row and column."""

import datetime
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from targets import excel
from targets.models import Schedule, Target, TargetSet

D = Decimal
# Rows of the 目标 sheet: the header, then 4 indicators for 东城区, 4 for 北山县, 4 for the city.
A_REVENUE, A_GDP, A_INVEST, A_FIRMS = 2, 3, 4, 5
B_REVENUE, B_GDP, B_FIRMS = 6, 7, 9
CITY_REVENUE, CITY_FIRMS = 10, 13
TARGETS, SCHEDULES = "目标", "分月进度"


def export(client, version=None):
    url = reverse("targets_export", args=[2026])
    response = client.get(url if version is None else f"{url}?version={version}")
    assert response.status_code == 200, response.status_code
    return response


def edited(content: bytes, sheet: str = TARGETS, **cells) -> bytes:
    """The workbook with some cells changed, e.g. G2=5.5."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    for ref, value in cells.items():
        wb[sheet][ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, data: bytes, name="目标.xlsx"):
    return client.post(
        reverse("targets_import", args=[2026]), {"file": SimpleUploadedFile(name, data)}
    )


def where(response):
    return [(p.sheet, p.row, p.column) for p in response.context["problems"]]


def cells_of(target_set):
    return {
        (t.county.code if t.county_id else None, t.indicator.code): (t.kind, t.value)
        for t in Target.objects.filter(target_set=target_set).select_related("county", "indicator")
    }


# ----------------------------------------------------------------------------- the workbook


def test_the_workbook_holds_the_shown_version(client, draft, reviewer, county_a, county_b):
    client.force_login(reviewer)
    response = export(client, draft.version)
    assert response["Content-Type"] == excel.XLSX_CONTENT_TYPE
    assert "2026%E5%B9%B4" in response["Content-Disposition"]  # 2026年目标任务_第1版.xlsx
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["目标", "分月进度", "说明"]
    rows = list(wb[TARGETS].iter_rows(values_only=True))
    assert rows[0] == (
        "行政区划代码",
        "县区",
        "指标代码",
        "指标名称",
        "计量单位",
        "目标类型",
        "目标",
    )
    assert len(rows) == 1 + 3 * 4  # two counties and the city, four indicators each
    assert rows[A_REVENUE - 1] == (
        county_a.code,
        "东城区",
        "revenue",
        "一般公共预算收入",
        "亿元",
        "目标值",
        5.2,
    )
    assert rows[A_GDP - 1][5:] == ("目标增速", 6.5)
    assert rows[A_INVEST - 1][5:] == ("目标增速", None)  # no target: the column's kind
    assert rows[CITY_REVENUE - 1][:3] == ("全市", "全市", "revenue")
    schedules = list(wb[SCHEDULES].iter_rows(values_only=True))
    assert schedules[0][:4] == ("指标代码", "行政区划代码", "1月", "2月")
    assert schedules[1][:2] == ("revenue", None) and schedules[1][7] == 45
    assert ("invest", county_b.code) == schedules[-1][:2] and schedules[-1][-1] == 100
    notes = list(wb["说明"].iter_rows(values_only=True))
    assert ("年度", 2026) in notes and ("版本", 1) in notes


def test_a_reporter_exports_its_own_county_and_the_city(client, published_and_draft, reporter_a):
    client.force_login(reporter_a)
    wb = openpyxl.load_workbook(io.BytesIO(export(client).content))
    counties = {row[0] for row in wb[TARGETS].iter_rows(min_row=2, values_only=True)}
    assert counties == {"369901", "全市"}
    schedules = [row[:2] for row in wb[SCHEDULES].iter_rows(min_row=2, values_only=True)]
    assert ("invest", "369921") not in schedules  # 北山县's own schedule


# ----------------------------------------------------------------------------- round trip


def test_importing_the_exported_workbook_changes_nothing(client, draft, reviewer, checksum):
    client.force_login(reviewer)
    content = export(client, draft.version).content
    before = checksum()
    response = upload(client, content)
    assert response.status_code == 302, response.context and response.context["problems"]
    assert checksum() == before  # not even a history record


def test_an_edited_workbook_is_saved_with_import_as_the_channel(
    client, draft, reviewer, county_a, county_b
):
    client.force_login(reviewer)
    content = edited(
        export(client, draft.version).content,
        **{
            f"G{A_REVENUE}": 5.5,
            f"G{B_GDP}": None,  # a blank target removes it
            f"G{B_FIRMS}": "1,500",  # as officials type it
            f"G{A_INVEST}": 9,
            f"F{A_INVEST}": "目标增速（%）",
        },
    )
    content = edited(content, sheet=SCHEDULES, **{f"{c}2": None for c in "CDEFGHIJKLMN"})
    content = edited(content, sheet=SCHEDULES, C5=None)  # eleven months of twelve: refused
    response = upload(client, content)
    assert response.status_code == 400
    assert (SCHEDULES, 5, "C") in where(response)
    content = edited(content, sheet=SCHEDULES, C5=8)
    response = upload(client, content)
    assert response.status_code == 302, response.context and response.context["problems"]
    cells = cells_of(draft)
    assert cells[(county_a.code, "revenue")] == ("value", D("5.5"))
    assert (county_b.code, "gdp") not in cells
    assert cells[(county_b.code, "firms")] == ("value", D("1500"))
    assert cells[(county_a.code, "invest")] == ("growth", D("9"))
    assert not Schedule.objects.filter(target_set=draft, county=None).exists()  # month/12 now
    record = Target.history.filter(indicator__code="invest").first()
    assert (record.history_change_reason, record.history_user) == ("import", reviewer)
    page = client.get(response["Location"]).content.decode()
    assert "已导入“目标.xlsx”：3 项目标有变化，删除 1 项目标，分月进度变化 1 项" in page


def test_rows_the_file_does_not_have_keep_their_targets(client, draft, reviewer, county_a):
    client.force_login(reviewer)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "目标"
    ws.append(["行政区划代码", "指标代码", "目标类型", "目标"])  # columns in another order
    ws.append([int(county_a.code), "REVENUE", "目标值", 6])  # a code typed as a number
    out = io.BytesIO()
    wb.save(out)
    before = cells_of(draft)
    assert upload(client, out.getvalue()).status_code == 302
    before[(county_a.code, "revenue")] = ("value", D("6"))
    assert cells_of(draft) == before
    assert Schedule.objects.filter(target_set=draft).count() == 2  # no 分月进度 sheet: kept


# ----------------------------------------------------------------------------- bad files


def rewrite(content: bytes, member: str, new: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = new if item.filename == member else source.read(item.filename)
            target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def zip_bomb(megabytes: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(b" " * (1024 * 1024))
    return out.getvalue()


def merged(content: bytes) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    wb[TARGETS].merge_cells(f"F{A_GDP}:G{A_GDP}")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def number_cell(content: bytes, number: bytes) -> bytes:
    """The workbook with 东城区's revenue target a number openpyxl cannot write (10**400)."""
    content = edited(content, **{f"G{A_REVENUE}": 123456789})
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b"<v>123456789</v>" in sheet
    return rewrite(content, "xl/worksheets/sheet1.xml", sheet.replace(b"123456789", number))


def _without_targets_sheet(content: bytes) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    del wb[TARGETS]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


ENTITY = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]><w>&x;</w>'

# (how to spoil the exported workbook, file name, message, where: (sheet, row, column) or None)
BAD_FILES = {
    "png": (lambda c: b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "t.xlsx", "内容不是 Excel 工作簿", None),
    "csv": (lambda c: "行政区划代码,目标\n".encode(), "t.csv", "只能导入 Excel 工作簿", None),
    "old xls": (
        lambda c: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        "t.xlsx",
        "另存为",
        None,
    ),
    "truncated": (lambda c: c[: len(c) // 2], "t.xlsx", "损坏", None),
    "too big": (lambda c: c + b"\0" * excel.MAX_UPLOAD_BYTES, "t.xlsx", "超过 2 MB", None),
    "zip bomb": (lambda c: zip_bomb(40), "t.xlsx", "压缩炸弹", None),
    "entity": (lambda c: rewrite(c, "xl/workbook.xml", ENTITY), "t.xlsx", "实体声明", None),
    "no targets sheet": (_without_targets_sheet, "t.xlsx", "没有“目标”工作表", None),
    "wrong header": (
        lambda c: edited(c, G1="目标数值"),
        "t.xlsx",
        "表头缺少“目标”列",
        (TARGETS, 1, ""),
    ),
    "unknown county": (
        lambda c: edited(c, **{f"A{A_GDP}": "369999"}),
        "t.xlsx",
        "行政区划代码“369999”不是本市的县区",
        (TARGETS, A_GDP, "A"),
    ),
    "unknown indicator": (
        lambda c: edited(c, **{f"C{A_GDP}": "nope"}),
        "t.xlsx",
        "指标代码“nope”不在本年度考核指标中",
        (TARGETS, A_GDP, "C"),
    ),
    "text in a number cell": (
        lambda c: edited(c, **{f"G{A_GDP}": "六点五"}),
        "t.xlsx",
        "不是有效的数字",
        (TARGETS, A_GDP, "G"),
    ),
    "a date in a number cell": (
        lambda c: edited(c, **{f"G{A_GDP}": datetime.date(2026, 6, 5)}),
        "t.xlsx",
        "日期",
        (TARGETS, A_GDP, "G"),
    ),
    "duplicate row": (
        lambda c: edited(c, **{f"C{A_GDP}": "revenue"}),
        "t.xlsx",
        "与第 2 行是同一县区、同一指标",
        (TARGETS, A_GDP, "C"),
    ),
    "10**400": (
        lambda c: number_cell(c, b"1" + b"0" * 400),
        "t.xlsx",
        "过大",
        (TARGETS, A_REVENUE, "G"),
    ),
    "1E+400": (
        lambda c: number_cell(c, b"1E+400"),
        "t.xlsx",
        "过大",  # a number past a double's range reads as infinity: too large, not "not a number"
        (TARGETS, A_REVENUE, "G"),
    ),
    "10**400 as text": (
        lambda c: edited(c, **{f"G{A_REVENUE}": "1" + "0" * 400}),
        "t.xlsx",
        "过大",
        (TARGETS, A_REVENUE, "G"),
    ),
    "control character": (
        lambda c: edited(c, **{f"D{A_GDP}": "地区生产_x0000_总值"}),
        "t.xlsx",
        "控制字符",
        (TARGETS, A_GDP, "D"),
    ),
    "formula without its result": (
        lambda c: edited(c, **{f"G{A_GDP}": "=6+1"}),
        "t.xlsx",
        f"单元格 G{A_GDP} 是公式，但文件里没有它的计算结果",
        (TARGETS, A_GDP, "G"),
    ),
    "merged cells": (merged, "t.xlsx", f"合并单元格 F{A_GDP}:G{A_GDP}", (TARGETS, A_GDP, "F")),
    "bad kind": (
        lambda c: edited(c, **{f"F{A_GDP}": "百分比"}),
        "t.xlsx",
        "目标类型应为“目标值”或“目标增速”",
        (TARGETS, A_GDP, "F"),
    ),
    "a value the rules refuse": (
        lambda c: edited(c, **{f"G{A_FIRMS}": 10.5}),
        "t.xlsx",
        "应为整数",
        (TARGETS, A_FIRMS, "G"),
    ),
    "schedule that does not reach 100": (
        lambda c: edited(c, sheet=SCHEDULES, N2=90),
        "t.xlsx",
        "到 12 月应完成全年目标的 100%",
        (SCHEDULES, 2, "N"),
    ),
    "schedule that falls": (
        lambda c: edited(c, sheet=SCHEDULES, E2=5),
        "t.xlsx",
        "不能比上个月小",
        (SCHEDULES, 2, "E"),
    ),
    "another year's workbook": (
        lambda c: edited(c, sheet="说明", B3=2025),
        "t.xlsx",
        "这是 2025 年的目标表，不是 2026 年的",
        ("说明", 3, "B"),
    ),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_file_is_refused_with_where_and_changes_nothing(
    client, draft, reviewer, checksum, kind
):
    spoil, name, message, at = BAD_FILES[kind]
    client.force_login(reviewer)
    content = spoil(export(client, draft.version).content)
    before = checksum()
    response = upload(client, content, name=name)
    assert response.status_code == 400
    problems = response.context["problems"]
    assert any(message in p.message for p in problems), [p.message for p in problems]
    assert message in response.content.decode()
    if at is not None:
        assert at in where(response), where(response)
    assert checksum() == before


def test_every_problem_of_a_file_is_listed_at_once(client, draft, reviewer, checksum):
    client.force_login(reviewer)
    content = edited(
        export(client, draft.version).content,
        **{
            f"G{A_REVENUE}": "abc",
            f"G{A_FIRMS}": 10.5,
            f"A{B_REVENUE}": "369999",
            f"G{CITY_FIRMS}": -3,
        },
    )
    content = edited(content, sheet=SCHEDULES, N2=90)
    before = checksum()
    response = upload(client, content)
    assert response.status_code == 400
    assert where(response) == [
        (TARGETS, A_REVENUE, "G"),
        (TARGETS, A_FIRMS, "G"),
        (TARGETS, B_REVENUE, "A"),
        (TARGETS, CITY_FIRMS, "G"),
        (SCHEDULES, 2, "N"),
    ]
    assert checksum() == before


def test_a_published_year_takes_no_import(client, draft, reviewer, checksum):
    client.force_login(reviewer)
    content = edited(export(client, draft.version).content, **{f"G{A_REVENUE}": 9})
    client.post(reverse("target_publish", args=[2026]), {"version": 1, "confirm": "1"})
    before = checksum()
    response = upload(client, content)
    assert response.status_code == 400
    assert "已发布，不能直接导入修改" in response.content.decode()
    assert checksum() == before
    assert TargetSet.objects.get().is_published


def test_no_file_chosen(client, draft, reviewer, checksum):
    client.force_login(reviewer)
    before = checksum()
    response = client.post(reverse("targets_import", args=[2026]), {})
    assert response.status_code == 400 and "请选择要上传的文件" in response.content.decode()
    assert checksum() == before


def test_the_reader_needs_no_database():
    """read_workbook takes plain data: the indicators and counties it may name."""

    class Ind:
        def __init__(self, kind):
            self.kind = kind

    wb = openpyxl.Workbook()
    wb.active.title = "Targets"
    wb.active.append(["Division code", "Indicator code", "Target type", "Target"])
    wb.active.append(["", "gdp", "growth", "6.5"])
    wb.active.append(["City", "revenue", "Value", "１２.３"])
    out = io.BytesIO()
    wb.save(out)
    result = excel.read_workbook(
        out.getvalue(),
        "t.xlsx",
        year=2026,
        indicators={"gdp": Ind("flow"), "revenue": Ind("flow")},
        counties={"369901": ("东城区", "Dongcheng District")},
    )
    assert result.problems == []
    assert [(e.county, e.indicator, e.kind, e.value) for e in result.entries] == [
        (None, "gdp", "growth", D("6.5")),
        (None, "revenue", "value", D("12.3")),
    ]
