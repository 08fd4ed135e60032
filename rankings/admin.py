from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import BonusItem, RankingRun, StabilityJob, Veto


@admin.register(RankingRun)
class RankingRunAdmin(admin.ModelAdmin):
    """Runs are written by the recompute service only; the admin reads them."""

    list_display = [
        "period",
        "ruleset",
        "status",
        "is_current",
        "trigger",
        "started_at",
        "duration_ms",
        "counties_scored",
        "is_published",
    ]
    list_filter = ["status", "is_current", "trigger", "period__year"]
    list_select_related = ["period", "ruleset"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BonusItem)
class BonusItemAdmin(SimpleHistoryAdmin):
    list_display = ["county", "period", "points", "reason", "created_by", "created_at"]
    list_filter = ["period__year", "county"]
    search_fields = ["reason", "county__name"]
    autocomplete_fields = ["county"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Veto)
class VetoAdmin(SimpleHistoryAdmin):
    list_display = ["county", "year", "reason", "created_by", "created_at"]
    list_filter = ["year"]
    autocomplete_fields = ["county"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(StabilityJob)
class StabilityJobAdmin(admin.ModelAdmin):
    """Analyses are started from the rank-stability page; the admin reads them."""

    list_display = ["period", "ruleset", "samples", "spread", "seed", "status", "created_by"]
    list_filter = ["status", "period__year"]
    list_select_related = ["period", "ruleset", "created_by"]
    exclude = ["result"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
