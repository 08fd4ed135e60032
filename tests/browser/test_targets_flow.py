"""Targets to action in the browser: an admin imports the year's targets from Excel and
publishes them; a leader opens the warning board, keeps the red counties and opens one's
catch-up plan; the county's reporter sees its warnings on the home page."""

import io

import openpyxl
import pytest

from counties.models import Period
from rankings import services
from rankings.models import RankingRun
from targets.models import Target, TargetSet
from tests.browser.conftest import login
from tests.rankings.conftest import city  # noqa: F401 - the small scored city

pytestmark = pytest.mark.django_db(transaction=True)


def fill_targets(content: bytes) -> bytes:
    """The exported workbook with targets typed in: gdp +6% for every county and the city,
    retail 120 亿元 for 东城区 and 250 亿元 for the city."""
    wb = openpyxl.load_workbook(io.BytesIO(content))
    ws = wb["目标"]
    header = next(
        r for r in ws.iter_rows(min_row=1, max_row=20) if any(c.value == "指标代码" for c in r)
    )
    col = {c.value: c.column for c in header}
    for row in ws.iter_rows(min_row=header[0].row + 1):
        code = row[col["行政区划代码"] - 1].value
        indicator = row[col["指标代码"] - 1].value
        kind, target = row[col["目标类型"] - 1], row[col["目标"] - 1]
        if indicator == "gdp":
            kind.value, target.value = "目标增速", 6
        elif indicator == "retail" and code == "369901":
            kind.value, target.value = "目标值", 120
        elif indicator == "retail" and code in (None, "", "全市"):
            kind.value, target.value = "目标值", 250
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_targets_become_warnings_and_a_catch_up_plan(
    page,
    live_server,
    city,  # noqa: F811
    admin_user,
    leader,
    reporter_a,
    shot,
    monkeypatch,
    tmp_path,  # noqa: F811
):
    from rankings import tasks

    monkeypatch.setattr(tasks.recompute, "apply_async", lambda *a, **kw: None)
    base = live_server.url
    login(page, base, admin_user.username)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="目标任务").click()
    page.fill("#start-year", "2026")
    page.locator("#start-form button").click()
    page.wait_for_url("**/targets/2026/**")
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").first.click()
    filled = tmp_path / "targets.xlsx"
    filled.write_bytes(fill_targets(download.value.path().read_bytes()))
    page.set_input_files("#import-file", str(filled))
    page.locator("#import-form button").click()
    page.wait_for_selector("li.message.success")
    assert "已导入“targets.xlsx”" in page.locator("li.message.success").text_content()
    assert Target.objects.filter(indicator__code="gdp", kind="growth").count() == 5
    page.locator("#publish-form input[name=confirm]").check()
    page.locator("#publish-form button").click()
    page.wait_for_selector("li.message.success")
    assert TargetSet.objects.get(year=2026).status == "published"
    shot("targets-published")

    # the year's recompute (queued on publishing) and the month's publication
    for period in Period.objects.filter(year=2026).order_by("month"):
        run = services.ranking_recompute(period=period, trigger=RankingRun.Trigger.TARGETS).run
        services.ranking_publish(run=run, user=admin_user, confirm_missing=True)

    page.context.clear_cookies()
    login(page, base, "leader")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="预警看板").click()
    page.select_option("#filter-level", "red")
    page.locator("#warning-filters button").click()
    rows = page.locator("table.warning-board tbody tr")
    # 东城区 is red on retail (52 of 120 after October); the city's row closes the table
    assert rows.locator("th").all_text_contents() == ["东城区", "全市"]
    red = page.locator("table.warning-board td.level-red").first
    assert "落后时序进度超过红色预警线" in red.get_attribute("title")
    shot("warning-board-red")
    rows.locator("th a", has_text="东城区").click()
    page.wait_for_url("**/rankings/county/369901/**")
    plan = page.locator("#catch-up")
    assert "社会消费品零售总额" in plan.text_content()
    assert "12月 ≥ 120.00 亿元" in plan.text_content()
    shot("catch-up-plan")

    page.context.clear_cookies()
    login(page, base, "reporter_a")
    summary = page.locator(".warning-summary")
    assert "红色 1 项" in summary.text_content()
    summary.get_by_role("link").click()
    page.wait_for_url("**/rankings/county/369901/**#progress")
    assert page.locator("#progress").is_visible()
    shot("reporter-home-warnings")
