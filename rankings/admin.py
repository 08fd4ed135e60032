"""The Django admin of rankings, held to the rules of the pages: runs and analyses are written by
their services and only read here; bonus and penalty items are entered and cancelled on their
page (a checked document, a cancellation reason, a recompute); vetoes, which have no page, are
entered here and each change queues the recompute of the year they apply to."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from counties.signals import ranking_inputs_changed_on_commit
from indicators.admin import AdminWriteMixin

from .models import BonusItem, RankingRun, StabilityJob, Veto


@admin.register(RankingRun)
class RankingRunAdmin(admin.ModelAdmin):
    """Runs are written by the recompute service only; the admin reads them. Deleting one would
    take a period's ranking (and what its counties were shown) away, so it is refused too."""

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

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BonusItem)
class BonusItemAdmin(AdminWriteMixin, SimpleHistoryAdmin):
    """Read-only: items are added on the bonus page (reviewers and admins), with a supporting
    document whose type and content are checked and points within bounds, and cancelled there
    with a reason; each change queues the period's recompute (rankings.services.bonus). The
    admin would skip all of that."""

    list_display = ["county", "period", "points", "reason", "created_by", "created_at"]
    list_filter = ["period__year", "county"]
    search_fields = ["reason", "county__name"]
    list_select_related = ["county", "period", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and self.get_object(request, unquote(object_id)) is not None:
            messages.info(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    gettext(
                        "加减分项在“加减分”页面录入和撤销：录入须上传依据文件，撤销须填写原因，"
                        "每次调整都会重新计算排名。管理后台只读。"
                    ),
                    reverse("bonus_list"),
                    gettext("打开加减分页面"),
                ),
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Veto)
class VetoAdmin(AdminWriteMixin, SimpleHistoryAdmin):
    """Vetoes (一票否决) are entered here. A veto counts in every month of its year, so a change
    queues the recompute of the year from its first month (both years when the year changes)."""

    list_display = ["county", "year", "reason", "created_by", "created_at"]
    list_filter = ["year"]
    autocomplete_fields = ["county"]
    readonly_fields = ["created_by", "created_at"]

    def save_model(self, request, obj, form, change):
        stored_year = (
            Veto.objects.filter(pk=obj.pk).values_list("year", flat=True).first()
            if change
            else None
        )
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        years = {obj.year} if stored_year is None else {obj.year, stored_year}
        ranking_inputs_changed_on_commit(sender=Veto, user=request.user, years=years)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        ranking_inputs_changed_on_commit(sender=Veto, user=request.user, years=[obj.year])


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
