"""API tokens in the Django admin: admins see every user's tokens (never a key: knox keeps only
digests) and revoke them by deleting. Tokens are made by their owners on /account/tokens/, so
knox's own admin, which makes tokens for anyone, is replaced."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from .models import ApiToken

if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("token_key", "user", "purpose", "created", "expiry")
    list_select_related = ("user", "label")
    search_fields = ("token_key", "user__username", "label__name")
    list_filter = ("created", "expiry")
    fields = ("token_key", "user", "purpose", "created", "expiry")
    readonly_fields = fields
    ordering = ("-created",)

    @admin.display(description=_("用途"))
    def purpose(self, obj: ApiToken) -> str:
        label = getattr(obj, "label", None)
        return label.name if label is not None else ""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
