"""The Excel round trip: the prefilled template, uploads of .xlsx and CSV saved all or nothing,
every kind of bad file refused with its sheet, row and column, and rights on every URL."""

import io
import zipfile
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from counties import excel
from counties.models import Submission, SubmissionValue
from counties.validation import Entry
from tests.factories import (
    CategoryFactory,
    IndicatorFactory,
    PeriodFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
    SubmissionFactory,
    SubmissionValueFactory,
)

D = Decimal
XLSX = excel.XLSX_CONTENT_TYPE
# Rows of the template: the header is row 6, then gdp, retail, air in display order.
GDP_ROW, RETAIL_ROW, AIR_ROW = 7, 8, 9


@pytest.fixture
def setup(county_a, reporter_a, period):
    """Three indicators in a published rule set; county_a's September figures (for the
    cumulative check) and last October's approved figures (the default prior values)."""
    growth = CategoryFactory(code="growth", name="主要经济指标")
    gdp = IndicatorFactory(code="gdp", name="地区生产总值", category=growth, display_order=1)
    retail = IndicatorFactory(
        code="retail", name="社会消费品零售总额", category=growth, display_order=2
    )
    air = IndicatorFactory(
        code="air",
        name="空气质量优良天数比例",
        category=growth,
        kind="rate",
        unit="%",
        is_share=True,
        display_order=3,
        decimals=1,
    )
    ruleset = RuleSetFactory(year=2026, status="published", published_at=timezone.now())
    rc = RuleSetCategoryFactory(ruleset=ruleset, category=growth, weight=D("100"))
    for indicator, weight in ((gdp, "40"), (retail, "30"), (air, "30")):
        RuleSetIndicatorFactory(ruleset=ruleset, indicator=indicator, category=rc, weight=D(weight))
    now = timezone.now()
    september = PeriodFactory(year=2026, month=9, is_open=False)
    done = SubmissionFactory(
        county=county_a, period=september, status="approved", submitted_at=now, reviewed_at=now
    )
    SubmissionValueFactory(submission=done, indicator=gdp, value=D("300"), prior_value=D("280"))
    last_year = PeriodFactory(year=2025, month=10, is_open=False)
    before = SubmissionFactory(
        county=county_a, period=last_year, status="approved", submitted_at=now, reviewed_at=now
    )
    SubmissionValueFactory(submission=before, indicator=gdp, value=D("310"), prior_value=None)
    SubmissionValueFactory(submission=before, indicator=retail, value=D("95.5"), prior_value=None)
    return {"gdp": gdp, "retail": retail, "air": air, "september": september}


def url(name, county, period):
    return reverse(name, kwargs={"code": county.code, "year": period.year, "month": period.month})


def template_bytes(client, county, period):
    response = client.get(url("submission_template", county, period))
    assert response.status_code == 200, response.status_code
    return response.content


def filled(content: bytes, sheet: str = "东城区", **cells) -> bytes:
    """The workbook with some cells changed, e.g. D7=350."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    for ref, value in cells.items():
        wb[sheet][ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client, county, period, data: bytes, name="东城区.xlsx"):
    return client.post(
        url("submission_upload", county, period), {"file": SimpleUploadedFile(name, data)}
    )


def database():
    """Everything an upload could change."""
    return (
        Submission.objects.count(),
        sorted(
            SubmissionValue.objects.values_list(
                "submission_id", "indicator_id", "value", "prior_value", "note"
            )
        ),
        SubmissionValue.history.count(),
        sorted(Submission.objects.values_list("id", "status", "version")),
    )


def where(response):
    return [(p.sheet, p.row, p.column) for p in response.context["problems"]]


def rewrite(content: bytes, member: str, new: bytes) -> bytes:
    """The same zip with one member's bytes replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = new if item.filename == member else source.read(item.filename)
            target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# ----------------------------------------------------------------------------- the template


def test_openpyxl_parses_xml_through_defusedxml():
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml")


