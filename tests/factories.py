"""factory_boy factories for the domain models."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from counties.models import (
    County,
    CountyMembership,
    DepartmentMembership,
    Exemption,
    Period,
    Submission,
    SubmissionValue,
)
from indicators.models import (
    Category,
    Department,
    Indicator,
    RuleSet,
    RuleSetCategory,
    RuleSetIndicator,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "测试"
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-only")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for role in extracted:
                group, _ = Group.objects.get_or_create(name=str(role))
                self.groups.add(group)
        if create:
            self.save()


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"35{n % 10000:04d}")
    name = factory.Sequence(lambda n: f"测试{n + 1}区")
    name_en = factory.Sequence(lambda n: f"Test District {n + 1}")
    kind = County.Kind.DISTRICT
    display_order = factory.Sequence(lambda n: n)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CountyMembership

    user = factory.SubFactory(UserFactory)
    county = factory.SubFactory(CountyFactory)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Period
        django_get_or_create = ("year", "month")

    year = 2026
    month = 10
    deadline = factory.LazyAttribute(
        lambda p: datetime.date(p.year + (p.month == 12), p.month % 12 + 1, 5)
    )
    is_open = True


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    county = factory.SubFactory(CountyFactory)
    period = factory.SubFactory(PeriodFactory)
    status = Submission.Status.DRAFT


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"cat{n}")
    name = factory.Sequence(lambda n: f"类别{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = "市统计局"
    name_en = "Statistics Bureau"


class DepartmentMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DepartmentMembership

    user = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"ind{n}")
    name = factory.Sequence(lambda n: f"指标{n}")
    name_en = factory.Sequence(lambda n: f"Indicator {n}")
    category = factory.SubFactory(CategoryFactory)
    unit = "亿元"
    kind = Indicator.Kind.FLOW
    department = factory.SubFactory(DepartmentFactory)


class SubmissionValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubmissionValue

    submission = factory.SubFactory(SubmissionFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    value = Decimal("108.0000")
    prior_value = Decimal("100.0000")


class RuleSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleSet

    year = 2026
    version = factory.Sequence(lambda n: n + 1)
    name = "2026年度县区经济发展考核办法"


class RuleSetCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleSetCategory

    ruleset = factory.SubFactory(RuleSetFactory)
    category = factory.SubFactory(CategoryFactory)
    weight = Decimal("100")


class RuleSetIndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleSetIndicator

    ruleset = factory.SubFactory(RuleSetFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    category = factory.SubFactory(
        RuleSetCategoryFactory, ruleset=factory.SelfAttribute("..ruleset")
    )
    weight = Decimal("100")
    basis = RuleSetIndicator.Basis.GROWTH
    method = RuleSetIndicator.Method.RANK_POINTS
    params = factory.LazyFunction(lambda: {"step": 0.05, "floor": 0.5})


class ExemptionFactory(factory.django.DjangoModelFactory):
    """不考核: the rule set does not score the county on the indicator (one the rule set scores:
    pass a RuleSetIndicator's ruleset and indicator)."""

    class Meta:
        model = Exemption

    ruleset = factory.SubFactory(RuleSetFactory)
    county = factory.SubFactory(CountyFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    reason = "城区无农村常住人口"


# ----------------------------------------------------------------- stored ranking results
# Engine-free: a run and its results as the recompute would store them, for page tests.


class RankingRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "rankings.RankingRun"

    period = factory.SubFactory(PeriodFactory)
    ruleset = factory.SubFactory(RuleSetFactory)
    input_checksum = factory.Sequence(lambda n: f"{n:064d}")
    status = "succeeded"
    is_current = True
    trigger = "command"
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyFunction(timezone.now)
    duration_ms = 1


class CountyResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "rankings.CountyResult"

    run = factory.SubFactory(RankingRunFactory)
    county = factory.SubFactory(CountyFactory)
    base_total = Decimal("80")
    total = Decimal("80")
    rank = 1


class CategoryResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "rankings.CategoryResult"

    run = factory.SubFactory(RankingRunFactory)
    county = factory.SubFactory(CountyFactory)
    category = factory.SubFactory(CategoryFactory)
    subtotal = Decimal("80")
    rank = 1


class IndicatorResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "rankings.IndicatorResult"

    run = factory.SubFactory(RankingRunFactory)
    county = factory.SubFactory(CountyFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    value = Decimal("110")
    prior_value = Decimal("100")
    basis = Decimal("10")
    rank = 1
    score = Decimal("40")
