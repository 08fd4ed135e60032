"""Shared by the targets page and workbook tests: a year whose rules score four indicators, a
cast by name, and a checksum of everything a targets write could change."""

from decimal import Decimal

import pytest
from django.utils import timezone

from targets import services
from targets.models import Schedule, Target, TargetSet
from targets.services import ScheduleEntry, TargetEntry
from tests.factories import (
    CategoryFactory,
    IndicatorFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
)

D = Decimal


@pytest.fixture
def targets_year(db, county_a, county_b, period):
    """2026 scores revenue (亿元, flow) and firms (家, stock) on their values, gdp and invest on
    their growth; the latest period is October 2026."""
    economy = CategoryFactory(code="economy", name="主要经济指标", display_order=1)
    enterprise = CategoryFactory(code="enterprise", name="市场主体", display_order=2)
    revenue = IndicatorFactory(
        code="revenue", name="一般公共预算收入", category=economy, display_order=1
    )
    gdp = IndicatorFactory(code="gdp", name="地区生产总值", category=economy, display_order=2)
    invest = IndicatorFactory(code="invest", name="固定资产投资", category=economy, display_order=3)
    firms = IndicatorFactory(
        code="firms",
        name="规上工业企业数",
        category=enterprise,
        unit="家",
        kind="stock",
        decimals=0,
        display_order=1,
    )
    ruleset = RuleSetFactory(year=2026, status="published", published_at=timezone.now())
    for category, rules in ((economy, (revenue, gdp, invest)), (enterprise, (firms,))):
        rc = RuleSetCategoryFactory(ruleset=ruleset, category=category, weight=D("50"))
        for indicator in rules:
            basis = "value" if indicator.code in ("revenue", "firms") else "growth"
            RuleSetIndicatorFactory(
                ruleset=ruleset, indicator=indicator, category=rc, weight=D("50"), basis=basis
            )
    return {"revenue": revenue, "gdp": gdp, "invest": invest, "firms": firms}


@pytest.fixture
def cast(admin_user, reviewer, leader, reporter_a, reporter_b):
    return {
        "admin": admin_user,
        "reviewer": reviewer,
        "leader": leader,
        "reporter_a": reporter_a,
        "reporter_b": reporter_b,
        "anonymous": None,
    }


@pytest.fixture
def draft(targets_year, reviewer, county_a, county_b):
    """2026's first draft: revenue for both counties and the city, gdp growth, a schedule."""
    target_set = services.target_set_start(year=2026, user=reviewer)
    services.targets_save(
        target_set=target_set,
        entries=[
            TargetEntry(county_a.code, "revenue", "value", D("5.2")),
            TargetEntry(county_b.code, "revenue", "value", D("7")),
            TargetEntry(None, "revenue", "value", D("12.2")),
            TargetEntry(county_a.code, "gdp", "growth", D("6.5")),
            TargetEntry(county_b.code, "gdp", "growth", D("7")),
            TargetEntry(None, "gdp", "growth", D("6.8")),
            TargetEntry(county_a.code, "firms", "value", D("120")),
        ],
        schedules=[
            ScheduleEntry("revenue", None, [D(p) for p in _quarters()]),
            ScheduleEntry("invest", county_b.code, [D(8 * m) for m in range(1, 12)] + [D(100)]),
        ],
        user=reviewer,
        channel="grid",
    )
    return target_set


def _quarters():
    from targets.schedules import parse_schedule

    return parse_schedule("20/45/70/100")


@pytest.fixture
def published_and_draft(draft, reviewer):
    """Version 1 published, version 2 a draft for a reason."""
    services.target_set_publish(target_set=draft, user=reviewer)
    return draft, services.target_set_new_version(year=2026, reason="省里调整目标", user=reviewer)


def state():
    """Everything a targets write could change, history included."""

    def rows(queryset, *fields):
        return sorted(tuple(str(v) for v in row) for row in queryset.values_list(*fields))

    return (
        rows(TargetSet.objects, "id", "year", "version", "status", "reason", "published_at"),
        rows(Target.objects, "target_set_id", "county__code", "indicator__code", "kind", "value"),
        rows(Schedule.objects, "target_set_id", "county__code", "indicator__code", "shares"),
        rows(TargetSet.history, "history_id"),
        rows(Target.history, "history_id"),
        rows(Schedule.history, "history_id"),
    )


@pytest.fixture
def checksum():
    return state