def test_template_states_county_period_codes_and_last_year(client, setup, reporter_a, county_a):
    period = PeriodFactory(year=2026, month=10)
    client.force_login(reporter_a)
    response = client.get(url("submission_template", county_a, period))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="369901-2026-10.xlsx"' in disposition
    assert "filename*=UTF-8''" + quote("东城区_2026年1-10月_填报模板.xlsx") in disposition
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["东城区"]
    ws = wb["东城区"]
    assert "东城区" in ws["A1"].value and "2026年1-10月" in ws["A1"].value
    assert (ws["A2"].value, ws["B2"].value, ws["C2"].value, ws["D2"].value) == (
        "县区名称",
        "东城区",
        "行政区划代码",
        "369901",
    )
    assert (ws["B3"].value, ws["D3"].value) == ("2026年1-10月", "2026-10")
    assert [c.value for c in ws[6]] == [
        "指标代码",
        "指标名称",
        "计量单位",
        "本年累计",
        "上年同期",
        "说明",
    ]
    rows = [[c.value for c in ws[r]] for r in (GDP_ROW, RETAIL_ROW, AIR_ROW)]
    assert rows == [
        ["gdp", "地区生产总值", "亿元", None, 310, None],
        ["retail", "社会消费品零售总额", "亿元", None, 95.5, None],
        ["air", "空气质量优良天数比例", "%", None, None, None],
    ]
    code, value = ws[f"A{GDP_ROW}"], ws[f"D{GDP_ROW}"]
    assert code.fill.fgColor.rgb.endswith("D9D9D9") and code.protection.locked
    assert not value.protection.locked and value.fill.fill_type is None
    assert ws.protection.sheet
    assert ws.column_dimensions["B"].width >= 30


def test_template_prefills_stored_values_and_keeps_notes_as_text(
    client, setup, reporter_a, county_a, period
):
    submission = SubmissionFactory(county=county_a, period=period)
    SubmissionValueFactory(
        submission=submission,
        indicator=setup["gdp"],
        value=D("350.5"),
        prior_value=D("320"),
        note='=HYPERLINK("http://example.com")',
    )
    client.force_login(reporter_a)
    ws = openpyxl.load_workbook(io.BytesIO(template_bytes(client, county_a, period)))["东城区"]
    assert ws[f"D{GDP_ROW}"].value == 350.5
    assert ws[f"E{GDP_ROW}"].value == 320  # the stored prior, not last year's 310
    assert ws[f"F{GDP_ROW}"].data_type == "s"
    assert ws[f"F{GDP_ROW}"].value.startswith("=HYPERLINK")


def test_reviewer_downloads_every_county_in_one_workbook(
    client, setup, reviewer, county_a, county_b, zone, period
):
    client.force_login(reviewer)
    response = client.get(reverse("period_template", kwargs={"year": 2026, "month": 10}))
    assert response.status_code == 200
    assert (
        "filename*=UTF-8''" + quote("各县区_2026年1-10月_填报模板.xlsx")
        in response["Content-Disposition"]
    )
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["东城区", "北山县", "高新区"]
    assert wb["北山县"]["D2"].value == "369921"


def test_reviewer_downloads_a_county_template(client, setup, reviewer, county_a, period):
    client.force_login(reviewer)
    assert client.get(url("submission_template", county_a, period)).status_code == 200


@pytest.mark.parametrize("who", ["reporter_a", "reporter_b"])
def test_reporters_cannot_download_the_all_counties_template(request, client, setup, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("period_template", kwargs={"year": 2026, "month": 10}))
    assert response.status_code in (403, 404)


def test_other_county_reporter_cannot_download_or_upload(
    client, setup, reporter_b, county_a, period
):
    client.force_login(reporter_b)
    assert client.get(url("submission_template", county_a, period)).status_code == 404
    assert client.get(url("submission_upload", county_a, period)).status_code == 404
    before = database()
    response = upload(client, county_a, period, b"indicator code,value\ngdp,1\n", name="a.csv")
    assert response.status_code == 404
    assert database() == before


def test_unknown_period_is_404(client, setup, reporter_a, county_a):
    client.force_login(reporter_a)
    missing = reverse(
        "submission_template", kwargs={"code": county_a.code, "year": 2031, "month": 1}
    )
    assert client.get(missing).status_code == 404


def test_template_requires_login(client, setup, county_a, period):
    response = client.get(url("submission_template", county_a, period))
    assert response.status_code == 302


# ----------------------------------------------------------------------------- round trip


