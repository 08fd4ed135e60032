"""The Django admin of counties, periods and submissions, held to the rules of the pages.

- A submission's figures change here only while its county could change them on the entry page:
  a draft or returned submission in a period that accepts entries. Otherwise the submission and
  its values are shown read-only, a POST is refused (403) and a message says what to do instead:
  an approved month is reopened with a reason on its page, as reviewers do.
- Values entered here pass the entry form's checks (`services.check_entries`); a blocking
  problem is a form error and nothing is saved. A save takes the locks the entry form takes and
  bumps the submission's version, so that a form loaded before sees an edit conflict. The
  status is left as it is (a returned month stays returned: the county has not resumed it).
- Status, version and the submitted, reviewed and return fields never change here: the workflow
  is `counties.services` (submit, approve, return, reopen). Submissions are neither added nor
  deleted here: a county's month begins when its reporter first saves it, and the pages never
  delete one. Values are added on their submission's page, not on their own.
- A change to what a ranking reads (a county's code, kind, ranking flag or activity; a period
  opened or closed) sends `signals.ranking_inputs_changed` once committed; rankings queues the
  recompute. Values edited here need none: only approved values are scored, and those are
  read-only here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from indicators.admin import AdminWriteMixin, PublishedReadOnlyMixin

from . import access
from .models import (
    County,
    CountyMembership,
    DepartmentMembership,
    Exemption,
    Period,
    Submission,
    SubmissionValue,
)
from .selectors import exemptions_for_entry
from .services import check_entries
from .services_exemptions import exemption_problems, published_message
from .signals import ranking_inputs_changed_on_commit
from .validation import Entry, NumberError, parse_number

# ------------------------------------------------------------------------ submissions' state


def submission_lock_reason(submission: Submission) -> str | None:
    """Why the admin may not change this submission's figures, or None when it may: the state
    rule of the entry page (a draft or returned submission, in a period that accepts entries)."""
    if submission.status == Submission.Status.APPROVED:
        return gettext(
            "%(submission)s 的数据已审核，在管理后台只读。如需更正已审核的数据，请与审核人员"
            "一样在报送页面填写原因“重新打开”，退回县区修改后重新报送、审核。"
        ) % {"submission": submission}
    if submission.status == Submission.Status.SUBMITTED:
        return gettext(
            "%(submission)s 的数据已报送、等待审核，在管理后台只读。如需修改，请在报送页面"
            "填写原因退回县区。"
        ) % {"submission": submission}
    if not submission.period.accepts_entries():
        return gettext(
            "%(period)s 已不再接受填报（已关闭或已过锁定期限），其数据在管理后台只读。"
        ) % {"period": submission.period}
    return None


def _warn_read_only(request, submission: Submission) -> None:
    """On the read-only page: why, and a link to the submission's page."""
    reason = submission_lock_reason(submission)
    if reason is None:
        return
    url = reverse(
        "submission_form",
        kwargs={
            "code": submission.county.code,
            "year": submission.period.year,
            "month": submission.period.month,
        },
    )
    messages.warning(
        request, format_html('{} <a href="{}">{}</a>', reason, url, gettext("打开报送页面"))
    )


def _locked_for_write(submission_id: int) -> Submission:
    """The submission, row-locked as the entry form locks it (its county, then itself), when its
    figures may still change; PermissionDenied otherwise. Inside a transaction only."""
    county_id = (
        Submission.objects.filter(pk=submission_id).values_list("county_id", flat=True).first()
    )
    County.objects.select_for_update().filter(pk=county_id).first()
    submission = (
        Submission.objects.select_for_update(of=("self",))
        .select_related("county", "period")
        .get(pk=submission_id)
    )
    reason = submission_lock_reason(submission)
    if reason is not None:
        raise PermissionDenied(reason)
    return submission


def _bump_version(submission: Submission) -> None:
    Submission.objects.filter(pk=submission.pk).update(version=F("version") + 1)


# ------------------------------------------------------------------------------ value forms


class EntryNumberField(forms.CharField):
    """A number read as the entry page reads it (１２３４, 1,234.5); empty is no value."""

    def to_python(self, value: Any):
        try:
            return parse_number(super().to_python(value))
        except NumberError as exc:
            raise ValidationError(str(exc), code="invalid") from exc


