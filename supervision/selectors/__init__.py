"""Reads of the supervision app: what a bulletin says (bulletins.py) and the supervision tasks
with their checks against later months (tasks.py). Data, not sentences."""

from .bulletins import (
    Adjustment,
    BulletinFacts,
    Late,
    Responsible,
    Standing,
    bulletin_facts,
    bulletins_for,
    periods_to_bulletin,
    published_run,
)
from .tasks import (
    IndicatorMilestones,
    Milestone,
    TaskCounts,
    default_deadline,
    periods_with_runs,
    scored_indicators,
    suggested_indicators,
    task_counts,
    task_list,
    task_milestones,
    unread_count,
)

__all__ = [
    "Adjustment",
    "BulletinFacts",
    "Late",
    "Responsible",
    "Standing",
    "bulletin_facts",
    "bulletins_for",
    "periods_to_bulletin",
    "published_run",
    "IndicatorMilestones",
    "Milestone",
    "TaskCounts",
    "default_deadline",
    "periods_with_runs",
    "scored_indicators",
    "suggested_indicators",
    "task_counts",
    "task_list",
    "task_milestones",
    "unread_count",
]
