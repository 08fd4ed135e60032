"""The stored ranking runs a user may read (rankings.access.runs_visible decides which), and
whether each period's ranking is complete.

A period's ranking is complete when every county the rules rank has a place in it (every one
has approved data and a total), or when the period is closed (a county that never reported
stays missing for good). Ranking pages open on the newest complete ranking; a newer one in
progress is one click away and labelled with how many counties it ranks so far.
"""

from __future__ import annotations

from dataclasses import dataclass

from counties.models import County, Period
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


def run_is_complete(run: RankingRun) -> bool:
    """Complete: the period is closed, or every county the rules rank has a place."""
    return not run.period.is_open or run.counties_ranked >= run.counties_expected


def run_missing_counties(run: RankingRun) -> list[County]:
    """The counties the rules rank that have no place in the run (no approved data, too many
    missing indicators), in display order."""
    return [
        r.county
        for r in run.county_results.filter(rank__isnull=True)
        .select_related("county")
        .order_by("county__display_order", "county__code")
        if "not_ranked" not in r.flags
    ]


@dataclass(frozen=True)
class RankedPeriod:
    """A period with the run the user sees, and how complete that ranking is."""

    period: Period
    run: RankingRun
    ranked: int  # counties with a place
    expected: int  # counties the rules rank
    complete: bool


def ranked_periods(user: AnyUser) -> list[RankedPeriod]:
    """Every period with a visible run, newest first, with its completeness. One query."""
    seen: dict[int, RankedPeriod] = {}
    runs = runs_visible(user).select_related("period", "ruleset")
    for run in runs:
        if run.period_id in seen:
            continue  # county users: the latest published run of the period comes first
        seen[run.period_id] = RankedPeriod(
            period=run.period,
            run=run,
            ranked=run.counties_ranked,
            expected=run.counties_expected,
            complete=run_is_complete(run),
        )
    return sorted(seen.values(), key=lambda r: (r.period.year, r.period.month), reverse=True)


def default_ranked_period(periods: list[RankedPeriod]) -> RankedPeriod | None:
    """The period a ranking page opens on: the newest complete one, else the newest."""
    return next((p for p in periods if p.complete), periods[0] if periods else None)
