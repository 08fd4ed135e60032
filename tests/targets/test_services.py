"""Targets: entry checks, all-or-nothing saves, versions after publication, sums that do not add
up, schedules, and the frame the engine's progress functions take."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from targets import selectors, services
from targets.models import Schedule, Target, TargetSet
from targets.schedules import ScheduleError, parse_schedule, schedule_text
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
def year(db, county_a, county_b):
    """2026 scores revenue (亿元, flow), firms (家, stock) and gdp growth."""
    growth = CategoryFactory(code="growth", name="主要经济指标")
    revenue = IndicatorFactory(code="revenue", name="一般公共预算收入", category=growth)
    firms = IndicatorFactory(
        code="firms", name="规上工业企业数", category=growth, unit="家", kind="stock", decimals=0
    )
    gdp = IndicatorFactory(code="gdp", name="地区生产总值", category=growth)
    ruleset = RuleSetFactory(year=2026, status="published", published_at=timezone.now())
    rc = RuleSetCategoryFactory(ruleset=ruleset, category=growth, weight=D("100"))
    for indicator, weight in ((revenue, "40"), (firms, "30"), (gdp, "30")):
        RuleSetIndicatorFactory(ruleset=ruleset, indicator=indicator, category=rc, weight=D(weight))
    return {"revenue": revenue, "firms": firms, "gdp": gdp}


def database():
    return (
        sorted(TargetSet.objects.values_list("year", "version", "status", "reason")),
        sorted(
            Target.objects.values_list(
                "target_set__version", "county__code", "indicator__code", "kind", "value"
            )
        ),
        sorted(
            Schedule.objects.values_list(
                "target_set__version", "county__code", "indicator__code", "shares"
            )
        ),
    )


def test_a_draft_takes_targets_and_reports_sums_that_do_not_add_up(
    year, reviewer, county_a, county_b
):
    draft = services.target_set_start(year=2026, user=reviewer)
    summary = services.targets_save(
        target_set=draft,
        entries=[
            TargetEntry(county_a.code, "revenue", "value", D("5.2")),
            TargetEntry(county_b.code, "revenue", "value", D("7")),
            TargetEntry(None, "revenue", "value", D("12.3")),
            TargetEntry(county_a.code, "gdp", "growth", D("6.5")),
            TargetEntry(None, "gdp", "growth", D("6")),
        ],
        schedules=[ScheduleEntry("revenue", None, parse_schedule("20/45/70/100"))],
        user=reviewer,
        channel="grid",
    )
    assert summary.changed == 5 and summary.schedules == 1
    (mismatch,) = summary.mismatches  # 5.2 + 7 = 12.2, not the city's 12.3
    assert (mismatch.indicator.code, mismatch.city, mismatch.counties) == (
        "revenue",
        D("12.3"),
        D("12.2"),
    )
    frame = selectors.targets_frame(draft).set_index(["county", "indicator"])
    assert frame.loc[(county_a.code, "revenue"), "target"] == 5.2
    assert frame.loc[(selectors.CITY_CODE, "gdp"), "target_kind"] == "growth"
    schedule = frame.loc[(county_a.code, "revenue"), "schedule"]
    assert schedule[5] == pytest.approx(0.45) and schedule[11] == 1.0
    assert frame.loc[(county_a.code, "gdp"), "schedule"] is None
    # the sum adds up once the city's figure is 12.2; growth targets are never summed
    services.targets_save(
        target_set=draft,
        entries=[TargetEntry(None, "revenue", "value", D("12.2"))],
        user=reviewer,
        channel="grid",
    )
    assert selectors.sum_mismatches(draft) == []
    record = Target.history.filter(county__isnull=True, indicator__code="revenue").first()
    assert (record.history_change_reason, record.history_user) == ("grid", reviewer)


@pytest.mark.parametrize(
    "entry, message",
    [
        (TargetEntry("369901", "revenue", "value", D("-1")), "不能为负数"),
        (TargetEntry("369901", "revenue", "value", D("1.23456")), "最多保留 4 位小数"),
        (TargetEntry("369901", "revenue", "value", D("1e20")), "过大"),
        (TargetEntry("369901", "firms", "value", D("10.5")), "应为整数"),
        (TargetEntry("369901", "gdp", "growth", D("1001")), "目标增速应在"),
        (TargetEntry("369901", "gdp", "growth", D("-100.5")), "目标增速应在"),
        (TargetEntry("369901", "nope", "value", D("1")), "不在本年度考核指标中"),
        (TargetEntry("999999", "gdp", "value", D("1")), "不是本市的县区"),
        (TargetEntry("369901", "gdp", "percent", D("1")), "目标类型"),
    ],
)
def test_bad_targets_save_nothing_and_say_what_and_where(year, reviewer, entry, message):
    draft = services.target_set_start(year=2026, user=reviewer)
    good = TargetEntry(None, "gdp", "growth", D("6.5"))
    before = database()
    with pytest.raises(services.TargetsInvalid) as caught:
        services.targets_save(
            target_set=draft, entries=[good, entry], user=reviewer, channel="grid"
        )
    (issue,) = caught.value.issues
    assert message in issue.message and (issue.county, issue.indicator) == (
        entry.county,
        entry.indicator,
    )
    assert database() == before


@pytest.mark.parametrize(
    "indicator, shares, message",
    [
        ("revenue", [D(10)] * 12, "100%"),
        ("revenue", [D(50), D(40)] + [D(100)] * 10, "不能比上个月小"),
        ("firms", parse_schedule("25/50/75/100"), "只有累计值指标"),
    ],
)
def test_bad_schedules_save_nothing(year, reviewer, indicator, shares, message):
    draft = services.target_set_start(year=2026, user=reviewer)
    before = database()
    with pytest.raises(services.TargetsInvalid) as caught:
        services.targets_save(
            target_set=draft,
            entries=[],
            schedules=[ScheduleEntry(indicator, None, shares)],
            user=reviewer,
            channel="grid",
        )
    assert message in caught.value.issues[0].message
    assert database() == before


def test_schedules_read_as_people_write_them():
    assert parse_schedule("") is None
    quarters = parse_schedule("20／45／70／100")  # full-width slashes
    assert quarters[:3] == [D("6.6667"), D("13.3333"), D("20")] and quarters[5] == D("45")
    assert schedule_text(quarters) == "20/45/70/100"
    months = parse_schedule(" ".join(str(m * 8) for m in range(1, 12)) + " 100")
    assert months[0] == D(8) and schedule_text(months).count("/") == 11
    for bad in ("20/45/abc/100", "10/20/30", "20/45/70/90"):
        with pytest.raises(ScheduleError):
            parse_schedule(bad)


def test_published_targets_change_only_in_a_new_version_with_a_reason(year, reviewer, county_a):
    draft = services.target_set_start(year=2026, user=reviewer)
    services.targets_save(
        target_set=draft,
        entries=[TargetEntry(county_a.code, "gdp", "growth", D("6.5"))],
        user=reviewer,
        channel="grid",
    )
    first = services.target_set_publish(target_set=draft, user=reviewer)
    assert selectors.published_target_set(2026) == first
    with pytest.raises(ValidationError, match="已发布"):
        services.targets_save(
            target_set=first,
            entries=[TargetEntry(county_a.code, "gdp", "growth", D("7"))],
            user=reviewer,
            channel="grid",
        )
    with pytest.raises(ValidationError):
        services.target_set_start(year=2026, user=reviewer)
    with pytest.raises(ValidationError, match="原因"):
        services.target_set_new_version(year=2026, reason=" ", user=reviewer)
    second = services.target_set_new_version(year=2026, reason="省里调整了 GDP 目标", user=reviewer)
    assert (second.version, second.status, second.reason) == (2, "draft", "省里调整了 GDP 目标")
    assert list(second.targets.values_list("value", flat=True)) == [D("6.5")]
    services.targets_save(
        target_set=second,
        entries=[TargetEntry(county_a.code, "gdp", "growth", D("7"))],
        user=reviewer,
        channel="grid",
    )
    assert selectors.published_target_set(2026) == first  # the draft is not in force
    services.target_set_publish(target_set=second, user=reviewer)
    assert selectors.published_target_set(2026).version == 2
    assert list(first.targets.values_list("value", flat=True)) == [D("6.5")]  # kept as it was


def test_only_admins_and_reviewers_write_targets(year, leader, reporter_a):
    for user in (leader, reporter_a):
        with pytest.raises(PermissionDenied):
            services.target_set_start(year=2026, user=user)
    assert TargetSet.objects.count() == 0


def test_an_empty_draft_cannot_be_published(year, reviewer):
    draft = services.target_set_start(year=2026, user=reviewer)
    with pytest.raises(ValidationError, match="还没有任何目标"):
        services.target_set_publish(target_set=draft, user=reviewer)
