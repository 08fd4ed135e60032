"""A county reporter fills and submits a month; a reviewer approves it."""

from decimal import Decimal

import pytest
from django.utils import timezone

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
    page.fill("#value_gdp", "３３０.５")  # full-width digits, as officials type them
    page.fill("input[name=prior_gdp]", "300")
    assert page.text_content("[data-growth-for=gdp]") == "10.2"  # growth shown while typing
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
