"""Rank-stability analyses (排名稳定性分析): what a new analysis may use, and the jobs to show."""

from __future__ import annotations

from django.db.models import Exists, Max, OuterRef, QuerySet

from counties.models import Period, Submission
from indicators.models import RuleSet

from ..models import RankingRun, StabilityJob


def stability_rulesets() -> QuerySet[RuleSet]:
    """Rule sets an analysis may use: published and draft, newest first."""
    return RuleSet.objects.order_by("-year", "-version")


def stability_periods() -> QuerySet[Period]:
    """Periods with at least one approved submission, newest first."""
    approved = Submission.objects.filter(period=OuterRef("pk"), status=Submission.Status.APPROVED)
    return Period.objects.filter(Exists(approved)).order_by("-year", "-month")


def stability_period_default() -> Period | None:
    """The period a stability analysis starts on: the newest whose current ranking scored as
    many counties as any (the open month, with counties still reporting, is a poor picture);
    without rankings the newest period with approved data."""
    runs = RankingRun.objects.filter(is_current=True)
    most = runs.aggregate(most=Max("counties_scored"))["most"]
    run = (
        runs.filter(counties_scored=most, period__in=stability_periods())
        .select_related("period")
        .order_by("-period__year", "-period__month")
        .first()
    )
    return run.period if run is not None else stability_periods().first()


def stability_jobs_recent(limit: int = 10) -> list[StabilityJob]:
    return list(
        StabilityJob.objects.select_related("ruleset", "period", "created_by").defer("result")[
            :limit
        ]
    )
