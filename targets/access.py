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


# A county's own target in its units and what follows from it alone: kept to those who may read
# that county's targets wherever published progress is shown (profile, warnings export, API).
# Completion, time progress, points ahead or behind and the warning colour are published with
# the ranking, as the monthly bulletin (通报) names them for every county.
TARGET_FIGURES = ("target", "shortfall", "pace_needed", "plan", "milestone", "milestone_met")


def target_county_ids_visible_to(user: AnyUser) -> frozenset[int] | None:
    """Ids of the counties whose target figures the user may read; None: every county's (city
    staff). The city's own row (no county) is read by everyone who reads progress."""
    if can_view_all_targets(user):
        return None
    return frozenset(target_counties_visible_to(user).values_list("pk", flat=True))


def target_figures_visible(visible: frozenset[int] | None, county_id: int | None) -> bool:
    """Whether a progress row of `county_id` shows its target figures, for the ids from
    target_county_ids_visible_to()."""
    return visible is None or county_id is None or county_id in visible


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
