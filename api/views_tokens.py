"""A user's own API tokens (/account/tokens/): list, make (the key shown once, on the page the
POST answers, never stored) and revoke. Any signed-in user may, with or without a role; admins
revoke anyone's in the Django admin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from knox.settings import CONSTANTS

from . import selectors, services
from .forms import TokenForm


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


def _page(
    request: HttpRequest,
    form: TokenForm,
    *,
    created: services.CreatedToken | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "tokens": selectors.tokens_of(_user(request)),
        "form": form,
        "created": created,
        "now": timezone.now(),
        "limit": services.TOKENS_PER_USER_MAX,
    }
    return render(request, "api/tokens.html", context, status=status)


@never_cache
@login_required
@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    return _page(request, TokenForm())


@never_cache
@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    """Answered with the page itself (not a redirect), which shows the new key this once."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        created = services.token_create(
            user=_user(request), name=form.cleaned_data["name"], days=form.cleaned_data["days"]
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _page(request, form, status=400)
    return _page(request, TokenForm(), created=created, status=201)


@login_required
@require_POST
def token_revoke(request: HttpRequest) -> HttpResponse:
    key = request.POST.get("token", "")
    revoked = len(key) <= CONSTANTS.TOKEN_KEY_LENGTH and services.token_revoke(
        user=_user(request), token_key=key
    )
    if revoked:
        messages.success(request, _("令牌已撤销，使用它的请求将被拒绝。"))
    else:
        messages.error(request, _("没有找到这个令牌，可能已经撤销或过期。"))
    return redirect("api_tokens")
