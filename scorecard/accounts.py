"""The signed-in user's own account (/account/): name, user name, roles, counties or
departments, a link to the API tokens page, and the change-password form; and the page a
locked-out sign-in gets (django-axes' AXES_LOCKOUT_CALLABLE). The policy itself (lockout,
password rules, idle timeout) is in the "Accounts" block of scorecard/settings.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.views import PasswordChangeView
from django.contrib.messages.views import SuccessMessageMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from counties.selectors import user_label
from scorecard.roles import Role, is_city_staff, roles_of

ROLE_LABELS = {
    Role.REPORTER: _("县区填报员"),
    Role.DEPARTMENT: _("部门填报员"),
    Role.REVIEWER: _("审核员"),
    Role.LEADER: _("市领导"),
    Role.ADMIN: _("管理员"),
}


@dataclass(frozen=True)
class AccountSummary:
    name: str
    username: str
    roles: list[str]
    counties: list[str]
    departments: list[str]
    sees_every_county: bool


def account_summary(user: User) -> AccountSummary:
    """Who the user is and what they report for, as the account page shows it."""
    roles = roles_of(user)
    counties = user.county_memberships.select_related("county").order_by(
        "county__display_order", "county__code"
    )
    departments = user.department_memberships.select_related("department").order_by(
        "department__name"
    )
    return AccountSummary(
        name=user_label(user, missing=""),
        username=user.get_username(),
        roles=[str(label) for role, label in ROLE_LABELS.items() if role in roles],
        counties=[m.county.display_name for m in counties],
        departments=[m.department.display_name for m in departments],
        sees_every_county=is_city_staff(user),
    )


class AccountView(SuccessMessageMixin, PasswordChangeView):
    """The account page, with Django's change-password form: the old password is asked for,
    the new one goes through AUTH_PASSWORD_VALIDATORS, and the session stays signed in
    (PasswordChangeView calls update_session_auth_hash; the user's other sessions end).
    PasswordChangeView brings login_required, csrf_protect, never_cache and
    sensitive_post_parameters."""

    template_name = "accounts/account.html"
    success_url = reverse_lazy("account")
    success_message = _("密码已修改。下次登录请使用新密码。")

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        assert isinstance(user, User)  # login_required
        context["account"] = account_summary(user)
        return context


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The user name django-axes records and locks (AXES_USERNAME_CALLABLE): the one typed,
    cut to the longest a user name can be. The login form does not limit what is typed, and a
    longer name (which no account has) would not fit axes' column: the sign-in would fail
    with a server error instead of "wrong user name or password"."""
    field = str(getattr(settings, "AXES_USERNAME_FORM_FIELD", "username"))
    if credentials:
        username = credentials.get(field)
    else:
        username = request.POST.get(field)
    if not isinstance(username, str):
        return None
    return username[: User._meta.get_field("username").max_length]


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The page of a sign-in refused by django-axes after too many failures (HTTP 429)."""
    cool_off = settings.AXES_COOLOFF_TIME
    minutes = int(cool_off.total_seconds() // 60) if isinstance(cool_off, timedelta) else None
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(
        request, "accounts/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE
    )