def test_round_trip_saves_a_draft_with_upload_as_the_reason(
    client, setup, reporter_a, county_a, period
):
    client.force_login(reporter_a)
    page = client.get(url("submission_upload", county_a, period))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'enctype="multipart/form-data"' in body and "csrfmiddlewaretoken" in body
    assert url("submission_template", county_a, period) in body
    assert url("submission_form", county_a, period) in body

    content = template_bytes(client, county_a, period)
    data = filled(
        content,
        **{
            f"D{GDP_ROW}": 330,
            f"D{RETAIL_ROW}": "１,０２３.５",  # full-width digits and a separator, as text
            f"D{AIR_ROW}": " 85.2 ",
            f"E{AIR_ROW}": 84,
            f"F{GDP_ROW}": "新投产项目拉动",
        },
    )
    response = upload(client, county_a, period, data)
    assert response.status_code == 302, response.context and where(response)
    assert response["Location"] == url("submission_form", county_a, period)
    submission = Submission.objects.get(county=county_a, period=period)
    assert submission.status == "draft"
    values = {v.indicator.code: (v.value, v.prior_value, v.note) for v in submission.values.all()}
    assert values == {
        "gdp": (D("330"), D("310"), "新投产项目拉动"),
        "retail": (D("1023.5"), D("95.5"), ""),
        "air": (D("85.2"), D("84"), ""),
    }
    assert SubmissionValue.history.first().history_change_reason == "upload"
    assert set(
        SubmissionValue.history.filter(submission_id=submission.pk).values_list(
            "history_change_reason", flat=True
        )
    ) == {"upload"}
    followed = client.get(response["Location"])
    assert "已从“东城区.xlsx”导入 3 项指标" in followed.content.decode()


def test_upload_mentions_warnings_that_need_explaining(client, setup, reporter_a, county_a, period):
    client.force_login(reporter_a)
    # growth jumps from 7.1% last month to 25%: a warning, saved but to be explained
    data = filled(template_bytes(client, county_a, period), **{f"D{GDP_ROW}": 387.5})
    response = upload(client, county_a, period, data)
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("需要说明" in m for m in messages)
    assert SubmissionValue.objects.get(
        indicator=setup["gdp"], submission__period=period
    ).value == D("387.5")


def test_reuploading_the_same_template_changes_nothing(client, setup, reporter_a, county_a, period):
    client.force_login(reporter_a)
    data = filled(template_bytes(client, county_a, period), **{f"D{GDP_ROW}": 330})
    assert upload(client, county_a, period, data).status_code == 302
    history = SubmissionValue.history.count()
    again = template_bytes(client, county_a, period)
    assert upload(client, county_a, period, again).status_code == 302
    assert SubmissionValue.history.count() == history


# ----------------------------------------------------------------------------- bad files


def zip_bomb(megabytes: int) -> bytes:
    """A small .xlsx-looking zip whose sheet inflates to `megabytes` MiB (written in chunks, so
    the test itself stays small)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            chunk = b" " * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
    return out.getvalue()


ENTITY_SHEET = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE worksheet [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&c;</t></is></c></row></sheetData>
</worksheet>"""


def _png(_content):
    return b"\x89PNG\r\n\x1a\n" + b"\0" * 200


def _text(_content):
    return "指标代码,本年累计\ngdp,330\n".encode()


def _too_big(content):
    return content + b"\0" * excel.MAX_UPLOAD_BYTES


def _bomb(_content):
    return zip_bomb(40)


def _dense_bomb(_content):
    return zip_bomb(5)  # under the size limit, but packed a thousandfold


def _entity_in_sheet(content):
    return rewrite(content, "xl/worksheets/sheet1.xml", ENTITY_SHEET)


def _entity_in_workbook(content):
    xml = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]><w>&x;</w>'
    return rewrite(content, "xl/workbook.xml", xml)


def _truncated(content):
    return content[: len(content) // 2]


def _old_xls(_content):
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600


def _not_a_workbook_zip(_content):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_png, "内容不是 Excel 工作簿"),
        (_text, "内容不是 Excel 工作簿"),
        (_too_big, "超过 2 MB"),
        (_bomb, "压缩炸弹"),
        (_dense_bomb, "压缩炸弹"),
        (_entity_in_sheet, "实体声明"),
        (_entity_in_workbook, "实体声明"),
        (_truncated, "损坏"),
        (_old_xls, "另存为 .xlsx"),
        (_not_a_workbook_zip, "不是 Excel 工作簿"),
    ],
)
def test_bad_files_are_refused_with_a_message_and_save_nothing(
    client, setup, reporter_a, county_a, period, make, message
):
    client.force_login(reporter_a)
    content = filled(template_bytes(client, county_a, period), **{f"D{GDP_ROW}": 330})
    before = database()
    response = upload(client, county_a, period, make(content))
    assert response.status_code == 400
    problems = response.context["problems"]
    assert len(problems) == 1
    assert message in problems[0].message
    assert message in response.content.decode()
    assert database() == before


