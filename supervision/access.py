"""Who may see and do what with bulletins and supervision tasks: one place, in the style of
counties.access and rankings.access.

Bulletins:
- City staff (reviewers, leaders, admins) read every bulletin, drafts included.
- Reviewers and admins draft, edit and issue them; leaders change nothing.
- County users read issued bulletins only: a draft may still change.

Supervision tasks (督办):
- City staff raise them (leaders assign them too) and read every one.
- A county's reporters read their own county's tasks and answer them.
- Reviewers and admins return an answer or close a task (销号).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from counties.access import can_review, counties_visible_to
from scorecard.roles import AnyUser, Role, is_city_staff, roles_of

from .models import Bulletin, Task


def can_draft_bulletins(user: AnyUser) -> bool:
    return can_review(user)


def bulletins_visible_to(user: AnyUser) -> QuerySet[Bulletin]:
    if not user.is_authenticated:
        return Bulletin.objects.none()
    if is_city_staff(user):
        return Bulletin.objects.all()
    if roles_of(user) & {Role.REPORTER, Role.DEPARTMENT}:
        # counties and the city departments that supply figures read the issued bulletins
        return Bulletin.objects.filter(status=Bulletin.Status.ISSUED)
    return Bulletin.objects.none()


def bulletin_visible_or_404(user: AnyUser, pk: int) -> Bulletin:
    bulletin = bulletins_visible_to(user).select_related("period", "run").filter(pk=pk).first()
    if bulletin is None:
        raise Http404("no such bulletin")
    return bulletin


# ------------------------------------------------------------------------- supervision tasks


def can_raise_tasks(user: AnyUser) -> bool:
    """City staff raise supervision tasks: reviewers, admins and the leaders who assign them."""
    return is_city_staff(user)


def can_review_tasks(user: AnyUser) -> bool:
    """The statistics bureau's reviewers and admins return an answer or close a task."""
    return can_review(user)


def tasks_visible_to(user: AnyUser) -> QuerySet[Task]:
    """City staff see every task; a county's reporters only their own county's."""
    if not user.is_authenticated:
        return Task.objects.none()
    if is_city_staff(user):
        return Task.objects.all()
    if Role.REPORTER in roles_of(user):
        return Task.objects.filter(county__in=counties_visible_to(user))
    return Task.objects.none()


def task_visible_or_404(user: AnyUser, pk: int) -> Task:
    task = tasks_visible_to(user).select_related("county", "period").filter(pk=pk).first()
    if task is None:
        raise Http404("no such task")
    return task


def can_answer_task(user: AnyUser, task: Task) -> bool:
    """A reporter of the task's own county answers it (and reports progress) until it is
    closed."""
    if task.is_closed or not user.is_authenticated or Role.REPORTER not in roles_of(user):
        return False
    return counties_visible_to(user).filter(pk=task.county_id).exists()
