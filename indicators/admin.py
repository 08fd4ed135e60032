"""The Django admin of the indicator catalogue and the rule sets, and the one mixin every admin of
the project writes through (AdminWriteMixin; it lives here, in the bottom app, so that the
counties and rankings admins can share it without importing upwards)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, Q
from django.http import Http404, HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from scorecard.history import set_change_reason

from .models import (
    Category,
    Department,
    Indicator,
    RuleSet,
    RuleSetCategory,
    RuleSetIndicator,
)

ADMIN_CHANNEL = "admin"  # the change reason of every admin write, in the history trail


class AdminWriteMixin:
    """How every admin of the project writes:

    - each save and delete is recorded with the channel "admin" in the history trail;
    - a change saves only what its form edits: every other field (read-only ones included) is
      put back as stored, so that simple-history's revert form, which saves a whole historical
      instance, cannot bring back a locked field, a status or a figure;
    - that revert form refuses a POST unless the object may be changed (simple-history checks
      only the view permission there).

    A subclass that sets a field the form does not edit sets it on add, or after calling
    `super().save_model` on change (before, it would be put back).
    """

    def save_model(self, request, obj, form, change):
        if change and obj.pk is not None:
            keep_unedited_fields(obj, form)
        set_change_reason(obj, ADMIN_CHANNEL)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        set_change_reason(obj, ADMIN_CHANNEL)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        """The list's delete action: one by one through delete_model (each history row carries
        the channel, each admin's own rules apply), all or nothing."""
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            set_change_reason(instance, ADMIN_CHANNEL)
            instance.save()
        for obj in formset.deleted_objects:
            set_change_reason(obj, ADMIN_CHANNEL)
            obj.delete()
        formset.save_m2m()

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if not str(version_id).isdigit():  # a version that cannot exist: not a server error
            raise Http404
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def keep_unedited_fields(obj: Model, form: forms.BaseForm) -> None:
    """Put back, as stored, every concrete field of `obj` that `form` does not edit."""
    editable = {name for name, field in form.fields.items() if not field.disabled}
    kept = [
        f
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.name not in editable and f.attname not in editable
    ]
    if not kept:
        return
    stored = type(obj)._base_manager.filter(pk=obj.pk).values(*[f.attname for f in kept]).first()
    if stored is not None:
        for f in kept:
            setattr(obj, f.attname, stored[f.attname])


def _published(ruleset_lookup: str) -> Q:
    return Q(**{ruleset_lookup: RuleSet.Status.PUBLISHED})


def category_in_published_ruleset(category: Category) -> bool:
    return RuleSetCategory.objects.filter(_published("ruleset__status"), category=category).exists()


def indicator_in_published_ruleset(indicator: Indicator) -> bool:
    """Scored by a published rule set, or the denominator of a ratio one scores."""
    return RuleSetIndicator.objects.filter(
        _published("ruleset__status"), Q(indicator=indicator) | Q(denominator=indicator)
    ).exists()


