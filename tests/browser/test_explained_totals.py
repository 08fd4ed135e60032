"""A leader before a dispatch meeting, on the demo city: the league table opens on the newest
complete month (the one in progress is a labelled click away), the improvement reward has its
own column, and a county's 得分构成 ends on the same total. Then an admin publishes a new
version of the year's rules, and a county's reporter sees the new version's ranking for every
month that had been published."""

import pytest
from django.core.management import call_command

from counties.demo import password_for
from rankings import tasks
from rankings.models import CountyResult, RankingRun
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True)


def test_leader_explains_a_total_and_a_new_version_reaches_the_counties(
    page, live_server, shot, monkeypatch
):
    # the recompute a rule-set publication queues runs at once, as a worker would
    monkeypatch.setattr(
        tasks.recompute,
        "apply_async",
        lambda args, kwargs, **_: tasks.recompute.apply(args, kwargs),
    )
    call_command("load_demo_city", verbosity=0, force=True)
    call_command("recompute_rankings", all=True, publish_closed=True, verbosity=0)
    base = live_server.url

    login(page, base, "leader", password_for("leader"))
    page.click("nav >> text=综合排名")
    # 2026-10 is open with counties still missing: the table opens on September
    assert "2026年1-9月" in page.text_content("h1")
    notice = page.locator("p.notice a")
    assert "2026年1-10月" in notice.text_content() and "进行中：已有" in notice.text_content()
    assert page.locator("table.league th", has_text="进位奖励").count() == 1
    shot("league-complete-month")

    first = page.locator("table.league tbody tr").first
    name = first.locator("th a").text_content()
    total = first.locator("td").nth(1).text_content()
    first.locator("th a").click()
    page.wait_for_selector("#breakdown")
    assert name in page.text_content("h1")
    assert page.locator("#breakdown tr.total td.num").text_content() == total
    assert "2026年1-9月" in page.text_content("#breakdown")
    shot("county-breakdown")

    # an admin starts version 2 of 2026 and publishes it unchanged
    page.context.clear_cookies()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, base, "admin", password_for("admin"))
    page.goto(f"{base}/rules/")
    page.locator("table.rulesets tr", has_text="2026").locator("text=新建版本").first.click()
    page.wait_for_selector("h1:has-text('2026 年第 2 版')")
    page.click("#publish")
    page.wait_for_selector("text=已发布 2026 年第 2 版")

    published = RankingRun.objects.filter(
        period__year=2026, is_current=True, is_published=True
    ).select_related("ruleset", "period")
    assert sorted(r.period.month for r in published) == list(range(1, 10))
    assert {r.ruleset.version for r in published} == {2}

    page.context.clear_cookies()
    login(page, base, "reporter_a", password_for("reporter_a"))
    for month in range(1, 10):
        page.goto(f"{base}/rankings/?period=2026-{month:02d}")
        lead = page.text_content("p.lead")
        assert "第 2 版" in lead and "第 1 版" not in lead, month
    shot("league-county-user-new-version")
    assert CountyResult.objects.filter(run__in=published).count() == 9 * 12
