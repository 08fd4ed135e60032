"""A small scored city: three ranked counties and a zone, two indicators, a published rule set."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from counties.models import County, Period
from rankings.models import BonusItem, RankingRun
from tests.factories import (
    CategoryFactory,
    CountyFactory,
    IndicatorFactory,
    PeriodFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
    SubmissionFactory,
    SubmissionValueFactory,
)

# county code -> (gdp value, gdp prior, retail value, retail prior)
FIGURES = {
    "369901": ("110", "100", "52", "50"),  # gdp +10.0%, retail +4.0%
    "369902": ("105", "100", "55", "50"),  # gdp +5.0%,  retail +10.0%
    "369903": ("102", "100", "51", "50"),  # gdp +2.0%,  retail +2.0%
    "369971": ("130", "100", "60", "50"),  # the zone: +30%, +20%, never ranked
}


@pytest.fixture
def city(db):
    counties = {
        "369901": CountyFactory(code="369901", name="东城区", display_order=1),
        "369902": CountyFactory(code="369902", name="西城区", display_order=2),
        "369903": CountyFactory(code="369903", name="南山县", kind="county", display_order=3),
        "369971": CountyFactory(
            code="369971", name="高新区", kind="zone", is_ranked=False, display_order=9
        ),
    }
    growth = CategoryFactory(code="growth", name="主要经济指标")
    gdp = IndicatorFactory(code="gdp", name="地区生产总值", category=growth)
    retail = IndicatorFactory(code="retail", name="社会消费品零售总额", category=growth)
    ruleset = RuleSetFactory(
        year=2026,
        version=1,
        status="published",
        published_at=timezone.now(),
        bonus_cap=Decimal("5"),
        penalty_cap=Decimal("5"),
    )
    rc = RuleSetCategoryFactory(ruleset=ruleset, category=growth, weight=Decimal("100"))
    for indicator, weight in ((gdp, "60"), (retail, "40")):
        RuleSetIndicatorFactory(
            ruleset=ruleset,
            indicator=indicator,
            category=rc,
            weight=Decimal(weight),
            basis="growth",
            decimals=1,
            method="rank_points",
            params={"step": 0.1, "floor": 0.5},
        )
    september = PeriodFactory(year=2026, month=9)
    october = PeriodFactory(year=2026, month=10)
    now = timezone.now()
    for period in (september, october):
        for code, (g, gp, r, rp) in FIGURES.items():
            submission = SubmissionFactory(
                county=counties[code],
                period=period,
                status="approved",
                submitted_at=now,
                reviewed_at=now,
            )
            SubmissionValueFactory(
                submission=submission, indicator=gdp, value=Decimal(g), prior_value=Decimal(gp)
            )
            SubmissionValueFactory(
                submission=submission,
                indicator=retail,
                value=Decimal(r),
                prior_value=Decimal(rp),
            )
    return {
        "counties": counties,
        "gdp": gdp,
        "retail": retail,
        "ruleset": ruleset,
        "september": september,
        "october": october,
    }


@pytest.fixture
def demo_city(db):
    """The demo city loaded and every period scored, with a few bonus and penalty items added
    in 2026-09 (one county over the cap of 5 points); the current runs."""
    call_command("load_demo_city", verbosity=0, force=True)
    # the demo has no bonus or penalty items: add some, one part over the rule set's cap of 5
    september = Period.objects.get(year=2026, month=9)
    first, second = County.objects.filter(is_ranked=True).order_by("display_order")[:2]
    for county, points in ((first, "3"), (first, "4"), (first, "-1"), (second, "-2.5")):
        BonusItem.objects.create(
            county=county, period=september, points=Decimal(points), reason="测试"
        )
    call_command("recompute_rankings", all=True, verbosity=0)
    return list(RankingRun.objects.filter(is_current=True).select_related("ruleset", "period"))


@pytest.fixture
def targets(city, reviewer):
    """The year's targets, published: growth targets for GDP, value targets for retail sales,
    for the counties and the city."""
    from targets import services as target_services
    from targets.services import TargetEntry

    D = Decimal
    draft = target_services.target_set_start(year=2026, user=reviewer)
    entries = [TargetEntry(code, "gdp", "growth", D("6")) for code in city["counties"]]
    entries += [
        TargetEntry(None, "gdp", "growth", D("6.5")),
        TargetEntry("369901", "retail", "value", D("120")),
        TargetEntry(None, "retail", "value", D("250")),
    ]
    target_services.targets_save(target_set=draft, entries=entries, user=reviewer, channel="grid")
    return target_services.target_set_publish(target_set=draft, user=reviewer)
