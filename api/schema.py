"""How the OpenAPI schema (drf-spectacular) documents what it cannot see by itself."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    """api.authentication.TokenAuthentication: `Authorization: Token <key>`."""

    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "个人 API 令牌，在“API 令牌”页面（/account/tokens/）创建，只能用于读取（GET）。"
                "请求头写作 `Authorization: Token <令牌>`（前缀为 Token，不是 Bearer）。"
            ),
        }
