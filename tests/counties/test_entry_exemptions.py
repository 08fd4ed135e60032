"""不考核 on every entry channel: an indicator the year's rule set exempts a county from is
shown read-only and labelled with its reason, never warned about, never stored: the form
ignores a value sent for it; the Excel template marks it grey and locked and an upload, the
statistics bureau's import and a department's grid or workbook refuse a figure for it by
sheet, row and column, saving nothing."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from counties import selectors, services, services_bulk
from counties.access import Role
from counties.models import Submission, SubmissionValue
from counties.validation import Entry
from tests.factories import (
    CategoryFactory,
    DepartmentFactory,
    DepartmentMembershipFactory,
    ExemptionFactory,
    IndicatorFactory,
    PeriodFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
    SubmissionFactory,
    SubmissionValueFactory,
    UserFactory,
)

D = Decimal
REASON = "城区无农村常住人口"
# Rows of the county template: the header is row 6, then gdp, rural income, revenue.
GDP_ROW, RURAL_ROW, REVENUE_ROW = 7, 8, 9


@pytest.fixture
def finance(db):
    return DepartmentFactory(name="市财政局", name_en="Finance Bureau")


@pytest.fixture
def city(county_a, county_b, period, finance):
    """2026's published rule set scores gdp, rural income and a revenue the finance bureau
    enters; county_a (a district) is exempted from rural income and from revenue. Last
    October's approved figures would prefill 上年同期."""
    area = CategoryFactory(code="growth", name="主要经济指标")
    gdp = IndicatorFactory(code="gdp", name="地区生产总值", category=area, display_order=1)
    rural = IndicatorFactory(
        code="rural_income",
        name="农村居民人均可支配收入",
        category=area,
        unit="元",
        decimals=0,
        display_order=2,
    )
    revenue = IndicatorFactory(
        code="revenue",
        name="一般公共预算收入",
        category=area,
        display_order=3,
        department=finance,
        entered_by_department=True,
    )
    ruleset = RuleSetFactory(year=2026, status="published", published_at=timezone.now())
    rc = RuleSetCategoryFactory(ruleset=ruleset, category=area, weight=D("100"))
    for indicator, weight in ((gdp, "50"), (rural, "30"), (revenue, "20")):
        RuleSetIndicatorFactory(ruleset=ruleset, indicator=indicator, category=rc, weight=D(weight))
    ExemptionFactory(ruleset=ruleset, county=county_a, indicator=rural, reason=REASON)
    ExemptionFactory(ruleset=ruleset, county=county_a, indicator=revenue, reason="由市级统筹")
    now = timezone.now()
    last_year = PeriodFactory(year=2025, month=10, is_open=False)
    for county in (county_a, county_b):
        before = SubmissionFactory(
            county=county, period=last_year, status="approved", submitted_at=now, reviewed_at=now
        )
        for indicator, value in ((gdp, "300"), (rural, "21000"), (revenue, "9")):
            SubmissionValueFactory(
                submission=before, indicator=indicator, value=D(value), prior_value=None
            )
    return {"gdp": gdp, "rural": rural, "revenue": revenue, "ruleset": ruleset}


@pytest.fixture
def finance_reporter(finance):
    user = UserFactory(username="finance", roles=[Role.DEPARTMENT])
    DepartmentMembershipFactory(user=user, department=finance)
    return user


def url(name, county, period):
    return reverse(name, kwargs={"code": county.code, "year": period.year, "month": period.month})


def grid_url(name, department, period):
    return reverse(name, kwargs={"pk": department.pk, "year": period.year, "month": period.month})


def database():
    """Everything an entry could change."""
    return (
        sorted(Submission.objects.values_list("id", "county_id", "status", "version")),
        sorted(
            SubmissionValue.objects.values_list(
                "submission_id", "indicator_id", "value", "prior_value", "note", "channel"
            )
        ),
        SubmissionValue.history.count(),
    )


def stored(county, period):
    submission = Submission.objects.filter(county=county, period=period).first()
    if submission is None:
        return {}
    return {v.indicator.code: v.value for v in submission.values.select_related("indicator")}


