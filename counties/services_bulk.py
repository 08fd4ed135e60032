"""Writes of many counties' figures for one period at once, all or nothing.

Two channels use them:
- `import`: the statistics bureau (reviewers) imports a whole month, an all-counties workbook or
  a long CSV, into every county's draft (`submissions_import`);
- `department`: a city department's reporter enters the indicators its department supplies for
  every county on one grid or workbook (`department_values_save`).

Both check every value with the same rules as the county's form (validation.check_entry),
refuse stale work as issue 8's form does (a file or grid made before someone else's save is
refused when it would change what that save stored, with the list of changes; the user confirms
an overwrite against the versions shown), and save nothing when anything is wrong. The checks
read every county's context in a few queries and the writes go in bulk with their history rows,
so a province month (200 counties x 60 indicators) checks and saves in one request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Department, Indicator
from scorecard.bulk import copy_supported, reserve_ids, rows_insert, rows_update
from scorecard.history import history_rows_insert

from . import access, selectors
from .models import County, Period, Submission, SubmissionValue
from .selectors import department_stamp
from .services import (
    NO_SUBMISSION_VERSION,
    UNKNOWN_VERSION,
    Change,
    differences,
)
from .validation import Entry, IndicatorContext, Issue, check_entry, exempt_entry_issues

Channel = SubmissionValue.Channel
BATCH = 2000


@dataclass(frozen=True)
class CountyIssue:
    """A problem (or warning) with one county's entry for one indicator."""

    county: County
    issue: Issue


class BulkInvalid(Exception):
    """Some entries have problems; nothing was saved. `problems` lists every one."""

    def __init__(self, problems: list[CountyIssue]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.issue.message for p in problems[:5]))


@dataclass(frozen=True)
class CountyConflict:
    county: County
    changes: list[Change]
    stamp: int | str  # what to confirm an overwrite against: the version (or grid stamp) now
    by: str


class BulkConflict(Exception):
    """Someone saved some counties' figures after the file or grid was made, and this save
    would change what they stored; nothing was saved."""

    def __init__(self, conflicts: list[CountyConflict]) -> None:
        self.conflicts = conflicts
        super().__init__(f"{len(conflicts)} counties changed since")

    @property
    def stamps(self) -> dict[str, int | str]:
        return {c.county.code: c.stamp for c in self.conflicts}


@dataclass
class BulkResult:
    counties: int = 0  # counties whose figures changed
    created: int = 0  # submissions created
    values: int = 0  # values written
    warnings: list[CountyIssue] = field(default_factory=list)


@dataclass
class _Plan:
    """One county's part of a bulk save, locked and checked."""

    county: County
    submission: Submission | None
    stored: dict[int, selectors.StoredValue]
    entries: dict[str, Entry]


def entries_check(
    *, period: Period, entries: Mapping[str, Mapping[str, Entry]]
) -> list[CountyIssue]:
    """The errors of these entries by the form's rules, without saving or locking anything:
    what a file that also has unreadable cells is told at once, so that one upload lists every
    problem."""
    counties = list(County.objects.filter(code__in=list(entries), is_active=True))
    indicators = selectors.indicators_for_entry(period)
    known = {ind.code for ind in indicators}
    contexts = selectors.entry_contexts_many(
        counties=counties, period=period, indicators=indicators
    )
    limit = Decimal(settings.GROWTH_JUMP_WARNING_POINTS)
    found = []
    for county in counties:
        county_entries = {c: e for c, e in entries[county.code].items() if c in known}
        found += [CountyIssue(county, i) for i in _drop_exempt(contexts[county.pk], county_entries)]
        for code, entry in county_entries.items():
            for issue in check_entry(contexts[county.pk][code], entry, growth_jump_points=limit):
                if issue.blocking:
                    found.append(CountyIssue(county, issue))
    return found


