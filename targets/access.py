"""Who may see and change annual targets: the one place that decides it.

- Admins and reviewers (the statistics bureau) enter, import and publish targets.
- City leaders read every county's targets and the city's.
- A county's reporters read their own county's published targets (and the city's), nothing else.
"""

from __future__ import annotations

from django.db.models import QuerySet

from counties.access import counties_visible_to
from counties.models import County
from scorecard.roles import AnyUser, Role, is_city_staff, roles_of

from .models import TargetSet


def can_edit_targets(user: AnyUser) -> bool:
    return bool(roles_of(user) & {Role.ADMIN, Role.REVIEWER})


def can_view_targets(user: AnyUser) -> bool:
    """Anyone signed in with a role sees the targets page (a reporter: its own county's)."""
    return bool(roles_of(user))


def target_sets_visible_to(user: AnyUser) -> QuerySet[TargetSet]:
    """Drafts are the editors' business; everyone else sees published versions."""
    if can_edit_targets(user):
        return TargetSet.objects.all()
    if can_view_targets(user):
        return TargetSet.objects.filter(status=TargetSet.Status.PUBLISHED)
    return TargetSet.objects.none()


def target_counties_visible_to(user: AnyUser) -> QuerySet[County]:
    """Counties whose targets the user may read: all for city staff, its own for a reporter."""
    if is_city_staff(user):
        return County.objects.filter(is_active=True)
    return counties_visible_to(user)
