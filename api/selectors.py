"""Reads of the API: what each endpoint lists, as querysets with what their serializers need
joined in. Who may see which rows is decided in api/access.py (the apps' access modules)."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Prefetch, QuerySet
from knox.models import AuthToken

from counties.models import County, Period
from indicators.models import Indicator
from rankings.models import (
    CategoryResult,
    CountyResult,
    IndicatorResult,
    ProgressResult,
    RankingRun,
)
from scorecard.roles import AnyUser
from supervision.models import Bulletin
from targets.models import Target

from . import access


def counties(user: AnyUser) -> QuerySet[County]:
    return access.counties_listed_to(user).order_by("display_order", "code")


def indicators(user: AnyUser) -> QuerySet[Indicator]:
    return (
        access.indicators_listed_to(user)
        .select_related("category")
        .order_by("category__display_order", "display_order", "code")
    )


def periods(user: AnyUser) -> QuerySet[Period]:
    return access.periods_listed_to(user).order_by("-year", "-month")


def runs(user: AnyUser) -> QuerySet[RankingRun]:
    return (
        access.runs_readable(user)
        .select_related("period", "ruleset", "target_set")
        .order_by("-period__year", "-period__month", "-published_at", "-pk")
    )


def county_results(user: AnyUser) -> QuerySet[CountyResult]:
    """Results of every run the user may read, with the runs' category subtotals; which run
    of a period a list shows is the filter's business (api.filters.RunRowsFilterSet)."""
    categories = CategoryResult.objects.select_related("category").order_by(
        "category__display_order", "category__code"
    )
    return (
        CountyResult.objects.filter(run__in=access.runs_readable(user))
        .select_related("run__period", "run__ruleset", "county")
        .prefetch_related(Prefetch("run__category_results", queryset=categories))
        .order_by("-run__period__year", "-run__period__month", "rank", "county__display_order")
    )


# rows of a run per indicator and county: newest period first, then as the pages list them
BY_PERIOD_INDICATOR_COUNTY = (
    "-run__period__year",
    "-run__period__month",
    "indicator__category__display_order",
    "indicator__display_order",
    "county__display_order",
    "pk",
)


def indicator_results(user: AnyUser) -> QuerySet[IndicatorResult]:
    return (
        IndicatorResult.objects.filter(run__in=access.runs_readable(user))
        .select_related("run__period", "county", "indicator")
        .order_by(*BY_PERIOD_INDICATOR_COUNTY)
    )


def progress(user: AnyUser) -> QuerySet[ProgressResult]:
    return (
        ProgressResult.objects.filter(run__in=access.runs_readable(user))
        .select_related("run__period", "county", "indicator")
        .order_by(*BY_PERIOD_INDICATOR_COUNTY)
    )


def targets(user: AnyUser) -> QuerySet[Target]:
    return (
        access.targets_visible_to(user)
        .select_related("target_set", "county", "indicator")
        .order_by(
            "-target_set__year",
            "-target_set__version",
            "indicator__category__display_order",
            "indicator__display_order",
            "county__display_order",
            "pk",
        )
    )


def bulletins(user: AnyUser) -> QuerySet[Bulletin]:
    return access.bulletins_readable(user).select_related("period").order_by("-year", "-number")


def tokens_of(user: User) -> QuerySet[AuthToken]:
    """The user's own tokens, newest first, with their names."""
    return AuthToken.objects.filter(user=user).select_related("label").order_by("-created")