def _drop_exempt(
    contexts: Mapping[str, IndicatorContext], entries: dict[str, Entry]
) -> list[Issue]:
    """Take the entries of indicators the county is exempted from (不考核) out of `entries`
    (known codes only); the errors of those that carry a figure (a file or grid would store
    it: refused, nothing saved)."""
    issues: list[Issue] = []
    for code in sorted(entries):
        ctx = contexts[code]
        if ctx.exemption is not None:
            entry = entries.pop(code)
            issues += exempt_entry_issues(
                code=code, name=ctx.name, reason=ctx.exemption, entry=entry
            )
    return issues


def _run(
    *,
    period: Period,
    user: User,
    channel: str,
    entries: Mapping[str, Mapping[str, Entry]],
    allowed: Callable[[str], set[str] | None],
    stamp: Callable[[Submission | None, dict[int, selectors.StoredValue]], int | str],
    expected: Mapping[str, int | str | None],
    may_change: Callable[[Submission | None], str | None],
    new_status: Callable[[Submission], str] | None,
) -> BulkResult:
    """The shared walk: lock the counties and their submissions, check every entry, refuse
    stale counties, then write the changes in bulk with their history."""
    if not period.accepts_entries():
        raise ValidationError(_("%(period)s 已关闭，不能再修改。") % {"period": period})
    problems: list[CountyIssue] = []
    codes = sorted(entries)
    counties = list(
        County.objects.select_for_update().filter(code__in=codes, is_active=True).order_by("pk")
    )
    by_code = {c.code: c for c in counties}
    for code in codes:
        if code not in by_code:
            problems.append(
                CountyIssue(
                    County(code=code, name=code),
                    Issue(
                        "",
                        "value",
                        "unknown_county",
                        _("行政区划代码 %(code)s 不是本市启用的县区。") % {"code": code},
                        True,
                    ),
                )
            )
    submissions = {
        s.county_id: s
        for s in Submission.objects.select_for_update()
        .filter(county__in=counties, period=period)
        .order_by("county_id")
    }
    stored = selectors.values_of_submissions(list(submissions.values()))
    indicators = selectors.indicators_for_entry(period)
    indicator_by_code = {ind.code: ind for ind in indicators}
    contexts = selectors.entry_contexts_many(
        counties=counties, period=period, indicators=indicators
    )
    limit = Decimal(settings.GROWTH_JUMP_WARNING_POINTS)
    warnings: list[CountyIssue] = []
    plans: list[_Plan] = []
    conflicts: list[CountyConflict] = []
    for county in counties:
        submission = submissions.get(county.pk)
        current = stored.get(submission.pk, {}) if submission else {}
        county_entries = dict(entries[county.code])
        permitted = allowed(county.code)
        for code in sorted(county_entries):
            if code not in indicator_by_code or (permitted is not None and code not in permitted):
                message = (
                    _("指标代码 %(code)s 不在本期填报范围内。")
                    if code not in indicator_by_code
                    else _("指标 %(code)s 不由你填报。")
                ) % {"code": code}
                problems.append(CountyIssue(county, Issue(code, "value", "unknown", message, True)))
                county_entries.pop(code)
        exempt = _drop_exempt(contexts[county.pk], county_entries)
        problems += [CountyIssue(county, issue) for issue in exempt]
        for code, entry in county_entries.items():
            for issue in check_entry(contexts[county.pk][code], entry, growth_jump_points=limit):
                (problems if issue.blocking else warnings).append(CountyIssue(county, issue))
        if submission is None and all(
            e.value is None and not e.note.strip() for e in county_entries.values()
        ):
            continue  # an untouched template of a county with nothing stored: no draft of it
        changes = differences(current, county_entries, indicator_by_code)
        if not changes:
            continue  # nothing to write for this county
        refusal = may_change(submission)
        if refusal:
            problems.append(
                CountyIssue(county, Issue("", "value", "locked", refusal, True)),
            )
            continue
        want = expected.get(county.code)
        now = stamp(submission, current)
        if want != now:
            conflicts.append(
                CountyConflict(
                    county=county,
                    changes=changes,
                    stamp=now,
                    by=selectors.submission_last_editor(submission) if submission else "",
                )
            )
        plans.append(_Plan(county, submission, current, county_entries))
    if problems:
        raise BulkInvalid(problems)
    if conflicts:
        raise BulkConflict(conflicts)
    return _write(
        period=period,
        user=user,
        channel=channel,
        plans=plans,
        warnings=warnings,
        indicators=indicator_by_code,
        new_status=new_status,
    )


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


