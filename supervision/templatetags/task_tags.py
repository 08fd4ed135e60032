"""Supervision tasks where other apps' pages show them (the home page, the warning board), without
those apps importing supervision: the templates load these tags."""

from __future__ import annotations

from django import template

from ..access import can_raise_tasks
from ..selectors import task_counts

register = template.Library()


@register.inclusion_tag("supervision/includes/task_summary.html", takes_context=True)
def task_summary(context) -> dict:
    """督办事项：待答复 2 项，已答复 1 项，逾期 1 项, linking to the list; nothing when the user
    has no tasks to see."""
    user = context["request"].user
    counts = task_counts(user)
    return {"counts": counts if counts.pending or counts.closed else None}


@register.simple_tag(takes_context=True)
def may_raise_tasks(context) -> bool:
    return can_raise_tasks(context["request"].user)
