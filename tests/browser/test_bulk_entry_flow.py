"""A department reporter fills its grid for every county; the statistics bureau imports the
month's all-counties workbook, then exports the league table and opens it with openpyxl."""

import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone

from counties.access import Role
from counties.models import SubmissionValue
from rankings import services as ranking_services
from tests.browser.conftest import login
from tests.factories import (
    CategoryFactory,
    DepartmentFactory,
    DepartmentMembershipFactory,
    IndicatorFactory,
    PeriodFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
    SubmissionFactory,
    SubmissionValueFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


@pytest.fixture
def city(county_a, county_b):
    finance = DepartmentFactory(name="市财政局")
    user = UserFactory(username="finance", roles=[Role.DEPARTMENT])
    DepartmentMembershipFactory(user=user, department=finance)
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
    september = PeriodFactory(year=2026, month=9, is_open=False)
    now = timezone.now()
    figures = {county_a: ("300", "280", "7", "6.5"), county_b: ("200", "190", "3", "2.9")}
    for county, row in figures.items():
        done = SubmissionFactory(
            county=county, period=september, status="approved", submitted_at=now, reviewed_at=now
        )
        g, gp, r, rp = (D(x) for x in row)
        SubmissionValueFactory(submission=done, indicator=gdp, value=g, prior_value=gp)
        SubmissionValueFactory(submission=done, indicator=revenue, value=r, prior_value=rp)
    ranking_services.ranking_recompute(period=september, trigger="command")
    return {"october": PeriodFactory(year=2026, month=10), "september": september}


def test_department_grid_then_bureau_import_then_league_export(
    page, live_server, city, county_a, county_b, reviewer, shot
):
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "finance")
    page.fill("#id_password", "pw-for-tests-only")
    page.click("button.primary")
    page.wait_for_url(f"{base}/departments/")  # a department reporter lands on its grids
    page.click("text=2026年1-10月")
    page.fill(f"input[name=v_{county_a.code}_revenue]", "8.2")
    page.fill(f"input[name=p_{county_a.code}_revenue]", "7.5")
    page.fill(f"input[name=v_{county_b.code}_revenue]", "3.4")
    page.fill(f"input[name=p_{county_b.code}_revenue]", "3.1")
    shot("department-grid-filled")
    page.click("#save-grid")
    page.wait_for_selector("text=已保存 2 个县区的 2 项数据")
    shot("department-grid-saved")
    channels = set(SubmissionValue.objects.values_list("channel", flat=True).filter(
        submission__period=city["october"]
    ))  # fmt: skip
    assert channels == {"department"}

    page.click("text=退出")
    login(page, base, "reviewer")
    page.goto(f"{base}/completeness/")
    page.click("#period-import-link")
    with page.expect_download() as download:
        page.click("text=下载本期全部县区 Excel 模板")
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    for ws, value in zip(workbook.worksheets, (330, 215), strict=True):
        assert ws["D7"].value is None and ws["A7"].value == "gdp"
        assert ws["A8"].value == "revenue" and ws["D8"].value is not None  # the department's
        ws["D7"], ws["E7"] = value, value - 20
    filled = io.BytesIO()
    workbook.save(filled)
    upload = {"name": "month.xlsx", "mimeType": "application/octet-stream"}
    page.set_input_files("#import-file", files=[{**upload, "buffer": filled.getvalue()}])
    page.click("text=上传并导入")
    page.wait_for_selector("text=已从“month.xlsx”导入 2 个县区的 2 项数据")
    shot("bureau-import-done")
    gdp = SubmissionValue.objects.filter(submission__period=city["october"], indicator__code="gdp")
    assert sorted((v.value, v.channel) for v in gdp) == [
        (D("215"), "import"),
        (D("330"), "import"),
    ]

    page.goto(f"{base}/rankings/?period=2026-09")
    with page.expect_download() as download:
        page.click(".export-links >> text=Excel")
    league = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(league.active.iter_rows(values_only=True))
    names = {cell for row in rows[1:] for cell in row if isinstance(cell, str)}
    assert {county_a.name, county_b.name} <= names
    assert league.active.freeze_panes == "A2"
