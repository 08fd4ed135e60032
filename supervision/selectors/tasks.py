"""Reads for supervision tasks: the lists a user may see, counts for the dashboards, what a new
task from a warning or a short board starts with, and each task's milestones checked against
the months that followed."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from counties.models import County, Period
from indicators.models import Indicator
from rankings.models import IndicatorReference, IndicatorResult, ProgressResult, RankingRun
from rankings.selectors.inputs import run_current
from rankings.selectors.profile import is_short_board
from scorecard.roles import AnyUser

from ..access import tasks_visible_to
from ..models import Task

DEFAULT_DAYS = 30  # a new task's deadline: a month from today


def task_list(
    user: AnyUser, *, county: County | None = None, status: str | None = None
) -> list[Task]:
    tasks = tasks_visible_to(user).select_related("county", "period").prefetch_related("indicators")
    if county is not None:
        tasks = tasks.filter(county=county)
    if status == "overdue":
        tasks = tasks.exclude(status=Task.Status.CLOSED).filter(deadline__lt=timezone.localdate())
    elif status == "ready":
        tasks = tasks.exclude(status=Task.Status.CLOSED).filter(ready_to_close=True)
    elif status in Task.Status.values:
        tasks = tasks.filter(status=status)
    return list(tasks.order_by("deadline", "-year", "-number"))


@dataclass(frozen=True)
class TaskCounts:
    open: int = 0
    answered: int = 0
    returned: int = 0
    closed: int = 0
    overdue: int = 0
    ready: int = 0

    @property
    def pending(self) -> int:
        """Tasks still to be finished."""
        return self.open + self.answered + self.returned


def task_counts(user: AnyUser) -> TaskCounts:
    """How many tasks the user sees in each state, overdue and ready to close."""
    tasks = tasks_visible_to(user).order_by()
    today = timezone.localdate()
    by_status: Counter[str] = Counter()
    overdue = ready = 0
    for status, deadline, is_ready in tasks.values_list("status", "deadline", "ready_to_close"):
        by_status[status] += 1
        if status != Task.Status.CLOSED:
            overdue += deadline < today
            ready += bool(is_ready)
    return TaskCounts(
        open=by_status[Task.Status.OPEN],
        answered=by_status[Task.Status.ANSWERED],
        returned=by_status[Task.Status.RETURNED],
        closed=by_status[Task.Status.CLOSED],
        overdue=overdue,
        ready=ready,
    )


# ------------------------------------------------------------------------- a new task's start


def _lagging(run: RankingRun, county: County) -> list[int]:
    """The county's indicators in the lagging third of the run (短板)."""
    group = run.county_results.filter(county=county).values_list("peer_group", flat=True).first()
    ranked = dict(
        IndicatorReference.objects.filter(run=run, peer_group=group or "").values_list(
            "indicator_id", "ranked"
        )
    )
    return [
        indicator
        for indicator, rank in IndicatorResult.objects.filter(run=run, county=county).values_list(
            "indicator_id", "rank"
        )
        if is_short_board(rank, int(ranked.get(indicator, 0)))
    ]


def suggested_indicators(period: Period, county: County, source: str) -> list[int]:
    """The indicators a task from this source starts with: the red warnings, the short boards,
    or both for a county on the black list (none for a task raised by hand)."""
    run = run_current(period)
    if run is None or source == Task.Source.MANUAL:
        return []
    red = list(
        ProgressResult.objects.filter(run=run, county=county, level="red").values_list(
            "indicator_id", flat=True
        )
    )
    if source == Task.Source.WARNING:
        return red
    lagging = _lagging(run, county)
    if source == Task.Source.SHORT_BOARD:
        return lagging
    return list(dict.fromkeys(red + lagging))


def scored_indicators(period: Period) -> list[Indicator]:
    """The indicators the period's current run scores: what a task may name."""
    run = run_current(period)
    if run is None:
        return []
    return list(
        Indicator.objects.filter(
            pk__in=IndicatorResult.objects.filter(run=run).values("indicator_id")
        ).select_related("category", "lead_department")
    )


def periods_with_runs() -> list[Period]:
    """Periods with a current ranking, newest first: what a task raised by hand refers to."""
    return list(
        Period.objects.filter(ranking_runs__is_current=True).distinct().order_by("-year", "-month")
    )


def default_deadline() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS)


# ----------------------------------------------------------------------- milestones, checked


@dataclass(frozen=True)
class Milestone:
    month: int
    needed: Decimal
    actual: Decimal | None  # the county's value that month (current run), None: not yet
    met: bool | None


@dataclass(frozen=True)
class IndicatorMilestones:
    indicator: Indicator
    milestones: list[Milestone] = field(default_factory=list)


def task_milestones(task: Task) -> list[IndicatorMilestones]:
    """The catch-up plan the task carries, each month checked against the county's value that
    month (the current run of each later period). One query for the values."""
    if not task.milestones:
        return []
    indicators = {i.code: i for i in task.indicators.all()}
    actual = {
        (code, month): value
        for code, month, value in ProgressResult.objects.filter(
            run__is_current=True,
            run__period__year=task.year,
            run__period__month__gt=task.period.month,
            county_id=task.county_id,
            indicator__code__in=list(task.milestones),
        ).values_list("indicator__code", "run__period__month", "value")
    }
    out = []
    for code, plan in task.milestones.items():
        indicator = indicators.get(code)
        if indicator is None:
            continue
        rows = []
        for month, needed in plan:
            value = actual.get((code, int(month)))
            need = Decimal(str(needed))
            rows.append(
                Milestone(int(month), need, value, None if value is None else bool(value >= need))
            )
        out.append(IndicatorMilestones(indicator, rows))
    return out


def unread_count(user: AnyUser) -> int:
    """The user's unread notifications, for the count beside 消息 on every page."""
    from ..models import Notification

    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