def csv_upload(text: str, name: str = "month.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def workbook_bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ----------------------------------------------------------------------------- the checks


def test_an_exempted_indicator_is_never_warned_about(city, county_a, county_b, period):
    """Nothing entered: county_b is told rural income is missing, county_a is not."""
    everything = {"gdp", "rural_income", "revenue"}
    for county, expected in ((county_a, {"gdp"}), (county_b, everything)):
        issues, _indicators = services.check_entries(county=county, period=period, entries={})
        missing = {i.code for i in issues if i.kind == "missing"}
        assert missing == expected, county
    contexts = selectors.entry_contexts(
        county=county_a, period=period, indicators=selectors.indicators_for_entry(period)
    )
    assert contexts["rural_income"].exemption == REASON
    assert contexts["gdp"].exemption is None


# ----------------------------------------------------------------------------- the form


def test_the_form_shows_the_exempted_field_read_only_with_its_reason(
    client, city, reporter_a, county_a, period
):
    client.force_login(reporter_a)
    response = client.get(url("submission_form", county_a, period))
    assert response.status_code == 200
    rows = {row.indicator.code: row for _c, rows in response.context["groups"] for row in rows}
    rural = rows["rural_income"]
    assert rural.exemption == REASON and rural.read_only
    assert (rural.value, rural.prior_value, rural.note) == ("", "", "")  # not last year's 21000
    assert not rural.issues and not rural.needs_note
    assert rows["gdp"].exemption is None and rows["gdp"].prior_value == "300"
    page = response.content.decode()
    assert "不考核" in page and REASON in page
    assert 'name="value_rural_income"' not in page and 'name="prior_rural_income"' not in page
    assert 'name="note_rural_income"' not in page and 'name="value_gdp"' in page
    assert "农村居民人均可支配收入是考核指标，尚未填报" not in page
    assert not [w for w in response.context["warnings"] if w.code == "rural_income"]


def test_a_value_posted_for_an_exempted_indicator_is_not_stored(
    client, city, reporter_a, county_a, period
):
    client.force_login(reporter_a)
    post = {
        "version": "0",
        "action": "submit",
        "value_gdp": "320",
        "prior_gdp": "300",
        "value_rural_income": "22000",
        "prior_rural_income": "-5",  # not even checked: never read
        "note_rural_income": "x" * 600,
    }
    response = client.post(url("submission_form", county_a, period), post)
    assert response.status_code == 302
    assert stored(county_a, period) == {"gdp": D("320")}
    # and submitting asked for nothing about it
    assert Submission.objects.get(county=county_a, period=period).status == "submitted"


def test_the_service_ignores_an_exempted_entry(city, reporter_a, county_a, period):
    result = services.submission_save(
        county=county_a,
        period=period,
        user=reporter_a,
        entries={"gdp": Entry(D("320"), D("300")), "rural_income": Entry(D("1"), None)},
        expected_version=services.NO_SUBMISSION_VERSION,
        channel="api",
    )
    assert not result.warnings
    assert stored(county_a, period) == {"gdp": D("320")}


def test_another_county_still_reports_the_indicator(client, city, reporter_b, county_b, period):
    client.force_login(reporter_b)
    page = client.get(url("submission_form", county_b, period)).content.decode()
    assert 'name="value_rural_income"' in page and REASON not in page


# ----------------------------------------------------------------------------- Excel


def test_the_template_marks_the_exempted_row_grey_and_locked(
    client, city, reporter_a, county_a, period
):
    client.force_login(reporter_a)
    content = client.get(url("submission_template", county_a, period)).content
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [ws[f"A{row}"].value for row in (GDP_ROW, RURAL_ROW)] == ["gdp", "rural_income"]
    assert ws[f"E{GDP_ROW}"].value == 300  # last year's, prefilled
    assert ws[f"D{RURAL_ROW}"].value is None and ws[f"E{RURAL_ROW}"].value is None
    assert ws[f"F{RURAL_ROW}"].value == f"不考核：{REASON}"
    for column in "DEF":
        cell = ws[f"{column}{RURAL_ROW}"]
        assert cell.protection.locked, column
        assert cell.fill.fgColor.rgb.endswith("D9D9D9"), column
    assert not ws[f"D{GDP_ROW}"].protection.locked
    assert "不考核" in ws["A4"].value  # the instructions say what the grey rows are


def test_the_untouched_template_uploads_without_the_exempted_row(
    client, city, reporter_a, county_a, period
):
    client.force_login(reporter_a)
    content = client.get(url("submission_template", county_a, period)).content
    wb = openpyxl.load_workbook(io.BytesIO(content))
    wb.active[f"D{GDP_ROW}"] = 320
    response = client.post(
        url("submission_upload", county_a, period),
        {"file": SimpleUploadedFile("东城区.xlsx", workbook_bytes(wb))},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert stored(county_a, period) == {"gdp": D("320")}


def test_an_upload_with_a_figure_for_the_exempted_row_is_refused_at_its_cell(
    client, city, reporter_a, county_a, period
):
    client.force_login(reporter_a)
    content = client.get(url("submission_template", county_a, period)).content
    wb = openpyxl.load_workbook(io.BytesIO(content))
    wb.active[f"D{GDP_ROW}"] = 320
    wb.active[f"E{RURAL_ROW}"] = 20500
    before = database()
    response = client.post(
        url("submission_upload", county_a, period),
        {"file": SimpleUploadedFile("东城区.xlsx", workbook_bytes(wb))},
    )
    assert response.status_code == 400
    problems = [(p.sheet, p.row, p.column) for p in response.context["problems"]]
    assert problems == [("东城区", RURAL_ROW, "E")]
    assert "不考核" in response.context["problems"][0].message
    assert REASON in response.content.decode()
    assert database() == before


def test_a_csv_of_values_alone_is_not_refused_for_last_years_prior_value(
    client, city, reporter_a, county_a, period
):
    """A CSV without the prior column keeps what the form offers: for the exempted row that is
    nothing (not last year's figure), so an empty row of it passes."""
    client.force_login(reporter_a)
    text = "指标代码,本年累计\ngdp,320\nrural_income,\n"
    response = client.post(url("submission_upload", county_a, period), {"file": csv_upload(text)})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert stored(county_a, period) == {"gdp": D("320")}


# ----------------------------------------------------------------------------- the import


def test_the_bureaus_import_refuses_a_figure_for_an_exempted_indicator(
    client, city, reviewer, county_a, county_b, period
):
    client.force_login(reviewer)
    text = (
        "县区,指标代码,本年累计,上年同期,说明\n"
        "369901,gdp,120,110,\n"
        "369901,rural_income,21500,,\n"
        "369921,rural_income,19000,18000,\n"
    )
    before = database()
    response = client.post(
        reverse("period_import", kwargs={"year": period.year, "month": period.month}),
        {"file": csv_upload(text)},
    )
    assert response.status_code == 400
    problems = [(p.row, p.column) for p in response.context["problems"]]
    assert problems == [(3, "C")]
    assert "不考核" in response.context["problems"][0].message
    assert database() == before
    # without it, the same file goes in, county_b's rural income with it
    text = text.replace("369901,rural_income,21500,,\n", "369901,rural_income,,,\n")
    response = client.post(
        reverse("period_import", kwargs={"year": period.year, "month": period.month}),
        {"file": csv_upload(text)},
    )
    assert response.status_code == 302
    assert stored(county_a, period) == {"gdp": D("120")}
    assert stored(county_b, period) == {"rural_income": D("19000")}


def test_the_all_counties_template_marks_each_countys_own_exemptions(
    client, city, reviewer, county_a, county_b, period
):
    client.force_login(reviewer)
    content = client.get(
        reverse("period_template", kwargs={"year": period.year, "month": period.month})
    ).content
    wb = openpyxl.load_workbook(io.BytesIO(content))
    a, b = wb.worksheets
    assert a[f"F{RURAL_ROW}"].value == f"不考核：{REASON}"
    assert b[f"F{RURAL_ROW}"].value is None and b[f"E{RURAL_ROW}"].value == 21000
    assert not b[f"D{RURAL_ROW}"].protection.locked


def test_the_bulk_service_refuses_and_saves_nothing(city, reviewer, county_a, county_b, period):
    entries = {
        county_a.code: {"gdp": Entry(D("120"), None), "rural_income": Entry(None, D("1"))},
        county_b.code: {"gdp": Entry(D("95"), None)},
    }
    with pytest.raises(services_bulk.BulkInvalid) as caught:
        services_bulk.submissions_import(period=period, user=reviewer, entries=entries, versions={})
    assert [(p.county, p.issue.code, p.issue.field) for p in caught.value.problems] == [
        (county_a, "rural_income", "prior_value")
    ]
    assert not Submission.objects.filter(period=period).exists()


# ----------------------------------------------------------------------------- departments


def test_the_department_grid_shows_the_exempted_cell_without_fields(
    client, city, finance, finance_reporter, county_a, county_b, period
):
    client.force_login(finance_reporter)
    page = client.get(grid_url("department_grid", finance, period))
    cells = {item["row"].county.code: item["cells"][0] for item in page.context["grid"]}
    assert cells[county_a.code]["exemption"] == "由市级统筹"
    assert cells[county_b.code]["exemption"] is None
    body = page.content.decode()
    assert f'name="v_{county_a.code}_revenue"' not in body
    assert f'name="v_{county_b.code}_revenue"' in body
    assert "由市级统筹" in body
    # a value sent for the exempted cell anyway is not stored; the other county's is
    post = {f"stamp_{row.county.code}": row.stamp for row in page.context["rows"]} | {
        f"v_{county_a.code}_revenue": "8.5",
        f"v_{county_b.code}_revenue": "3",
    }
    response = client.post(grid_url("department_grid", finance, period), post)
    assert response.status_code == 302
    assert stored(county_a, period) == {}
    assert stored(county_b, period) == {"revenue": D("3")}


def test_the_department_workbook_locks_the_exempted_row_and_refuses_a_figure_in_it(
    client, city, finance, finance_reporter, county_a, county_b, period
):
    client.force_login(finance_reporter)
    data = client.get(grid_url("department_template", finance, period)).content
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    assert [ws.cell(row, 1).value for row in (7, 8)] == [county_a.code, county_b.code]
    assert ws["H7"].value == "不考核：由市级统筹"
    assert ws["F7"].protection.locked and not ws["F8"].protection.locked
    ws["F7"], ws["F8"] = 8.5, 3
    before = database()
    response = client.post(
        grid_url("department_upload", finance, period),
        {"file": SimpleUploadedFile("dept.xlsx", workbook_bytes(wb))},
    )
    assert response.status_code == 400
    problems = [(p.sheet, p.row, p.column) for p in response.context["problems"]]
    assert problems == [(ws.title, 7, "F")]
    assert database() == before
    ws["F7"] = None
    response = client.post(
        grid_url("department_upload", finance, period),
        {"file": SimpleUploadedFile("dept.xlsx", workbook_bytes(wb))},
    )
    assert response.status_code == 302
    assert stored(county_b, period) == {"revenue": D("3")}
    assert stored(county_a, period) == {}
