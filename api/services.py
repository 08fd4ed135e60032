"""Writes of the API app: a user makes and revokes their own tokens (admins revoke anyone's in
the Django admin). The key is returned once, on creation, and never stored."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from .models import NAME_MAX, TokenLabel

# the lifetimes offered on the page, in days; settings.API_TOKEN_MAX_DAYS caps them
TOKEN_DAYS = (30, 90, 180, 365)
# unexpired tokens a user may hold at once
TOKENS_PER_USER_MAX = 10


def token_days_offered() -> list[int]:
    return [d for d in TOKEN_DAYS if d <= settings.API_TOKEN_MAX_DAYS] or [
        settings.API_TOKEN_MAX_DAYS
    ]


@dataclass(frozen=True)
class CreatedToken:
    token: AuthToken
    key: str  # the plain key: shown to the user once, stored nowhere


def token_create(*, user: User, name: str, days: int) -> CreatedToken:
    """A new token of `user` expiring in `days` days, named `name`."""
    name = name.strip()
    if len(name) > NAME_MAX:
        raise ValidationError(_("用途最多 %(max)d 个字。") % {"max": NAME_MAX})
    if days not in token_days_offered():
        raise ValidationError(_("请选择令牌的有效期。"))
    with transaction.atomic():
        now = timezone.now()
        AuthToken.objects.filter(user=user, expiry__lt=now).delete()
        if AuthToken.objects.filter(user=user).count() >= TOKENS_PER_USER_MAX:
            raise ValidationError(
                _("每个账号最多同时持有 %(max)d 个令牌，请先撤销不用的令牌。")
                % {"max": TOKENS_PER_USER_MAX}
            )
        token, key = AuthToken.objects.create(user=user, expiry=datetime.timedelta(days=days))
        TokenLabel.objects.create(token=token, name=name)
    return CreatedToken(token=token, key=key)


def token_revoke(*, user: User, token_key: str) -> bool:
    """Revoke the user's own token whose key starts with `token_key` (the part the page shows);
    False when the user has no such token. Another user's token is never touched."""
    deleted, _rows = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return deleted > 0
