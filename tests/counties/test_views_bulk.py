"""The pages of many counties at once: the statistics bureau's import (all-counties workbook or
long CSV, stale files refused then confirmed), a department's grid and workbook, the county's
form showing the department's figures read-only, and who may open what."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from counties.access import Role
from counties.models import Submission, SubmissionValue
from tests.factories import (
    CategoryFactory,
    DepartmentFactory,
    DepartmentMembershipFactory,
    IndicatorFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
    SubmissionFactory,
    SubmissionValueFactory,
    UserFactory,
)

D = Decimal


@pytest.fixture
def finance(db):
    return DepartmentFactory(name="市财政局", name_en="Finance Bureau")


@pytest.fixture
def city(county_a, county_b, period, finance):
    growth = CategoryFactory(code="growth", name="主要经济指标")
    gdp = IndicatorFactory(code="gdp", name="地区生产总值", category=growth, display_order=1)
    revenue = IndicatorFactory(
        code="revenue",
        name="一般公共预算收入",
        category=growth,
        display_order=2,
        department=finance,
        entered_by_department=True,
    )
    ruleset = RuleSetFactory(year=2026, status="published", published_at=timezone.now())
    rc = RuleSetCategoryFactory(ruleset=ruleset, category=growth, weight=D("100"))
    for indicator, weight in ((gdp, "60"), (revenue, "40")):
        RuleSetIndicatorFactory(ruleset=ruleset, indicator=indicator, category=rc, weight=D(weight))
    return {"gdp": gdp, "revenue": revenue}


@pytest.fixture
def finance_reporter(finance):
    user = UserFactory(username="finance", roles=[Role.DEPARTMENT])
    DepartmentMembershipFactory(user=user, department=finance)
    return user


def stored(county, period):
    submission = Submission.objects.filter(county=county, period=period).first()
    if submission is None:
        return {}
    return {
        v.indicator.code: (v.value, v.channel)
        for v in submission.values.select_related("indicator")
    }


def csv_upload(text: str, name: str = "month.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


def form_url(county, period):
    kwargs = {"code": county.code, "year": period.year, "month": period.month}
    return reverse("submission_form", kwargs=kwargs)


def import_url(period):
    return reverse("period_import", kwargs={"year": period.year, "month": period.month})


def grid_url(name, department, period):
    return reverse(name, kwargs={"pk": department.pk, "year": period.year, "month": period.month})


# ----------------------------------------------------------------------------- import


def test_reviewer_imports_a_long_csv_for_every_county(
    client, city, reviewer, county_a, county_b, period
):
    client.force_login(reviewer)
    text = (
        "县区,指标代码,本年累计,上年同期,说明\n"
        "369901,gdp,120,110,\n"
        "北山县,gdp,95,90,\n"
        "369901,revenue,8.5,8,\n"
    )
    response = client.post(import_url(period), {"file": csv_upload(text)}, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert "2 个县区的 3 项数据" in response.content.decode()
    assert stored(county_a, period) == {
        "gdp": (D("120"), "import"),
        "revenue": (D("8.5"), "import"),
    }
    assert stored(county_b, period) == {"gdp": (D("95"), "import")}


def test_reviewer_imports_the_all_counties_template_and_a_stale_one_asks_first(
    client, city, reviewer, reporter_a, county_a, county_b, period
):
    client.force_login(reviewer)
    template = client.get(
        reverse("period_template", kwargs={"year": period.year, "month": period.month})
    ).content
    wb = openpyxl.load_workbook(io.BytesIO(template))
    assert [ws["D2"].value for ws in wb.worksheets] == [county_a.code, county_b.code]
    for ws, value in zip(wb.worksheets, (120, 95), strict=True):
        ws["D7"] = value
        ws["E7"] = 100
    filled = io.BytesIO()
    wb.save(filled)
    # county_a's reporter saves after the template was made
    SubmissionValueFactory(
        submission=SubmissionFactory(county=county_a, period=period, version=2),
        indicator=city["gdp"],
        value=D("111"),
        prior_value=D("100"),
    )
    upload = SimpleUploadedFile("month.xlsx", filled.getvalue())
    response = client.post(import_url(period), {"file": upload})
    assert response.status_code == 409
    page = response.content.decode()
    assert county_a.name in page and "111" in page
    assert stored(county_b, period) == {}  # nothing of the file was saved
    stamps = response.context["stamps_text"]
    response = client.post(import_url(period), {"action": "overwrite", "stamps": stamps})
    assert response.status_code == 302
    assert stored(county_a, period)["gdp"] == (D("120"), "import")
    assert stored(county_b, period)["gdp"] == (D("95"), "import")


def test_import_problems_are_listed_by_row_and_column(client, city, reviewer, period):
    client.force_login(reviewer)
    text = "县区,指标代码,本年累计,上年同期,说明\n369901,gdp,-1,110,\n369921,gdp,abc,90,\n"
    response = client.post(import_url(period), {"file": csv_upload(text)})
    assert response.status_code == 400
    problems = [(p.row, p.column) for p in response.context["problems"]]
    assert problems == [(2, "C"), (3, "C")]
    assert not SubmissionValue.objects.exists()


@pytest.mark.parametrize("who", ["reporter_a", "leader", "finance_reporter"])
def test_only_reviewers_open_the_import(request, client, city, period, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(import_url(period)).status_code == 403


# ----------------------------------------------------------------------------- departments


def test_department_reporter_lands_on_its_grid_and_fills_it(
    client, city, finance, finance_reporter, county_a, county_b, period
):
    client.force_login(finance_reporter)
    assert client.get("/").url == reverse("department_home")
    home = client.get(reverse("department_home"))
    assert finance.name in home.content.decode()
    page = client.get(grid_url("department_grid", finance, period))
    assert page.status_code == 200
    assert [ind.code for ind in page.context["indicators"]] == ["revenue"]
    post = {f"stamp_{row.county.code}": row.stamp for row in page.context["rows"]} | {
        f"v_{county_a.code}_revenue": "8.5",
        f"p_{county_a.code}_revenue": "8",
        f"v_{county_b.code}_revenue": "3",
        f"p_{county_b.code}_revenue": "2.5",
        f"n_{county_b.code}_revenue": "按财政决算口径",
    }
    response = client.post(grid_url("department_grid", finance, period), post, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert stored(county_a, period) == {"revenue": (D("8.5"), "department")}
    assert stored(county_b, period) == {"revenue": (D("3"), "department")}


def test_a_bad_cell_saves_nothing_and_is_shown_in_its_cell(
    client, city, finance, finance_reporter, county_a, county_b, period
):
    client.force_login(finance_reporter)
    page = client.get(grid_url("department_grid", finance, period))
    post = {f"stamp_{row.county.code}": row.stamp for row in page.context["rows"]} | {
        f"v_{county_a.code}_revenue": "8.5",
        f"v_{county_b.code}_revenue": "-3",
    }
    response = client.post(grid_url("department_grid", finance, period), post)
    assert response.status_code == 400
    cells = {item["row"].county.code: item["cells"][0] for item in response.context["grid"]}
    assert cells[county_b.code]["value"] == "-3"
    assert [i.kind for i in cells[county_b.code]["issues"]] == ["negative"]
    assert cells[county_a.code]["value"] == "8.5"  # what was typed stays
    assert not SubmissionValue.objects.exists()


def test_department_workbook_round_trip(
    client, city, finance, finance_reporter, county_a, county_b, period
):
    client.force_login(finance_reporter)
    data = client.get(grid_url("department_template", finance, period)).content
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    header = [c.value for c in ws[6]]
    assert header[:3] == ["行政区划代码", "县区名称", "指标代码"]
    assert [ws.cell(row, 1).value for row in (7, 8)] == [county_a.code, county_b.code]
    ws["F7"], ws["F8"] = 8.5, 3
    out = io.BytesIO()
    wb.save(out)
    response = client.post(
        grid_url("department_upload", finance, period),
        {"file": SimpleUploadedFile("dept.xlsx", out.getvalue())},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert stored(county_a, period) == {"revenue": (D("8.5"), "department")}
    assert stored(county_b, period) == {"revenue": (D("3"), "department")}


def test_the_county_sees_the_department_figure_read_only(
    client, city, finance, finance_reporter, reporter_a, county_a, period
):
    client.force_login(finance_reporter)
    page = client.get(grid_url("department_grid", finance, period))
    client.post(
        grid_url("department_grid", finance, period),
        {f"stamp_{county_a.code}": page.context["rows"][0].stamp, "v_369901_revenue": "8.5"},
    )
    client.force_login(reporter_a)
    url = reverse(
        "submission_form",
        kwargs={"code": county_a.code, "year": period.year, "month": period.month},
    )
    form = client.get(url).content.decode()
    assert "由市财政局填报" in form
    assert 'name="value_revenue"' not in form and 'name="value_gdp"' in form
    # a post that carries the field anyway changes nothing of it
    client.post(url, {"version": "1", "value_gdp": "100", "prior_gdp": "90", "value_revenue": "1"})
    assert stored(county_a, period)["revenue"] == (D("8.5"), "department")


@pytest.mark.parametrize(
    "who, grid, post",
    [
        ("finance_reporter", 200, 302),
        ("reviewer", 200, 403),
        ("leader", 200, 403),
        ("reporter_a", 404, 404),
        ("other_department", 404, 404),
    ],
)
def test_who_opens_and_fills_the_department_grid(
    request, client, city, finance, county_a, period, who, grid, post
):
    if who == "other_department":
        user = UserFactory(username="commerce", roles=[Role.DEPARTMENT])
        DepartmentMembershipFactory(user=user, department=DepartmentFactory(name="市商务局"))
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    url = grid_url("department_grid", finance, period)
    assert client.get(url).status_code == grid
    assert client.get(grid_url("department_template", finance, period)).status_code == grid
    response = client.post(url, {f"v_{county_a.code}_revenue": "1"})
    assert response.status_code == post
    if post != 302:
        assert not SubmissionValue.objects.exists()


def test_a_department_reporter_sees_no_countys_figures(
    client, city, finance_reporter, county_a, period
):
    client.force_login(finance_reporter)
    url = reverse(
        "submission_form",
        kwargs={"code": county_a.code, "year": period.year, "month": period.month},
    )
    assert client.get(url).status_code == 404
    assert client.get(reverse("completeness")).status_code == 403
