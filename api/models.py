"""Personal API tokens are django-rest-knox's AuthToken rows: a SHA-512 digest of the key, the
key's first characters (to find the row), the user, when made and when it expires; never the
key itself. This app adds a name the user gives each token, and the admin's view of them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

NAME_MAX = 60


class ApiToken(AuthToken):
    """knox's tokens as the admin lists them (an admin revokes anyone's token there)."""

    class Meta:
        proxy = True
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.token_key}… ({self.user})"


class TokenLabel(models.Model):
    """What the user says a token is for ("月报汇总脚本"), shown beside it on their page."""

    token = models.OneToOneField(
        AuthToken,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="label",
        verbose_name=_("API 令牌"),
    )
    name = models.CharField(_("用途"), max_length=NAME_MAX, blank=True)

    class Meta:
        verbose_name = _("令牌用途")
        verbose_name_plural = _("令牌用途")

    def __str__(self) -> str:
        return self.name