def test_wrong_extension_is_refused(client, setup, reporter_a, county_a, period):
    client.force_login(reporter_a)
    response = upload(client, county_a, period, b"gdp,1\n", name="data.txt")
    assert response.status_code == 400
    assert "只能上传" in response.content.decode()


def test_a_workbook_renamed_csv_is_refused(client, setup, reporter_a, county_a, period):
    client.force_login(reporter_a)
    content = template_bytes(client, county_a, period)
    response = upload(client, county_a, period, content, name="东城区.csv")
    assert response.status_code == 400
    assert "内容不是文本" in response.content.decode()


def test_no_file_chosen(client, setup, reporter_a, county_a, period):
    client.force_login(reporter_a)
    response = client.post(url("submission_upload", county_a, period), {})
    assert response.status_code == 400
    assert "请选择要上传的文件" in response.content.decode()


def test_another_countys_sheet_in_a_reporters_upload_is_refused(
    client, setup, reporter_a, county_a, county_b, period
):
    content = excel.template_workbook(counties=[county_a, county_b], period=period)
    content = filled(content, **{f"D{GDP_ROW}": 330})
    content = filled(content, sheet="北山县", **{f"D{GDP_ROW}": 120})
    client.force_login(reporter_a)
    before = database()
    response = upload(client, county_a, period, content)
    assert response.status_code == 400
    assert where(response) == [("北山县", 2, "D")]
    assert "其他县区" in response.content.decode()
    assert database() == before


def test_a_sheet_relabelled_with_another_county_code_is_refused(
    client, setup, reporter_a, county_a, period
):
    client.force_login(reporter_a)
    content = filled(template_bytes(client, county_a, period), D2="369921", D7=330)
    before = database()
    response = upload(client, county_a, period, content)
    assert response.status_code == 400
    assert ("东城区", 2, "D") in where(response)
    assert database() == before


def test_last_months_template_is_refused(client, setup, reporter_a, county_a, period):
    client.force_login(reporter_a)
    september = excel.template_workbook(counties=[county_a], period=setup["september"])
    content = filled(september, **{f"D{GDP_ROW}": 330})
    response = upload(client, county_a, period, content)
    assert response.status_code == 400
    assert where(response) == [("东城区", 3, "D")]
    assert "2026年1-9月" in response.context["problems"][0].message


def test_every_problem_is_listed_with_sheet_row_and_column(
    client, setup, reporter_a, county_a, period
):
    client.force_login(reporter_a)
    content = filled(
        template_bytes(client, county_a, period),
        **{
            f"D{GDP_ROW}": 250,  # below September's cumulative 300
            f"D{RETAIL_ROW}": "约100",  # not a number
            f"E{RETAIL_ROW}": "九十",  # not a number either
            f"D{AIR_ROW}": 120,  # a share above 100
            "A10": "bogus",  # an unknown code
            "D10": 1,
            "A11": "gdp",  # gdp twice
            "D11": 400,
            "D12": 5,  # a value without a code
        },
    )
    before = database()
    response = upload(client, county_a, period, content)
    assert response.status_code == 400
    assert sorted(where(response), key=lambda w: (w[1], w[2])) == [
        ("东城区", GDP_ROW, "D"),
        ("东城区", RETAIL_ROW, "D"),
        ("东城区", RETAIL_ROW, "E"),
        ("东城区", AIR_ROW, "D"),
        ("东城区", 10, "A"),
        ("东城区", 11, "A"),
        ("东城区", 12, "A"),
    ]
    body = response.content.decode()
    for text in (
        "小于上月累计 300",
        "“约100”不是有效的数字",
        "应在 0 到 100 之间",
        "bogus",
        "重复",
    ):
        assert text in body
    assert '<td>东城区</td><td class="num">8</td><td>E</td>' in body
    assert database() == before


def test_upload_to_a_submitted_report_is_refused(client, setup, reporter_a, county_a, period):
    SubmissionFactory(
        county=county_a, period=period, status="submitted", submitted_at=timezone.now()
    )
    client.force_login(reporter_a)
    content = filled(template_bytes(client, county_a, period), **{f"D{GDP_ROW}": 330})
    before = database()
    response = upload(client, county_a, period, content)
    assert response.status_code == 400
    assert "不能修改" in response.content.decode()
    assert database() == before


