"""Writes for submissions. Each function checks rights and state before it saves anything, and
saves all or nothing.

Workflow: draft -> submitted -> approved, or submitted -> returned (with the reviewer's reason)
-> draft again when the county edits it. Approved values are locked; a reviewer may reopen an
approved submission with a reason (it goes back to the county as returned). Every value change
is kept by django-simple-history with the channel it came through (form, upload, admin, api)
as its change reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Indicator
from scorecard.history import set_change_reason, set_history_user

from . import selectors
from .access import AnyUser, can_edit_county, can_review
from .models import County, Period, Submission, SubmissionValue
from .signals import submission_approved, submission_reopened, submission_returned
from .validation import NOTE_MAX, Entry, Issue, check_entry, unexplained_warnings

REASON_MAX = NOTE_MAX  # a return or reopen reason: as long as a value's note at most

# The channels a county's own save comes through; the department and import channels write
# through services_bulk.
CHANNELS = ("form", "upload", "admin", "api")

# The version a form or template records for a month that has no submission yet; a saved
# submission starts at 1 and counts up with every save.
NO_SUBMISSION_VERSION = 0
# What a file expects when it does not say which version it was made from (a CSV, a workbook of
# one's own): it matches no stored month, so replacing stored figures with it needs the user's
# confirmation after seeing what would change.
UNKNOWN_VERSION = -1


class EntryInvalid(Exception):
    """The entries have problems; nothing was saved. `issues` lists every one."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = issues
        super().__init__("; ".join(i.message for i in issues))


@dataclass(frozen=True)
class Change:
    indicator: Indicator
    field: str
    theirs: Decimal | str | None  # what is in the database now
    yours: Decimal | str | None  # what this save tried to write

    @property
    def field_label(self) -> str:
        labels = {"value": _("本年累计"), "prior_value": _("上年同期"), "note": _("说明")}
        return labels[self.field]


class EditConflict(Exception):
    """Someone saved the submission after this user loaded it (or made the template); nothing
    was saved. `changes` lists where what is stored now differs from what this save tried to
    write; `version` is the version stored now, to confirm an overwrite against."""

    def __init__(
        self,
        *,
        submission: Submission | None,
        changes: list[Change],
        by: str,
        expected: int | None = None,
    ) -> None:
        self.submission = submission
        self.changes = changes
        self.by = by
        self.expected = expected
        self.version = submission.version if submission is not None else 0
        super().__init__(f"submission changed (expected version {expected}, now {self.version})")


@dataclass
class SaveResult:
    submission: Submission
    warnings: list[Issue] = field(default_factory=list)


def _check_can_edit(
    user: AnyUser, county: County, period: Period, submission: Submission | None
) -> User:
    """PermissionDenied or ValidationError unless the user may edit the county's figures for
    the period now; otherwise the user, a signed-in reporter of the county."""
    if not isinstance(user, User) or not can_edit_county(user, county):
        raise PermissionDenied(_("只有本县区的填报员可以填报本县区的数据。"))
    if not period.accepts_entries():
        raise ValidationError(_("%(period)s 已关闭，不能再修改。") % {"period": period})
    if submission is not None and submission.status not in (
        Submission.Status.DRAFT,
        Submission.Status.RETURNED,
    ):
        raise ValidationError(
            _("%(period)s 的数据当前状态为“%(status)s”，不能修改。")
            % {"period": period, "status": submission.get_status_display()}
        )
    return user


def department_entered_codes(indicators: list[Indicator]) -> set[str]:
    """Codes of the indicators (a period's, indicators_for_entry) that city departments enter
    for every county."""
    return {ind.code for ind in indicators if ind.entered_by_department}


def check_entries(
    *,
    county: County,
    period: Period,
    entries: dict[str, Entry],
    indicators: list[Indicator] | None = None,
) -> tuple[list[Issue], list[Indicator]]:
    """All problems with a set of entries (by indicator code), as the form and upload show them.
    `indicators`: the period's (indicators_for_entry), when the caller has them already."""
    if indicators is None:
        indicators = selectors.indicators_for_entry(period)
    contexts = selectors.entry_contexts(county=county, period=period, indicators=indicators)
    limit = Decimal(settings.GROWTH_JUMP_WARNING_POINTS)
    issues = []
    for ind in indicators:
        entry = entries.get(ind.code, Entry(None, None, ""))
        issues.extend(check_entry(contexts[ind.code], entry, growth_jump_points=limit))
    return issues, indicators


