"""A county reporter fills and submits a month; a reviewer approves it."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from counties.models import Submission
from tests.browser.conftest import login
from tests.factories import (
    CategoryFactory,
    IndicatorFactory,
    PeriodFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def month(county_a):
    growth = CategoryFactory(code="growth", name="主要经济指标")
    gdp = IndicatorFactory(code="gdp", name="地区生产总值", category=growth)
    retail = IndicatorFactory(code="retail", name="社会消费品零售总额", category=growth)
    ruleset = RuleSetFactory(year=2026, status="published", published_at=timezone.now())
    rc = RuleSetCategoryFactory(ruleset=ruleset, category=growth, weight=Decimal("100"))
    RuleSetIndicatorFactory(ruleset=ruleset, indicator=gdp, category=rc, weight=Decimal("60"))
    RuleSetIndicatorFactory(ruleset=ruleset, indicator=retail, category=rc, weight=Decimal("40"))
    return PeriodFactory(year=2026, month=10)


def test_reporter_fills_and_submits_and_reviewer_approves(
    page, live_server, month, county_a, reporter_a, reviewer, shot
):
    base = live_server.url
    login(page, base, "reporter_a")
    page.click("text=未报送")  # the October cell of the reporter's home page
    page.wait_for_load_state("load")  # the form's script is in place
    page.fill("#value_gdp", "３３０.５")  # full-width digits, as officials type them
    page.fill("input[name=prior_gdp]", "300")
    # growth shown while typing (the script updates it on the input event: wait for it)
    expect(page.locator("[data-growth-for=gdp]")).to_have_text("10.2")
    page.fill("#value_retail", "1,20.0".replace(",", ""))
    page.fill("input[name=prior_retail]", "100")
    shot("entry-filled")
    page.click("button[value=submit]")
    page.wait_for_selector("text=数据已报送市统计局")
    shot("entry-submitted")
    submission = Submission.objects.get(county=county_a, period=month)
    assert submission.status == "submitted"
    assert submission.values.get(indicator__code="gdp").value == Decimal("330.5")

    page.click("text=退出")
    login(page, base, "reviewer")
    page.click(f"text={county_a.name}")
    page.click("text=审核通过")
    page.wait_for_selector("text=已审核通过")
    shot("review-approved")
    submission.refresh_from_db()
    assert submission.status == "approved" and submission.reviewed_by == reviewer


def test_league_table_sorts_by_any_column(page, live_server, leader, shot):
    """Click a category column: the best subtotal comes first; click again: the worst."""
    from rankings import services
    from tests.factories import CountyFactory, SubmissionFactory, SubmissionValueFactory

    growth = CategoryFactory(code="growth", name="主要经济指标")
    gdp = IndicatorFactory(code="gdp", name="地区生产总值", category=growth)
    ruleset = RuleSetFactory(year=2026, status="published", published_at=timezone.now())
    rc = RuleSetCategoryFactory(ruleset=ruleset, category=growth, weight=Decimal("100"))
    RuleSetIndicatorFactory(ruleset=ruleset, indicator=gdp, category=rc, weight=Decimal("100"))
    period = PeriodFactory(year=2026, month=10)
    now = timezone.now()
    for i, (name, value) in enumerate([("甲区", "105"), ("乙区", "112"), ("丙区", "101")]):
        county = CountyFactory(code=f"36990{i}", name=name, display_order=i)
        submission = SubmissionFactory(
            county=county, period=period, status="approved", submitted_at=now, reviewed_at=now
        )
        SubmissionValueFactory(
            submission=submission, indicator=gdp, value=Decimal(value), prior_value=Decimal("100")
        )
    services.ranking_recompute(period=period, trigger="command")
    login(page, live_server.url, "leader")
    page.goto(f"{live_server.url}/rankings/")

    def names():
        return page.locator("table.league tbody th[scope=row]").all_text_contents()

    assert names() == ["乙区", "甲区", "丙区"]
    page.click("table.league thead th:has-text('县区')")
    assert names() == ["甲区", "乙区", "丙区"]  # by display order
    page.click("table.league thead th:has-text('总分')")
    assert names() == ["乙区", "甲区", "丙区"]  # best total first
    page.click("table.league thead th:has-text('总分')")
    assert names() == ["丙区", "甲区", "乙区"]
    shot("league-sorted")