def test_upload_to_a_closed_period_is_refused(client, setup, reporter_a, county_a):
    closed = PeriodFactory(year=2026, month=8, is_open=False)
    client.force_login(reporter_a)
    content = filled(template_bytes(client, county_a, closed), **{f"D{GDP_ROW}": 200})
    before = database()
    response = upload(client, county_a, closed, content)
    assert response.status_code == 400
    assert "已关闭" in response.content.decode()
    assert database() == before


def test_upload_page_says_when_the_figures_cannot_change(
    client, setup, reporter_a, county_a, period
):
    SubmissionFactory(
        county=county_a,
        period=period,
        status="approved",
        submitted_at=timezone.now(),
        reviewed_at=timezone.now(),
    )
    client.force_login(reporter_a)
    response = client.get(url("submission_upload", county_a, period))
    assert response.status_code == 200
    assert "当前不能修改" in response.content.decode()


@pytest.mark.parametrize("who", ["reviewer", "leader"])
def test_city_staff_cannot_upload(request, client, setup, county_a, period, who):
    client.force_login(request.getfixturevalue(who))
    content = excel.template_workbook(counties=[county_a], period=period)
    before = database()
    response = upload(client, county_a, period, filled(content, **{f"D{GDP_ROW}": 330}))
    assert response.status_code == 403
    assert client.get(url("submission_upload", county_a, period)).status_code == 403
    assert database() == before


# ----------------------------------------------------------------------------- CSV


def test_csv_in_utf8_with_bom(client, setup, reporter_a, county_a, period):
    client.force_login(reporter_a)
    text = '指标代码,本年累计,上年同期,说明\r\ngdp,"1,234.5",280,\r\nair,８５,84,好转\r\n'
    response = upload(client, county_a, period, "\ufeff".encode() + text.encode(), "d.csv")
    assert response.status_code == 302, response.context and where(response)
    values = {
        v.indicator.code: (v.value, v.prior_value, v.note)
        for v in SubmissionValue.objects.filter(submission__period=period)
    }
    assert values == {"gdp": (D("1234.5"), D("280"), ""), "air": (D("85"), D("84"), "好转")}
    assert SubmissionValue.history.first().history_change_reason == "upload"


def test_csv_in_gbk_as_excel_saves_it_on_chinese_windows(
    client, setup, reporter_a, county_a, period
):
    client.force_login(reporter_a)
    text = (
        "指标代码,指标名称,计量单位,本年累计,上年同期,说明\n"
        "gdp,地区生产总值,亿元,330,300,重点项目投产\n"
    )
    response = upload(client, county_a, period, text.encode("gbk"), "东城区.csv")
    assert response.status_code == 302, response.context and where(response)
    row = SubmissionValue.objects.get(submission__period=period, indicator=setup["gdp"])
    assert (row.value, row.prior_value, row.note) == (D("330"), D("300"), "重点项目投产")


def test_csv_with_values_only_keeps_notes_and_defaults_prior_values(
    client, setup, reporter_a, county_a, period
):
    submission = SubmissionFactory(county=county_a, period=period)
    SubmissionValueFactory(
        submission=submission, indicator=setup["gdp"], value=D("320"), note="已核实"
    )
    client.force_login(reporter_a)
    response = upload(client, county_a, period, b"code,value\ngdp,330\nretail,100\n", "v.csv")
    # a CSV does not say which version it was made from: over stored figures, it asks first
    assert response.status_code == 409
    assert "没有记录数据版本" in response.content.decode()
    response = client.post(
        url("submission_upload", county_a, period),
        {"action": "overwrite", "version": response.context["conflict"].version},
    )
    assert response.status_code == 302, response.context and where(response)
    values = {v.indicator.code: (v.value, v.prior_value, v.note) for v in submission.values.all()}
    assert values == {
        "gdp": (D("330"), D("100"), "已核实"),
        "retail": (D("100"), D("95.5"), ""),
    }


def test_csv_problems_name_line_and_column(client, setup, reporter_a, county_a, period):
    client.force_login(reporter_a)
    text = "指标代码,本年累计,上年同期\ngdp,330,300\n\nretail,abc,90\nnope,1,\n"
    before = database()
    response = upload(client, county_a, period, text.encode(), "d.csv")
    assert response.status_code == 400
    assert where(response) == [("d.csv", 4, "B"), ("d.csv", 5, "A")]
    assert database() == before