@transaction.atomic
def submission_save(
    *,
    county: County,
    period: Period,
    user: AnyUser,
    entries: dict[str, Entry],
    expected_version: int | None,
    channel: str,
) -> SaveResult:
    """Save a county's figures for a period as a draft. Errors save nothing; warnings are
    returned (they block submitting until explained). Figures of the indicators a department
    enters, or that the county is exempted from (不考核), are ignored. `expected_version` is the
    version the user loaded (NO_SUBMISSION_VERSION when there was no submission yet): if
    someone saved in between, EditConflict says what differs. None skips the check: only for a
    save the user has confirmed after seeing that list."""
    assert channel in CHANNELS, channel
    # what a city department enters (部门填报) is read-only to the county, and what the year's
    # rule set exempts it from (不考核) is not reported at all: neither is ever written here
    indicators = selectors.indicators_for_entry(period)
    theirs = department_entered_codes(indicators)
    theirs |= set(selectors.exemptions_for_entry(period, [county]).get(county.pk, {}))
    entries = {c: e for c, e in entries.items() if c not in theirs}
    # One save of a county at a time: the county row is the lock, so that two first saves of a
    # month cannot both create it, and the version check below sees the other's commit.
    County.objects.select_for_update().filter(pk=county.pk).first()
    submission = Submission.objects.select_for_update().filter(county=county, period=period).first()
    _check_can_edit(user, county, period, submission)
    issues, indicators = check_entries(
        county=county, period=period, entries=entries, indicators=indicators
    )
    errors = [i for i in issues if i.blocking]
    if errors:
        raise EntryInvalid(errors)
    by_code = {ind.code: ind for ind in indicators}
    unknown = sorted(set(entries) - set(by_code))
    if unknown:
        raise EntryInvalid(
            [
                Issue(
                    code,
                    "value",
                    "unknown",
                    _("指标代码 %(code)s 不在本期填报范围内。") % {"code": code},
                    True,
                )
                for code in unknown
            ]
        )
    current = (
        {v.indicator_id: v for v in submission.values.select_related("indicator")}
        if submission is not None
        else {}
    )
    stored_version = submission.version if submission is not None else NO_SUBMISSION_VERSION
    if expected_version is not None and stored_version != expected_version:
        raise EditConflict(
            submission=submission,
            changes=differences(current, entries, by_code),
            by=selectors.submission_last_editor(submission) if submission else _("其他用户"),
            expected=expected_version,
        )
    if submission is None:
        submission = Submission.objects.create(county=county, period=period)
    for code, entry in entries.items():
        indicator = by_code[code]
        row = current.get(indicator.id)
        if row is None:
            row = SubmissionValue(submission=submission, indicator=indicator)
        elif (row.value, row.prior_value, row.note) == (entry.value, entry.prior_value, entry.note):
            continue
        row.value, row.prior_value, row.note = entry.value, entry.prior_value, entry.note
        row.channel = channel
        set_change_reason(row, channel)
        row.save()
    submission.version += 1  # the row is locked: no other save can come in between
    submission.status = Submission.Status.DRAFT
    set_history_user(submission, user)
    set_change_reason(submission, channel)
    submission.save(update_fields=["version", "status", "updated_at"])
    return SaveResult(submission=submission, warnings=[i for i in issues if i.is_warning])


def differences(
    current: Mapping[int, SubmissionValue] | Mapping[int, selectors.StoredValue],
    entries: Mapping[str, Entry],
    by_code: Mapping[str, Indicator],
) -> list[Change]:
    """Where `entries` would change the stored figures (by indicator id), field by field."""
    changes = []
    for code, entry in entries.items():
        indicator = by_code[code]
        row = current.get(indicator.id)
        for name in ("value", "prior_value", "note"):
            theirs = getattr(row, name) if row is not None else None
            yours = getattr(entry, name)
            if (theirs or None) != (yours or None):
                changes.append(Change(indicator, name, theirs, yours))
    return changes


@transaction.atomic
def submission_submit(*, submission: Submission, user: AnyUser) -> Submission:
    """Send the county's figures to the city. Warnings need an explanation first."""
    locked = (
        Submission.objects.select_for_update()
        .select_related("county", "period")
        .get(pk=submission.pk)
    )
    editor = _check_can_edit(user, locked.county, locked.period, locked)
    stored = {
        v.indicator.code: Entry(v.value, v.prior_value, v.note)
        for v in locked.values.select_related("indicator")
    }
    issues, indicators = check_entries(county=locked.county, period=locked.period, entries=stored)
    blocking = [i for i in issues if i.blocking]
    notes = {code: e.note for code, e in stored.items()}
    # the department explains its own figures; the reviewer sees those warnings on approval
    theirs = department_entered_codes(indicators)
    blocking += [i for i in unexplained_warnings(issues, notes) if i.code not in theirs]
    if blocking:
        raise EntryInvalid(blocking)
    now = timezone.now()
    locked.status = Submission.Status.SUBMITTED
    locked.submitted_at = now
    locked.submitted_by = editor
    locked.is_late = timezone.localdate(now) > locked.period.deadline
    locked.version += 1
    set_history_user(locked, editor)
    set_change_reason(locked, "form")
    locked.save(
        update_fields=["status", "submitted_at", "submitted_by", "is_late", "version", "updated_at"]
    )
    return locked


