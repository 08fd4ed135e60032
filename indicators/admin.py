from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import Category, Indicator, RuleSet, RuleSetCategory, RuleSetIndicator


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "display_order"]
    list_editable = ["display_order"]
    search_fields = ["name", "name_en", "code"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "code",
        "category",
        "unit",
        "kind",
        "direction",
        "decimals",
        "department",
        "is_active",
    ]
    list_filter = ["category", "kind", "direction", "is_active"]
    search_fields = ["name", "name_en", "code", "department"]
    list_select_related = ["category"]


class PublishedReadOnlyMixin:
    """A published rule set, and everything in it, is read-only: changing it means a new version."""

    def _ruleset(self, obj):
        return obj if isinstance(obj, RuleSet) else getattr(obj, "ruleset", None)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        ruleset = self._ruleset(obj) if obj is not None else None
        if ruleset is not None and ruleset.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        ruleset = self._ruleset(obj) if obj is not None else None
        if ruleset is not None and ruleset.is_published:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "ruleset":  # new rows go into draft rule sets only
            kwargs["queryset"] = RuleSet.objects.filter(status=RuleSet.Status.DRAFT)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PublishedReadOnlyInlineMixin(PublishedReadOnlyMixin):
    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.is_published:
            return False
        return super().has_add_permission(request, obj)


class RuleSetCategoryInline(PublishedReadOnlyInlineMixin, admin.TabularInline):
    model = RuleSetCategory
    extra = 0
    autocomplete_fields = ["category"]


class RuleSetIndicatorInline(PublishedReadOnlyInlineMixin, admin.TabularInline):
    model = RuleSetIndicator
    extra = 0
    fk_name = "ruleset"
    autocomplete_fields = ["indicator", "denominator"]
    fields = [
        "indicator",
        "category",
        "weight",
        "basis",
        "denominator",
        "factor",
        "direction",
        "decimals",
        "method",
        "params",
        "frequency",
        "display_order",
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":
            ruleset_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = RuleSetCategory.objects.filter(ruleset_id=ruleset_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(RuleSet)
class RuleSetAdmin(PublishedReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["year", "version", "name", "status", "total_weight", "published_at"]
    list_filter = ["year", "status"]
    search_fields = ["name"]
    readonly_fields = ["status", "published_at", "published_by", "created_at"]
    inlines = [RuleSetCategoryInline, RuleSetIndicatorInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "year",
                    "version",
                    "name",
                    "description",
                    "status",
                    "published_at",
                    "published_by",
                    "created_at",
                ]
            },
        ),
        (
            _("总分"),
            {
                "fields": [
                    "total_weight",
                    "total_points",
                    "total_aggregation",
                    "total_decimals",
                    "indicator_decimals",
                    "rank_on_rounded",
                ]
            },
        ),
        (
            _("排名与分档"),
            {
                "fields": [
                    "missing_share_max",
                    "tier_leading_share",
                    "tier_lagging_share",
                    "peer_groups",
                    "period_weights",
                ]
            },
        ),
        (_("加减分"), {"fields": ["bonus_cap", "penalty_cap", "improvement"]}),
    ]


@admin.register(RuleSetCategory)
class RuleSetCategoryAdmin(PublishedReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["ruleset", "category", "weight", "aggregation", "decimals"]
    list_filter = ["ruleset__year", "ruleset"]
    list_select_related = ["ruleset", "category"]
    search_fields = ["category__name", "ruleset__name"]


@admin.register(RuleSetIndicator)
class RuleSetIndicatorAdmin(PublishedReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["ruleset", "indicator", "category", "weight", "basis", "method", "frequency"]
    list_filter = ["ruleset__year", "ruleset", "method", "basis"]
    list_select_related = ["ruleset", "indicator", "category__category"]
    search_fields = ["indicator__name", "indicator__code"]
    autocomplete_fields = ["indicator", "denominator"]