def test_csv_that_is_not_text_is_refused(client, setup, reporter_a, county_a, period):
    client.force_login(reporter_a)
    response = upload(client, county_a, period, b"\x89PNG\r\n\x1a\n\0\0", "d.csv")
    assert response.status_code == 400
    assert "内容不是文本" in response.content.decode()


# ----------------------------------------------------------------------------- the parser alone


INDICATORS = {"gdp": "地区生产总值", "retail": "社会消费品零售总额"}


def test_parser_reads_a_tab_separated_utf16_csv_without_a_database():
    text = "指标代码\t本年累计\ngdp\t１２３\n"
    result = excel.read_upload(
        text.encode("utf-16"), "x.csv", indicators=INDICATORS, csv_county="369901"
    )
    assert result.problems == []
    assert result.entries == {"369901": {"gdp": Entry(D("123"), None, "")}}


def test_parser_needs_a_header_row():
    result = excel.read_upload(
        b"gdp,1\nretail,2\n", "x.csv", indicators=INDICATORS, csv_county="369901"
    )
    assert [p.message[:6] for p in result.problems] == ["找不到表头行"]
    assert result.entries == {"369901": {}}


def test_parser_refuses_a_zip_whose_declared_sizes_lie():
    """zipfile stops at the declared size, so a member that claims to be small but inflates
    to much more ends in a CRC error: a bad file, not a huge buffer."""
    content = excel.build_workbook(
        [excel.TemplateSheet("369901", "东城区", "2026年1-10月", "2026-10", rows=[])]
    )
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data += b"<!--" + b" " * 5_000_000 + b"-->"
            target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    data = bytearray(out.getvalue())
    name = b"xl/worksheets/sheet1.xml"
    entry = data.index(b"PK\x01\x02")  # the central directory, where zipfile reads sizes
    while data[entry + 46 : entry + 46 + len(name)] != name:
        entry = data.index(b"PK\x01\x02", entry + 4)
    data[entry + 24 : entry + 28] = (1024).to_bytes(4, "little")  # claims 1 KiB
    result = excel.read_upload(bytes(data), "x.xlsx", indicators=INDICATORS, csv_county="369901")
    assert result.refused
    assert "损坏" in result.problems[0].message


# ------------------------------------------- cells whose value a reader cannot be sure of


def test_a_formula_saved_without_its_result_is_refused_with_its_address(
    client, setup, reporter_a, county_a, period
):
    """openpyxl (like other programs that write workbooks) saves a formula with no computed
    result: it used to read as an empty cell and the upload reported success."""
    client.force_login(reporter_a)
    content = filled(template_bytes(client, county_a, period), **{f"D{GDP_ROW}": "=300+30"})
    before = database()
    response = upload(client, county_a, period, content)
    assert response.status_code == 400
    body = response.content.decode()
    assert f"单元格 D{GDP_ROW} 是公式，但文件里没有它的计算结果" in body
    assert ("东城区", GDP_ROW, "D") in where(response)
    assert database() == before


def test_merged_cells_in_the_data_rows_are_refused_with_their_range(
    client, setup, reporter_a, county_a, period
):
    client.force_login(reporter_a)
    wb = openpyxl.load_workbook(io.BytesIO(template_bytes(client, county_a, period)))
    wb["东城区"][f"D{GDP_ROW}"] = 330
    wb["东城区"].merge_cells(f"D{GDP_ROW}:E{GDP_ROW}")
    out = io.BytesIO()
    wb.save(out)
    before = database()
    response = upload(client, county_a, period, out.getvalue())
    assert response.status_code == 400
    assert f"数据区有合并单元格 D{GDP_ROW}:E{GDP_ROW}" in response.content.decode()
    assert database() == before


def test_the_templates_own_merged_title_rows_are_fine(client, setup, reporter_a, county_a, period):
    """The template merges its title and remark rows, above the header: uploads of it pass."""
    client.force_login(reporter_a)
    content = filled(template_bytes(client, county_a, period), **{f"D{GDP_ROW}": 330})
    response = upload(client, county_a, period, content)
    assert response.status_code in (200, 302)
    assert Submission.objects.filter(county=county_a, period=period).exists()
