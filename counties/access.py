"""Who may see and change which county's data: the one place that decides it.

Every view, export and API goes through these functions; none re-derives the rules inline.

Roles are Django groups (names in Role) plus, for county reporters, CountyMembership rows:
- reporter: its own counties' submissions only;
- reviewer: every county's submissions, approves or returns them, never edits figures;
- leader: reads everything, changes nothing;
- admin: configures the app (superusers count as admins).
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet

from .models import County, Submission

# The project uses Django's own auth.User (no AUTH_USER_MODEL); request.user is one of these.
AnyUser = User | AnonymousUser


class Role(StrEnum):
    REPORTER = "reporter"
    REVIEWER = "reviewer"
    LEADER = "leader"
    ADMIN = "admin"


CITY_ROLES = frozenset({Role.REVIEWER, Role.LEADER, Role.ADMIN})

# The attribute of a user object that caches its roles for the request.
_ROLES_CACHE = "_scorecard_roles"


def roles_of(user: AnyUser) -> frozenset[Role]:
    """The user's roles, cached on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, _ROLES_CACHE, None)
    if cached is not None:
        return cached
    names = set(user.groups.values_list("name", flat=True))
    roles = {role for role in Role if role.value in names}
    if user.is_superuser:
        roles.add(Role.ADMIN)
    result = frozenset(roles)
    setattr(user, _ROLES_CACHE, result)
    return result


def is_city_staff(user: AnyUser) -> bool:
    """Reviewers, leaders and admins see every county."""
    return bool(roles_of(user) & CITY_ROLES)


def counties_visible_to(user: AnyUser) -> QuerySet[County]:
    """Counties whose unpublished data the user may read."""
    if not user.is_authenticated:
        return County.objects.none()
    if is_city_staff(user):
        return County.objects.filter(is_active=True)
    if Role.REPORTER in roles_of(user):
        return County.objects.filter(is_active=True, memberships__user=user)
    return County.objects.none()


def submissions_visible_to(user: AnyUser) -> QuerySet[Submission]:
    return Submission.objects.filter(county__in=counties_visible_to(user))


def can_view_county(user: AnyUser, county: County) -> bool:
    return counties_visible_to(user).filter(pk=county.pk).exists()


def can_edit_submission(user: AnyUser, submission: Submission) -> bool:
    """Only a reporter of the submission's own county edits its figures, and only while the
    submission is a draft or returned and its period is open."""
    if not user.is_authenticated or Role.REPORTER not in roles_of(user):
        return False
    if not submission.period.is_open:
        return False
    if submission.status not in (Submission.Status.DRAFT, Submission.Status.RETURNED):
        return False
    return submission.county.memberships.filter(user=user).exists()


def can_review(user: AnyUser) -> bool:
    return bool(roles_of(user) & {Role.REVIEWER, Role.ADMIN})


def can_see_unpublished_rankings(user: AnyUser) -> bool:
    """City staff see the latest ranking run at once; county users only published ones."""
    return is_city_staff(user)


def can_configure_rules(user: AnyUser) -> bool:
    """Admins edit, import, publish and preview rule sets; city staff only read them."""
    return Role.ADMIN in roles_of(user)


def can_publish_rankings(user: AnyUser) -> bool:
    """Reviewers and admins publish a period's ranking to the counties."""
    return can_review(user)


def can_manage_bonus_items(user: AnyUser) -> bool:
    """Reviewers and admins add and cancel bonus and penalty items (加减分项); whoever may see
    a period's ranking may see its items."""
    return can_review(user)


def can_run_stability(user: AnyUser) -> bool:
    """City staff run and read rank-stability analyses of any rule set, draft or published."""
    return is_city_staff(user)


def county_visible_or_404(user: AnyUser, code: str) -> County:
    """The county with this division code if the user may see its data; otherwise 404, so that
    a guessed code reveals nothing."""
    from django.http import Http404

    county = counties_visible_to(user).filter(code=code).first()
    if county is None:
        raise Http404("no such county")
    return county


def submission_visible_or_404(user: AnyUser, pk: int) -> Submission:
    from django.http import Http404

    submission = (
        submissions_visible_to(user).select_related("county", "period").filter(pk=pk).first()
    )
    if submission is None:
        raise Http404("no such submission")
    return submission


def can_edit_county(user: AnyUser, county: County) -> bool:
    """A reporter of this county (the state of a submission is checked separately)."""
    return (
        user.is_authenticated
        and Role.REPORTER in roles_of(user)
        and county.memberships.filter(user=user).exists()
    )