VALUE_FIELDS = ["submission_id", "indicator_id", "value", "prior_value", "note", "channel"]


def _write(
    *,
    period: Period,
    user: User,
    channel: str,
    plans: list[_Plan],
    warnings: list[CountyIssue],
    indicators: dict[str, Indicator],
    new_status: Callable[[Submission], str] | None,
) -> BulkResult:
    """`new_status`: each changed submission's state after the save, its version counting up;
    None leaves the submissions as they are (a department's figures are read-only to the
    county, so they never make the county's open form or template stale).

    The values go in with COPY and one UPDATE ... FROM (scorecard.bulk), their history rows with
    them, as simple-history records a save (who, when, the channel as the reason)."""
    result = BulkResult(warnings=warnings)
    now = timezone.now()
    history = {"user": user, "reason": channel, "date": now}
    fresh = [
        Submission(
            county=p.county,
            period=period,
            status=Submission.Status.DRAFT,
            version=1,
            created_at=now,
            updated_at=now,
        )
        for p in plans
        if p.submission is None
    ]
    if fresh:
        Submission.objects.bulk_create(fresh, batch_size=BATCH)
        history_rows_insert(Submission, [_fields(s) for s in fresh], history_type="+", **history)
        made = {s.county_id: s for s in fresh}
        for plan in plans:
            if plan.submission is None:
                plan.submission = made[plan.county.pk]
        result.created = len(fresh)
    new_rows: list[dict] = []
    changed_rows: list[dict] = []
    touched: list[Submission] = []
    for plan in plans:
        submission = plan.submission
        assert submission is not None
        for code, entry in plan.entries.items():
            indicator = indicators[code]
            row = plan.stored.get(indicator.pk)
            figures = (entry.value, entry.prior_value, entry.note)
            written = (submission.pk, indicator.pk, *figures, channel)
            if row is None:
                new_rows.append(dict(zip(VALUE_FIELDS, written, strict=True)))
            elif (row.value, row.prior_value, row.note) != figures:
                changed_rows.append({"id": row.pk, **dict(zip(VALUE_FIELDS, written, strict=True))})
        if new_status is not None and submission not in fresh:
            submission.version += 1  # the rows are locked: no other save can come in between
            submission.status = new_status(submission)
            submission.updated_at = now
            touched.append(submission)
    if new_rows:
        ids = reserve_ids(SubmissionValue, len(new_rows)) if copy_supported() else None
        if ids is None:
            made_values = SubmissionValue.objects.bulk_create(
                [SubmissionValue(**row) for row in new_rows], batch_size=BATCH
            )
            ids = [v.pk for v in made_values]
        else:
            rows_insert(
                SubmissionValue,
                ["id", *VALUE_FIELDS],
                (
                    [pk, *(row[f] for f in VALUE_FIELDS)]
                    for pk, row in zip(ids, new_rows, strict=True)
                ),
            )
        for pk, row in zip(ids, new_rows, strict=True):
            row["id"] = pk
        history_rows_insert(SubmissionValue, new_rows, history_type="+", **history)
    if changed_rows:
        changing = ["value", "prior_value", "note", "channel"]
        rows_update(
            SubmissionValue,
            changing,
            ([row["id"], *(row[f] for f in changing)] for row in changed_rows),
        )
        history_rows_insert(SubmissionValue, changed_rows, history_type="~", **history)
    if touched:
        rows_update(
            Submission,
            ["version", "status", "updated_at"],
            ([s.pk, s.version, s.status, s.updated_at] for s in touched),
        )
        history_rows_insert(Submission, [_fields(s) for s in touched], history_type="~", **history)
    result.counties = len(plans)
    result.values = len(new_rows) + len(changed_rows)
    return result


