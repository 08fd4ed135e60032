"""Users' roles: Django groups named after Role (superusers count as admins).

The apps' access modules (indicators/access.py, counties/access.py) decide every "may this user
see or do this" question from these roles; nothing else reads group names.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, User

# The project uses Django's own auth.User (no AUTH_USER_MODEL); request.user is one of these.
AnyUser = User | AnonymousUser


class Role(StrEnum):
    REPORTER = "reporter"
    DEPARTMENT = "department"  # a city department's reporter (部门填报员)
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


def is_admin(user: AnyUser) -> bool:
    return Role.ADMIN in roles_of(user)
