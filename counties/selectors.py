"""Reads for counties and submissions. Every query starts from what the user may see (access)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from .access import AnyUser, counties_visible_to
from .models import County, Period, Submission


@dataclass(frozen=True)
class StatusRow:
    county: County
    cells: list[Submission | None]  # one per period, in the order asked; None: nothing yet


def period_latest() -> Period | None:
    """The most recent period that has begun (its month is the latest one set up)."""
    return Period.objects.order_by("-year", "-month").first()


def periods_recent(limit: int = 6) -> list[Period]:
    return list(Period.objects.order_by("-year", "-month")[:limit])


def submission_status_board(*, user: AnyUser, periods: list[Period]) -> list[StatusRow]:
    """Counties the user may see x the given periods, with each submission or None.

    Two queries whatever the number of counties and periods.
    """
    counties = list(counties_visible_to(user).order_by("display_order", "code"))
    submissions = Submission.objects.filter(county__in=counties, period__in=periods).only(
        "id", "county_id", "period_id", "status", "is_late", "submitted_at", "reviewed_at"
    )
    by_key = {(s.county_id, s.period_id): s for s in submissions}
    return [
        StatusRow(county=c, cells=[by_key.get((c.id, p.id)) for p in periods]) for c in counties
    ]


def period_status_counts(*, user: AnyUser, period: Period) -> dict[str, int]:
    """How many visible counties are in each status for a period ('missing' for no submission)."""
    counties = counties_visible_to(user)
    counts = Submission.objects.filter(county__in=counties, period=period).aggregate(
        **{status: Count("id", filter=Q(status=status)) for status in Submission.Status.values}
    )
    counts["missing"] = counties.count() - sum(counts.values())
    return counts