class SubmissionValueForm(forms.ModelForm):
    """One value as the entry page checks it: `services.check_entries` for its county and
    period; blocking problems are errors of their field. A stored value keeps its submission
    and indicator (to move a figure is to delete it and add another)."""

    value = EntryNumberField(label=_("本年累计"), required=False)
    prior_value = EntryNumberField(label=_("上年同期"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            for name in ("submission", "indicator"):
                if name in self.fields:
                    self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        entry_fields = ("indicator", "value", "prior_value", "note")
        if cleaned.get("DELETE") or any(name in self.errors for name in entry_fields):
            return cleaned
        if self.instance.pk is not None and not self.has_changed():
            return cleaned
        indicator = cleaned.get("indicator") or self.instance.indicator
        entry = Entry(cleaned.get("value"), cleaned.get("prior_value"), cleaned.get("note") or "")
        submission = self.instance.submission
        exempt = exemptions_for_entry(submission.period, [submission.county])
        reason = exempt.get(submission.county_id, {}).get(indicator.code)
        if reason is not None:  # 不考核: the county does not report it
            self._error(
                "value",
                gettext("%(county)s 的“%(indicator)s”不考核（%(reason)s），不填报数值。")
                % {
                    "county": submission.county,
                    "indicator": indicator.display_name,
                    "reason": reason,
                },
            )
            return cleaned
        issues, indicators = check_entries(
            county=submission.county, period=submission.period, entries={indicator.code: entry}
        )
        if indicator.code not in {i.code for i in indicators}:
            self._error(
                "indicator",
                gettext("指标代码 %(code)s 不在本期填报范围内。") % {"code": indicator.code},
            )
        for issue in issues:
            if issue.blocking and issue.code == indicator.code:
                self._error(issue.field, issue.message)
        return cleaned

    def _error(self, field: str, message: str) -> None:
        editable = field in self.fields and not self.fields[field].disabled
        self.add_error(field if editable else None, message)

    def save(self, commit: bool = True):
        if self.has_changed():
            self.instance.channel = SubmissionValue.Channel.ADMIN
        return super().save(commit)


class SubmissionValueInline(admin.TabularInline):
    """The values of a submission, editable while its county could edit them."""

    model = SubmissionValue
    form = SubmissionValueForm
    extra = 0
    autocomplete_fields = ["indicator"]
    fields = ["indicator", "value", "prior_value", "note"]

    def has_add_permission(self, request, obj=None) -> bool:
        if obj is not None and submission_lock_reason(obj):
            return False
        return super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and submission_lock_reason(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and submission_lock_reason(obj):
            return False
        return super().has_delete_permission(request, obj)


# ------------------------------------------------------------------------------ submissions

SUBMISSION_FIELDS = [
    "county",
    "period",
    "status",
    "version",
    "is_late",
    "submitted_at",
    "submitted_by",
    "reviewed_at",
    "reviewed_by",
    "return_reason",
    "created_at",
    "updated_at",
]


@admin.register(Submission)
class SubmissionAdmin(AdminWriteMixin, SimpleHistoryAdmin):
    """Every field of a submission is read-only here; only its values may change (see the
    module's docstring for when)."""

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
    fields = SUBMISSION_FIELDS
    readonly_fields = SUBMISSION_FIELDS
    inlines = [SubmissionValueInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and submission_lock_reason(obj):
            return False
        return super().has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                _warn_read_only(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        """Nothing of the submission itself is saved here (every field is read-only; this also
        keeps simple-history's revert form from writing an old status back)."""

    def save_related(self, request, form, formsets, change) -> None:
        with transaction.atomic():
            submission = _locked_for_write(form.instance.pk)
            super().save_related(request, form, formsets, change)
            if any(fs.new_objects or fs.changed_objects or fs.deleted_objects for fs in formsets):
                _bump_version(submission)


@admin.register(SubmissionValue)
class SubmissionValueAdmin(AdminWriteMixin, SimpleHistoryAdmin):
    """A value, editable while its county could edit it, checked as the entry page checks it.
    Values are added on their submission's page."""

    form = SubmissionValueForm
    list_display = ["submission", "indicator", "value", "prior_value", "channel"]
    list_filter = ["indicator__category", "submission__period__year", "channel"]
    search_fields = ["submission__county__name", "indicator__name", "indicator__code"]
    list_select_related = ["submission__county", "submission__period", "indicator"]
    fields = ["submission", "indicator", "value", "prior_value", "note"]
    readonly_fields = ["submission", "indicator"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and submission_lock_reason(obj.submission):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and submission_lock_reason(obj.submission):
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                _warn_read_only(request, obj.submission)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        with transaction.atomic():
            submission = _locked_for_write(obj.submission_id)
            super().save_model(request, obj, form, change)
            _bump_version(submission)

    def delete_model(self, request, obj) -> None:
        with transaction.atomic():
            submission = _locked_for_write(obj.submission_id)
            super().delete_model(request, obj)
            _bump_version(submission)


# ------------------------------------------------------------------- counties and periods


def assessment_years() -> set[int]:
    """The years whose rankings follow a change to a county: this year (the nightly run's) and
    any year with a period still open. Closed years keep their final rankings."""
    years = set(Period.objects.filter(is_open=True).values_list("year", flat=True))
    return years | {timezone.localdate().year}


class CountyMembershipInline(admin.TabularInline):
    model = CountyMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(County)
class CountyAdmin(AdminWriteMixin, SimpleHistoryAdmin):
    """A county added or deleted, or a change to what the engine reads of it (code, kind for
    peer groups, ranked or not, active or not, region for imputation), rescored the open
    assessment years. The leader
    in charge and the contact (责任分工) are kept in the history with every other change."""

    RANKING_FIELDS = ("code", "kind", "is_ranked", "is_active", "region")

    list_display = [
        "name",
        "code",
        "kind",
        "region",
        "is_ranked",
        "leader",
        "contact",
        "display_order",
    ]
    list_filter = ["kind", "region", "is_ranked", "is_active"]
    list_editable = ["display_order"]
    search_fields = ["name", "name_en", "code"]
    inlines = [CountyMembershipInline]

    def save_model(self, request, obj, form, change) -> None:
        before = (
            County.objects.filter(pk=obj.pk).values(*self.RANKING_FIELDS).first()
            if change
            else None
        )
        super().save_model(request, obj, form, change)
        if before is None or any(before[f] != getattr(obj, f) for f in self.RANKING_FIELDS):
            self._rescore(request)

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        self._rescore(request)

    def _rescore(self, request) -> None:
        ranking_inputs_changed_on_commit(sender=County, user=request.user, years=assessment_years())


@admin.register(CountyMembership)
class CountyMembershipAdmin(AdminWriteMixin, admin.ModelAdmin):
    list_display = ["user", "county"]
    list_filter = ["county"]
    search_fields = ["user__username", "county__name"]
    autocomplete_fields = ["user", "county"]


@admin.register(DepartmentMembership)
class DepartmentMembershipAdmin(AdminWriteMixin, admin.ModelAdmin):
    """Department reporters (部门填报员): a user in the `department` group enters the indicators
    marked 由部门填报 of each department it belongs to, for every county."""

    list_display = ["user", "department"]
    list_filter = ["department"]
    search_fields = ["user__username", "department__name"]
    autocomplete_fields = ["user"]


@admin.register(Period)
class PeriodAdmin(AdminWriteMixin, admin.ModelAdmin):
    """A period's year and month are its identity once it exists (its figures and rankings hang
    on it). Opening or closing it rescored it: a closed month's ranking is final, so it is
    scored with everything approved by then (a recompute lost while the broker was away is
    caught up). The deadline feeds no ranking."""

    list_display = ["__str__", "year", "month", "deadline", "is_open"]
    list_filter = ["year", "is_open"]
    list_editable = ["deadline", "is_open"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + ["year", "month"] if obj is not None else fields

    def save_model(self, request, obj, form, change) -> None:
        was_open = (
            Period.objects.filter(pk=obj.pk).values_list("is_open", flat=True).first()
            if change
            else None
        )
        super().save_model(request, obj, form, change)
        if change and was_open != obj.is_open:
            ranking_inputs_changed_on_commit(sender=Period, user=request.user, periods=[obj])


# ------------------------------------------------------------------------------ exemptions


class ExemptionForm(forms.ModelForm):
    """An exemption of one of the indicators its rule set scores, with a reason, in a draft
    rule set (`services_exemptions.exemption_problems`, as the services check it)."""

    class Meta:
        model = Exemption
        fields = ["ruleset", "county", "indicator", "reason"]

    def clean(self):
        cleaned = super().clean()
        ruleset, indicator = cleaned.get("ruleset"), cleaned.get("indicator")
        if ruleset is None or indicator is None:
            return cleaned
        problems = exemption_problems(
            ruleset=ruleset, indicator=indicator, reason=cleaned.get("reason") or ""
        )
        for field, message in problems.items():
            if field and field in self.errors:
                continue  # the field's own error says it already
            self.add_error(field or None, message)
        return cleaned


@admin.register(Exemption)
class ExemptionAdmin(AdminWriteMixin, PublishedReadOnlyMixin, SimpleHistoryAdmin):
    """不考核: the counties a rule set does not score on an indicator, set by admins on a draft
    rule set. A published rule set's exemptions are read-only (a new version copies them, to
    be changed there); none of them touch a ranking until their rule set is published."""

    form = ExemptionForm
    list_display = ["county", "indicator", "ruleset", "reason", "updated_at"]
    list_filter = ["ruleset", "county", "indicator"]
    search_fields = ["county__name", "county__code", "indicator__name", "indicator__code", "reason"]
    list_select_related = ["ruleset", "county", "indicator"]
    autocomplete_fields = ["county", "indicator"]
    readonly_fields = ["created_at", "updated_at"]

    def has_add_permission(self, request) -> bool:
        return access.can_configure_exemptions(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return access.can_configure_exemptions(request.user) and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return access.can_configure_exemptions(request.user) and super().has_delete_permission(
            request, obj
        )

    def _published(self, request, object_id) -> Exemption | None:
        obj = self.get_object(request, unquote(object_id))
        return obj if obj is not None and obj.ruleset.is_published else None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        published = self._published(request, object_id)
        if published is not None:
            if request.method == "POST":
                raise PermissionDenied(published_message(published.ruleset))
            messages.warning(request, published_message(published.ruleset))
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        published = self._published(request, object_id)
        if published is not None:
            raise PermissionDenied(published_message(published.ruleset))
        return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request, queryset) -> None:
        """The list's delete action: refused as a whole (nothing deleted) when it takes an
        exemption of a published rule set."""
        published = queryset.filter(ruleset__status="published").select_related("ruleset").first()
        if published is not None:
            raise PermissionDenied(published_message(published.ruleset))
        super().delete_queryset(request, queryset)
