"""Personal API tokens (django-rest-knox): `Authorization: Token <key>`.

knox stores a SHA-512 digest of each key (never the key) and compares digests in constant time;
an expired token is deleted when it is next presented. What this class adds:
- a token only reads: any other method than GET, HEAD and OPTIONS is refused (writes, such as
  the rule-set API's, need a signed-in session with its CSRF token);
- a header that is not ASCII, or a key of the wrong shape, is refused as a bad token (401),
  never a server error;
- the messages in the interface's language (Chinese source strings).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.settings import knox_settings
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request

INVALID = _("令牌无效、已过期或已撤销。")


class InactiveUser(exceptions.AuthenticationFailed):
    default_detail = _("该令牌所属的账号已停用。")


def _well_formed(key: str) -> bool:
    """knox's keys: the prefix, then AUTH_TOKEN_CHARACTER_LENGTH hexadecimal digits."""
    digits = knox_settings.AUTH_TOKEN_CHARACTER_LENGTH
    shape = re.escape(knox_settings.TOKEN_PREFIX) + f"[0-9a-f]{{{digits}}}"
    return re.fullmatch(shape, key) is not None


class TokenAuthentication(KnoxTokenAuthentication):
    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        try:
            header = get_authorization_header(request)
        except UnicodeError as exc:  # a header that is not Latin-1
            raise exceptions.AuthenticationFailed(INVALID) from exc
        parts = header.split()
        prefix = knox_settings.AUTH_HEADER_PREFIX.encode()
        if not parts or parts[0].lower() != prefix.lower():
            return None  # no token: another scheme (the session) may apply
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("令牌格式不对：请求头应为“Authorization: Token <令牌>”。")
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(INVALID) from exc
        if not _well_formed(key):
            raise exceptions.AuthenticationFailed(INVALID)
        if request.method not in SAFE_METHODS:
            raise exceptions.AuthenticationFailed(
                _("API 令牌只能用于读取数据（GET）；修改请登录网页操作。")
            )
        try:
            return self.authenticate_credentials(key.encode("ascii"))
        except InactiveUser:
            raise
        except exceptions.AuthenticationFailed as exc:  # knox's "Invalid token."
            raise exceptions.AuthenticationFailed(INVALID) from exc

    def validate_user(self, auth_token: Any) -> tuple[Any, Any]:
        if not auth_token.user.is_active:
            raise InactiveUser()
        return (auth_token.user, auth_token)