def _user(user: access.AnyUser) -> User:
    if not isinstance(user, User):
        raise PermissionDenied
    return user


# ----------------------------------------------------------------------------- import


@transaction.atomic
def submissions_import(
    *,
    period: Period,
    user: access.AnyUser,
    entries: Mapping[str, Mapping[str, Entry]],
    versions: Mapping[str, int | None],
) -> BulkResult:
    """The statistics bureau's import of a period for many counties (by division code, then
    indicator code) into their drafts, channel `import`. `versions`: per county, the submission
    version the file was made from (the all-counties template states it), or None where the file
    does not say (a CSV): then any stored figure it would change needs confirming. A county
    whose figures are submitted or approved is not changed by an import (return or reopen it
    first); an import that changes nothing there passes."""
    if not access.can_import_period(user):
        raise PermissionDenied(_("只有市统计局审核人员可以批量导入各县区数据。"))

    def stamp(submission: Submission | None, _values: dict) -> int:
        return submission.version if submission is not None else NO_SUBMISSION_VERSION

    expected: dict[str, int | str | None] = {}
    stored_versions = dict(
        Submission.objects.filter(period=period, county__code__in=list(entries)).values_list(
            "county__code", "version"
        )
    )
    for code in entries:
        stated = versions.get(code)
        if stated is None:
            stated = UNKNOWN_VERSION if code in stored_versions else NO_SUBMISSION_VERSION
        expected[code] = stated

    def may_change(submission: Submission | None) -> str | None:
        if submission is None or submission.status in (
            Submission.Status.DRAFT,
            Submission.Status.RETURNED,
        ):
            return None
        return _("本县区本期数据已%(status)s，导入不能修改；如需修改请先退回或重新打开。") % {
            "status": submission.get_status_display()
        }

    return _run(
        period=period,
        user=_user(user),
        channel=Channel.IMPORT,
        entries=entries,
        allowed=lambda code: None,
        stamp=stamp,
        expected=expected,
        may_change=may_change,
        new_status=lambda submission: Submission.Status.DRAFT,
    )


# ----------------------------------------------------------------------------- department


def department_indicators(department: Department, period: Period) -> list[Indicator]:
    """The indicators of the period's entry that this department enters for every county."""
    return [
        ind
        for ind in selectors.indicators_for_entry(period)
        if ind.entered_by_department and ind.department_id == department.pk
    ]


@transaction.atomic
def department_values_save(
    *,
    department: Department,
    period: Period,
    user: access.AnyUser,
    entries: Mapping[str, Mapping[str, Entry]],
    stamps: Mapping[str, str],
) -> BulkResult:
    """A department reporter's figures for its indicators, for many counties (by division code,
    then indicator code), into each county's submission with the channel `department`.
    `stamps`: per county, the department_stamp the grid or workbook was made from (a file that
    does not say counts as made from no figures: it may add, not overwrite). A county's
    approved month is not changed (the reviewer reopens it first); a draft, returned or
    submitted one is, and keeps its state: the reviewer approves the month as usual."""
    if not access.can_enter_for_department(user, department):
        raise PermissionDenied(_("只有本部门的填报员可以填报本部门的指标。"))
    own = department_indicators(department, period)
    codes = {ind.code for ind in own}
    ids = [ind.pk for ind in own]

    def may_change(submission: Submission | None) -> str | None:
        if submission is None or submission.status != Submission.Status.APPROVED:
            return None
        return _("本县区本期数据已审核，部门数据不能再修改；如需修改请联系市统计局重新打开。")

    return _run(
        period=period,
        user=_user(user),
        channel=Channel.DEPARTMENT,
        entries=entries,
        allowed=lambda code: codes,
        stamp=lambda submission, values: department_stamp(values, ids),
        expected={code: stamps.get(code) or department_stamp({}, ids) for code in entries},
        may_change=may_change,
        new_status=None,
    )