def _reviewable(submission: Submission, user: AnyUser, status: str) -> Submission:
    if not can_review(user):
        raise PermissionDenied(_("只有市统计局审核人员可以审核报送。"))
    locked = (
        Submission.objects.select_for_update()
        .select_related("county", "period")
        .get(pk=submission.pk)
    )
    if locked.status != status:
        raise ValidationError(
            _("%(county)s %(period)s 当前状态为“%(status)s”，不能进行此操作。")
            % {
                "county": locked.county,
                "period": locked.period,
                "status": locked.get_status_display(),
            }
        )
    return locked


def _review_step(locked: Submission, user: AnyUser, status: str, *, reason: str) -> None:
    """Move a locked submission to `status` as the reviewer's step, saved through the model so
    that the history (and the trail page) records who did it and when."""
    locked.status = status
    locked.reviewed_at = timezone.now()
    locked.reviewed_by = user if isinstance(user, User) else None
    locked.return_reason = reason
    locked.version += 1
    set_history_user(locked, user)
    set_change_reason(locked, "review")
    locked.save(
        update_fields=[
            "status",
            "reviewed_at",
            "reviewed_by",
            "return_reason",
            "version",
            "updated_at",
        ]
    )


def submission_warnings(submission: Submission) -> list[tuple[Issue, str]]:
    """The warnings of a submission's stored figures, each with the county's explanation."""
    stored = {
        v.indicator.code: Entry(v.value, v.prior_value, v.note)
        for v in submission.values.select_related("indicator")
    }
    issues, _indicators = check_entries(
        county=submission.county, period=submission.period, entries=stored
    )
    return [(i, stored[i.code].note if i.code in stored else "") for i in issues if i.is_warning]


@transaction.atomic
def submission_approve(
    *, submission: Submission, user: AnyUser, confirm_warnings: bool = False
) -> Submission:
    """A reviewer approves a submitted report: its values lock and the ranking recomputes.

    A report with warnings (a growth jump, a value outside the county's range…) is approved
    only with `confirm_warnings`: the reviewer has been shown each warning with the county's
    explanation."""
    locked = _reviewable(submission, user, Submission.Status.SUBMITTED)
    if not confirm_warnings and (warnings := submission_warnings(locked)):
        raise ValidationError(
            _("本期有 %(n)d 条提示，请查看县区的说明并勾选确认后再审核通过。")
            % {"n": len(warnings)},
            code="warnings",
        )
    _review_step(locked, user, Submission.Status.APPROVED, reason="")
    submission_approved.send(sender=Submission, submission=locked, user=user)
    return locked


def _check_reason_length(reason: str) -> None:
    if len(reason.strip()) > REASON_MAX:
        raise ValidationError(
            _("原因不能超过 %(n)d 个字（现有 %(len)d 个字）。")
            % {"n": REASON_MAX, "len": len(reason.strip())}
        )


@transaction.atomic
def submission_return(*, submission: Submission, user: AnyUser, reason: str) -> Submission:
    """A reviewer sends a submitted report back to the county with a reason. Reviewers never
    change figures themselves."""
    if not reason.strip():
        raise ValidationError(_("退回时必须填写原因。"))
    _check_reason_length(reason)
    locked = _reviewable(submission, user, Submission.Status.SUBMITTED)
    _review_step(locked, user, Submission.Status.RETURNED, reason=reason.strip())
    transaction.on_commit(
        lambda: submission_returned.send(
            sender=Submission, submission=locked, user=user, reason=reason.strip()
        ),
        robust=True,
    )
    return locked


@transaction.atomic
def submission_reopen(*, submission: Submission, user: AnyUser, reason: str) -> Submission:
    """A reviewer reopens an approved report (it goes back to the county as returned); the
    ranking recomputes without it."""
    if not reason.strip():
        raise ValidationError(_("重新打开时必须填写原因。"))
    _check_reason_length(reason)
    locked = _reviewable(submission, user, Submission.Status.APPROVED)
    _review_step(locked, user, Submission.Status.RETURNED, reason=reason.strip())
    submission_reopened.send(sender=Submission, submission=locked, user=user)
    return locked