@admin.register(Category)
class CategoryAdmin(AdminWriteMixin, admin.ModelAdmin):
    """A category a published rule set weights keeps its code (the rule-set JSON and every
    stored result name it by its code) and cannot be deleted; its names and order are display
    only and stay editable."""

    list_display = ["name", "name_en", "code", "display_order"]
    list_editable = ["display_order"]
    search_fields = ["name", "name_en", "code"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and category_in_published_ruleset(obj):
            fields.append("code")
        return fields

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and category_in_published_ruleset(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(Department)
class DepartmentAdmin(AdminWriteMixin, SimpleHistoryAdmin):
    """City departments, the lead and supporting units of indicators (责任分工); every change is
    kept in the history."""

    list_display = ["name", "name_en", "display_order", "is_active"]
    list_editable = ["display_order"]
    search_fields = ["name", "name_en"]


@admin.register(Indicator)
class IndicatorAdmin(AdminWriteMixin, SimpleHistoryAdmin):
    """An indicator that a published rule set scores (or divides by) is locked where a change
    would silently alter published results or the rules its figures were checked by:

    - code: the rule-set JSON, the engine, uploads and every stored result name it by its code;
    - unit and kind: what a stored figure means (亿元 or 万元; a year-to-date total or a
      point-in-time value) on every page, and the city totals that add it up;
    - direction: whether a published basis meets the province's target (county profiles);
    - decimals, can_be_negative and is_share: the checks the approved figures passed, the
      precision they are shown at and whether gaps move in whole units.

    Still editable, because they are display or catalogue only: name and English name,
    category (the grouping of the entry form), department, the lead and supporting departments
    (责任分工), description, display order, and
    whether new rule sets may pick it (is_active; a published set keeps its indicators). The
    name is also written into the rule-set JSON, so a rename makes the next recompute write a
    new run with the same results. An indicator that needs another definition is a new
    indicator (a new code) in a new rule-set version. Such an indicator cannot be deleted
    either.
    """

    LOCKED_WHEN_PUBLISHED = [
        "code",
        "unit",
        "kind",
        "direction",
        "decimals",
        "can_be_negative",
        "is_share",
    ]

    list_display = [
        "name",
        "code",
        "category",
        "unit",
        "kind",
        "direction",
        "decimals",
        "department",
        "lead_department",
        "is_active",
    ]
    list_filter = [
        "category",
        "kind",
        "direction",
        "department",
        "entered_by_department",
        "lead_department",
        "is_active",
    ]
    search_fields = ["name", "name_en", "code", "department__name"]
    list_select_related = ["category", "department", "lead_department"]
    filter_horizontal = ["supporting_departments"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and indicator_in_published_ruleset(obj):
            fields += [f for f in self.LOCKED_WHEN_PUBLISHED if f not in fields]
        return fields

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and indicator_in_published_ruleset(obj):
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None and indicator_in_published_ruleset(obj):
                messages.info(
                    request,
                    gettext(
                        "该指标用于已发布的考核规则：代码、计量单位、指标性质、方向、小数位数、"
                        "可为负数和是否占比不能修改，以免悄悄改变已发布的结果；名称、英文名称、"
                        "类别、数据来源部门和说明仍可修改。如需不同的口径，请新建指标，"
                        "在新版本的考核规则中使用。"
                    ),
                )
        return super().change_view(request, object_id, form_url, extra_context)


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
class RuleSetAdmin(AdminWriteMixin, PublishedReadOnlyMixin, SimpleHistoryAdmin):
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
        (_("缺报与不考核"), {"fields": ["missing_data_rules"]}),
    ]


@admin.register(RuleSetCategory)
class RuleSetCategoryAdmin(AdminWriteMixin, PublishedReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["ruleset", "category", "weight", "aggregation", "decimals", "missing"]
    list_filter = ["ruleset__year", "ruleset"]
    list_select_related = ["ruleset", "category"]
    search_fields = ["category__name", "ruleset__name"]


class RuleSetIndicatorForm(forms.ModelForm):
    """The admin builds the fields; this adds the check that the row's category belongs to
    its own rule set (the select offers every draft set's categories)."""

    def clean(self):
        cleaned = super().clean()
        ruleset, category = cleaned.get("ruleset"), cleaned.get("category")
        if ruleset is not None and category is not None and category.ruleset_id != ruleset.pk:
            self.add_error("category", gettext("所属类别必须是同一考核规则中的类别。"))
        return cleaned


@admin.register(RuleSetIndicator)
class RuleSetIndicatorAdmin(AdminWriteMixin, PublishedReadOnlyMixin, SimpleHistoryAdmin):
    form = RuleSetIndicatorForm
    list_display = ["ruleset", "indicator", "category", "weight", "basis", "method", "frequency"]
    list_filter = ["ruleset__year", "ruleset", "method", "basis"]
    list_select_related = ["ruleset", "indicator", "category__category"]
    search_fields = ["indicator__name", "indicator__code"]
    autocomplete_fields = ["indicator", "denominator"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "category":  # a category row of a draft rule set, never a published
            kwargs["queryset"] = RuleSetCategory.objects.filter(
                ruleset__status=RuleSet.Status.DRAFT
            ).select_related("ruleset", "category")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
