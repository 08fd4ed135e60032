"""A small scored city for the API's tests, built by `build_world()`:

- counties 369901, 369902, 369903 (ranked) and the zone 369971; indicators gdp and retail;
- the 2026 rules published; targets version 1 published and version 2 a draft;
- September and October approved, ranked and published; then October recomputed: its newer
  current run is unpublished, so county users still see October's published run;
- bulletins: September's issued, October's a draft (written directly, without charts);
- users: reporter_a (369901), reporter_b (369902), reviewer, leader, admin, a department
  reporter (when the role exists), a user without a role.
"""

from __future__ import annotations

from decimal import Decimal

from django.test import override_settings
from django.utils import timezone

from rankings import services as ranking_services
from rankings.models import RankingRun
from scorecard.roles import Role
from supervision.models import Bulletin
from targets import services as target_services
from targets.services import TargetEntry
from tests.factories import (
    CategoryFactory,
    CountyFactory,
    IndicatorFactory,
    MembershipFactory,
    PeriodFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
    SubmissionFactory,
    SubmissionValueFactory,
    UserFactory,
)

D = Decimal
# county code -> (gdp value, gdp prior, retail value, retail prior)
FIGURES = {
    "369901": ("110", "100", "52", "50"),
    "369902": ("105", "100", "55", "50"),
    "369903": ("102", "100", "51", "50"),
    "369971": ("130", "100", "60", "50"),
}


def build_world() -> dict:
    # the users' passwords hashed the quick way: Django's PBKDF2 takes half a second each
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        return _build_world()


def _build_world() -> dict:
    counties = {
        "369901": CountyFactory(code="369901", name="东城区", display_order=1),
        "369902": CountyFactory(code="369902", name="西城区", display_order=2),
        "369903": CountyFactory(code="369903", name="南山县", kind="county", display_order=3),
        "369971": CountyFactory(
            code="369971", name="高新区", kind="zone", is_ranked=False, display_order=9
        ),
    }
    users = {
        "reporter_a": UserFactory(username="api_reporter_a", roles=[Role.REPORTER]),
        "reporter_b": UserFactory(username="api_reporter_b", roles=[Role.REPORTER]),
        "reviewer": UserFactory(username="api_reviewer", roles=[Role.REVIEWER]),
        "leader": UserFactory(username="api_leader", roles=[Role.LEADER]),
        "admin": UserFactory(
            username="api_admin", is_staff=True, is_superuser=True, roles=[Role.ADMIN]
        ),
        "norole": UserFactory(username="api_norole"),
        "department": UserFactory(username="api_department", roles=[Role.DEPARTMENT]),
    }
    MembershipFactory(user=users["reporter_a"], county=counties["369901"])
    MembershipFactory(user=users["reporter_b"], county=counties["369902"])
    growth = CategoryFactory(code="growth", name="主要经济指标")
    gdp = IndicatorFactory(code="gdp", name="地区生产总值", category=growth, unit="亿元")
    retail = IndicatorFactory(code="retail", name="社会消费品零售总额", category=growth)
    ruleset = RuleSetFactory(
        year=2026,
        version=1,
        status="published",
        published_at=timezone.now(),
        bonus_cap=D("5"),
        penalty_cap=D("5"),
    )
    rc = RuleSetCategoryFactory(ruleset=ruleset, category=growth, weight=D("100"))
    for indicator, weight in ((gdp, "60"), (retail, "40")):
        RuleSetIndicatorFactory(
            ruleset=ruleset,
            indicator=indicator,
            category=rc,
            weight=D(weight),
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
                submission=submission, indicator=gdp, value=D(g), prior_value=D(gp)
            )
            SubmissionValueFactory(
                submission=submission, indicator=retail, value=D(r), prior_value=D(rp)
            )
    reviewer = users["reviewer"]
    draft = target_services.target_set_start(year=2026, user=reviewer)
    entries = [TargetEntry(code, "gdp", "growth", D("6")) for code in counties]
    entries += [
        TargetEntry(None, "gdp", "growth", D("6.5")),
        TargetEntry("369901", "retail", "value", D("120")),
        TargetEntry("369902", "retail", "value", D("130")),
        TargetEntry(None, "retail", "value", D("250")),
    ]
    target_services.targets_save(target_set=draft, entries=entries, user=reviewer, channel="grid")
    targets_v1 = target_services.target_set_publish(target_set=draft, user=reviewer)
    targets_v2 = target_services.target_set_new_version(year=2026, reason="年中调整", user=reviewer)
    runs = {}
    for period in (september, october):
        ranking_services.ranking_recompute(period=period, trigger="command")
        run = RankingRun.objects.get(period=period, is_current=True)
        runs[period.month] = ranking_services.ranking_publish(run=run, user=reviewer)
    ranking_services.ranking_recompute(period=october, trigger="command", force=True)
    october_new = RankingRun.objects.get(period=october, is_current=True)
    assert october_new.pk != runs[10].pk and not october_new.is_published
    # written directly: drafting composes the bulletin's charts (matplotlib), which the API's
    # tests do not read
    issued = Bulletin.objects.create(
        period=september,
        run=runs[9],
        year=2026,
        number=1,
        text="现将2026年1-9月全市各县区经济发展考核情况通报如下。",
        drafted_by=reviewer,
        status=Bulletin.Status.ISSUED,
        issued_at=now,
        issued_by=reviewer,
    )
    drafted = Bulletin.objects.create(
        period=october, run=runs[10], year=2026, number=2, text="草稿", drafted_by=reviewer
    )
    return {
        "counties": counties,
        "users": users,
        "gdp": gdp,
        "retail": retail,
        "ruleset": ruleset,
        "september": september,
        "october": october,
        "run_september": runs[9],
        "run_october_published": runs[10],
        "run_october_current": october_new,
        "targets_v1": targets_v1,
        "targets_v2": targets_v2,
        "bulletin_issued": issued,
        "bulletin_draft": drafted,
    }
