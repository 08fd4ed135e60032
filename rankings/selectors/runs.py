"""Which stored ranking runs a user may read: the one rule every ranking page follows."""

from __future__ import annotations

from counties.models import Period
from scorecard.roles import AnyUser

from ..access import runs_visible
from ..models import RankingRun


def run_visible(period: Period, user: AnyUser) -> RankingRun | None:
    """The run of the period the user sees (see runs_visible)."""
    return runs_visible(user).filter(period=period).select_related("ruleset").first()


def periods_with_rankings(user: AnyUser) -> list[Period]:
    return list(
        Period.objects.filter(ranking_runs__in=runs_visible(user))
        .distinct()
        .order_by("-year", "-month")
    )


def runs_visible_in_year(year: int, user: AnyUser) -> dict[int, RankingRun]:
    """Period id -> the run the user sees, for the year's periods (one query)."""
    runs = runs_visible(user).filter(period__year=year)
    by_period: dict[int, RankingRun] = {}
    for run in runs.select_related("period", "ruleset"):
        by_period.setdefault(run.period_id, run)  # the latest published one comes first
    return by_period


def years_with_rankings(user: AnyUser) -> list[int]:
    years = runs_visible(user).order_by().values_list("period__year", flat=True)
    return sorted(set(years), reverse=True)
