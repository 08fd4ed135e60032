from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import County, CountyMembership, Period, Submission, SubmissionValue


class CountyMembershipInline(admin.TabularInline):
    model = CountyMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(County)
class CountyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "is_ranked", "display_order", "is_active"]
    list_filter = ["kind", "is_ranked", "is_active"]
    list_editable = ["display_order"]
    search_fields = ["name", "name_en", "code"]
    inlines = [CountyMembershipInline]


@admin.register(CountyMembership)
class CountyMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "county"]
    list_filter = ["county"]
    search_fields = ["user__username", "county__name"]
    autocomplete_fields = ["user", "county"]


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "year", "month", "deadline", "is_open"]
    list_filter = ["year", "is_open"]
    list_editable = ["deadline", "is_open"]


class SubmissionValueInline(admin.TabularInline):
    model = SubmissionValue
    extra = 0
    autocomplete_fields = ["indicator"]
    fields = ["indicator", "value", "prior_value", "note"]


@admin.register(Submission)
class SubmissionAdmin(SimpleHistoryAdmin):
    list_display = [
        "county",
        "period",
        "status",
        "is_late",
        "submitted_at",
        "reviewed_at",
        "version",
    ]
    list_filter = ["status", "is_late", "period__year", "county"]
    search_fields = ["county__name"]
    list_select_related = ["county", "period"]
    readonly_fields = ["version", "created_at", "updated_at"]
    autocomplete_fields = ["county"]
    inlines = [SubmissionValueInline]

    def save_formset(self, request, form, formset, change):
        for instance in formset.save(commit=False):
            instance._change_reason = "admin"  # the channel, in the history trail
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(SubmissionValue)
class SubmissionValueAdmin(SimpleHistoryAdmin):
    list_display = ["submission", "indicator", "value", "prior_value"]
    list_filter = ["indicator__category", "submission__period__year"]
    search_fields = ["submission__county__name", "indicator__name", "indicator__code"]
    list_select_related = ["submission__county", "submission__period", "indicator"]
    autocomplete_fields = ["indicator"]
    raw_id_fields = ["submission"]

    def save_model(self, request, obj, form, change):
        obj._change_reason = "admin"  # the channel, in the history trail
        super().save_model(request, obj, form, change)
