from django.http import HttpRequest

from .access import Role, roles_of


def roles(request: HttpRequest) -> dict[str, object]:
    """The signed-in user's roles, for menus in the base layout."""
    user = getattr(request, "user", None)
    user_roles = roles_of(user) if user is not None else frozenset()
    return {"user_roles": {role.value for role in user_roles}, "Role": Role}
