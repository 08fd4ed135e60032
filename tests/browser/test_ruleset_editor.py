"""An admin makes a new version of the year's rules, changes weights (first so that they do not
add up, and sees by how much), previews the effect on October's ranking and publishes."""

from decimal import Decimal

import pytest

from indicators.models import RuleSet, RuleSetIndicator
from rankings import services, tasks
from rankings.models import CountyResult, RankingRun
from tests.browser.conftest import login
from tests.rankings.conftest import city  # noqa: F401 - the small scored city

pytestmark = pytest.mark.django_db(transaction=True)


def test_admin_changes_a_weight_previews_and_publishes_a_new_version(
    page,
    live_server,
    city,  # noqa: F811
    admin_user,
    shot,
    monkeypatch,
):
    queued = []
    monkeypatch.setattr(tasks.recompute, "apply_async", lambda *a, **kw: queued.append(kw))
    services.ranking_recompute(period=city["october"], trigger="command")
    stored = CountyResult.objects.count(), RankingRun.objects.count()
    page.on("dialog", lambda dialog: dialog.accept())

    login(page, live_server.url, "admin")
    page.click("nav >> text=考核规则")
    page.wait_for_selector("table.rulesets")
    shot("rules-list")
    page.click("table.rulesets >> text=新建版本")
    page.wait_for_selector("h1:has-text('2026 年第 2 版')")
    draft = RuleSet.objects.get(year=2026, version=2)
    assert draft.status == "draft"

    # A weight that does not add up: the running total says by how much while typing ...
    page.fill("input[name=ind-gdp-weight]", "50")
    balance = page.locator("tbody[data-category=growth] [data-balance]")
    assert balance.text_content() == (
        "“主要经济指标”各指标权重合计 90 分，应等于类别权重 100 分（少了 10 分）"
    )
    assert page.text_content("tbody[data-category=growth] [data-sum]") == "90"
    shot("rules-editor-off-balance")
    # ... and the server refuses to save it, with the same words next to the category.
    page.click("#save")
    page.wait_for_selector(".rule-error")
    assert "少了 10 分" in page.text_content("tbody[data-category=growth] .rule-error")
    assert RuleSetIndicator.objects.get(ruleset=draft, indicator__code="gdp").weight == 60

    # A change and a compensating one: the totals hold.
    page.fill("input[name=ind-gdp-weight]", "20")
    page.fill("input[name=ind-retail-weight]", "80")
    assert balance.text_content() == ""
    assert page.text_content("#grand-balance") == ""

    page.select_option("#preview-period", "2026-10")
    page.click("#preview")
    page.wait_for_selector("#whatif table.whatif-table")
    shot("rules-whatif-preview")
    west = page.locator("#whatif tr[data-county='369902']")
    east = page.locator("#whatif tr[data-county='369901']")
    assert west.locator("td.change").text_content() == "↑1"
    assert east.locator("td.change").text_content() == "↓1"
    assert (CountyResult.objects.count(), RankingRun.objects.count()) == stored
    assert RuleSetIndicator.objects.get(ruleset=draft, indicator__code="gdp").weight == 60
    assert page.input_value("input[name=ind-gdp-weight]") == "20"  # the edits are still there

    page.click("#publish")
    page.wait_for_selector("text=已发布 2026 年第 2 版")
    shot("rules-published")
    draft.refresh_from_db()
    assert draft.is_published and draft.published_by == admin_user
    weights = dict(
        RuleSetIndicator.objects.filter(ruleset=draft).values_list("indicator__code", "weight")
    )
    assert weights == {"gdp": Decimal("20"), "retail": Decimal("80")}
    assert queued and queued[0]["kwargs"]["trigger"] == "ruleset"
    assert page.locator("#save").count() == 0  # read-only from now on
