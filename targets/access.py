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


def can_view_all_targets(user: AnyUser) -> bool:
    """City staff read every county's targets, so the sums over the counties too."""
    return is_city_staff(user)


def target_set_visible_or_404(user: AnyUser, year: int, version: int | None = None) -> TargetSet:
    """The version of a year's targets the user asked for, or by default the one to show: an
    editor's draft if there is one, else the newest published version. 404 when the user may
    not see it, so that a guessed version reveals nothing."""
    from django.http import Http404

    visible = target_sets_visible_to(user).filter(year=year)
    if version is not None:
        found = visible.filter(version=version).first()
    else:
        found = (
            visible.filter(status=TargetSet.Status.DRAFT).first()
            or visible.filter(status=TargetSet.Status.PUBLISHED).order_by("-version").first()
        )
    if found is None:
        raise Http404("no such targets")
    return found
