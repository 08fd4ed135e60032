from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.models import Department, Indicator
from indicators.scoring.growth import growth_percent
from scorecard.params import year_param

from . import access, selectors, services
from .forms import parse_entry_post
from .models import Period, Submission
from .validation import Entry, Issue, NumberError, parse_number


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Per role: a reporter sees its counties' recent months; city staff every county's latest."""
    city_staff = access.is_city_staff(request.user)
    if not city_staff and access.may_open_department_entry(request.user):
        if not access.counties_visible_to(request.user).exists():
            return redirect("department_home")
    periods = selectors.periods_recent(limit=1 if city_staff else 6)
    board = selectors.submission_status_board(user=request.user, periods=periods)
    context = {
        "city_staff": city_staff,
        "periods": periods,
        "board": board,
        "latest": periods[0] if periods else None,
        "counts": (
            selectors.period_status_counts(user=request.user, period=periods[0])
            if periods and city_staff
            else None
        ),
    }
    return render(request, "counties/home.html", context)


@dataclass
class FormRow:
    indicator: Indicator
    value: str
    prior_value: str
    note: str
    last_month: Decimal | None
    growth: Decimal | None
    issues: list[Issue]
    off_month: bool = False  # quarterly, not scored this month: empty is expected
    # the department that enters this indicator for every county (read-only to the county)
    by_department: Department | None = None
    # 不考核: why the year's rule set does not score the county on it (read-only, not reported)
    exemption: str | None = None

    def _messages(self, field: str) -> list[Issue]:
        return [i for i in self.issues if i.field == field]

    @property
    def read_only(self) -> bool:
        """Never typed in by the county: a department's figure, or an exempted one."""
        return self.by_department is not None or self.exemption is not None

    @property
    def value_issues(self) -> list[Issue]:
        """Shown under the value: its errors and its warnings (which ask for a note)."""
        return self._messages("value")

    @property
    def prior_issues(self) -> list[Issue]:
        return self._messages("prior_value")

    @property
    def note_issues(self) -> list[Issue]:
        return self._messages("note")

    @property
    def value_invalid(self) -> bool:
        return any(i.blocking for i in self.value_issues)

    @property
    def prior_invalid(self) -> bool:
        return any(i.blocking for i in self.prior_issues)

    @property
    def needs_note(self) -> bool:
        """A warning that the note must explain, and no note yet (the department explains its
        own figures)."""
        return (
            not self.read_only and any(i.is_warning for i in self.issues) and not self.note.strip()
        )


def _text(number: Decimal | None) -> str:
    return "" if number is None else f"{number.normalize():f}"


def _typed(text: str) -> Decimal | None:
    try:
        return parse_number(text)
    except NumberError:
        return None


def _form_rows(*, county, period, submission, indicators, raw=None, issues=None):
    contexts = selectors.entry_contexts(county=county, period=period, indicators=indicators)
    stored = {}
    if submission is not None:
        stored = {v.indicator_id: v for v in submission.values.all()}
    defaults = selectors.last_year_values(county=county, period=period)
    if issues is None:
        entries = {
            ind.code: Entry(
                stored[ind.id].value if ind.id in stored else None,
                stored[ind.id].prior_value if ind.id in stored else defaults.get(ind.id),
                stored[ind.id].note if ind.id in stored else "",
            )
            for ind in indicators
        }
        issues, _indicators = services.check_entries(county=county, period=period, entries=entries)
    rows = []
    for ind in indicators:
        if raw is not None:
            texts = raw[ind.code]
        else:
            row = stored.get(ind.id)
            texts = {
                "value": _text(row.value) if row else "",
                "prior_value": _text(row.prior_value if row else defaults.get(ind.id)),
                "note": row.note if row else "",
            }
        value = stored[ind.id].value if ind.id in stored else None
        prior = stored[ind.id].prior_value if ind.id in stored else defaults.get(ind.id)
        if raw is not None:  # a refused post: the growth of what was typed, where it reads
            value, prior = _typed(texts["value"]), _typed(texts["prior_value"])
        exemption = contexts[ind.code].exemption
        if exemption is not None:  # not reported: nothing to show, whatever is stored or sent
            texts = {"value": "", "prior_value": "", "note": ""}
            value = prior = None
        rows.append(
            FormRow(
                indicator=ind,
                value=texts["value"],
                prior_value=texts["prior_value"],
                note=texts["note"],
                last_month=contexts[ind.code].last_month_value,
                growth=growth_percent(value, prior),
                issues=[i for i in issues if i.code == ind.code],
                off_month=contexts[ind.code].off_month,
                by_department=ind.department if ind.entered_by_department else None,
                exemption=exemption,
            )
        )
    return rows, issues


def _grouped(rows: list[FormRow]) -> list[tuple[object, list[FormRow]]]:
    groups: dict[int, tuple[object, list[FormRow]]] = {}
    for row in rows:
        groups.setdefault(row.indicator.category_id, (row.indicator.category, []))[1].append(row)
    return list(groups.values())


def _render_form(
    request, *, county, period, submission, status=200, raw=None, issues=None, conflict=None
):
    indicators = selectors.indicators_for_entry(period)
    rows, all_issues = _form_rows(
        county=county,
        period=period,
        submission=submission,
        indicators=indicators,
        raw=raw,
        issues=issues,
    )
    editable = (
        access.can_edit_county(request.user, county)
        and period.accepts_entries()
        and (submission is None or submission.status in ("draft", "returned"))
    )
    context = {
        "county": county,
        "period": period,
        "submission": submission,
        "groups": _grouped(rows),
        "errors": [i for i in all_issues if i.blocking],
        "warnings": [i for i in all_issues if i.is_warning],
        "editable": editable,
        "can_review": access.can_review(request.user),
        "overdue": period.days_overdue(submission),
        # what a reviewer confirms before approving: each warning with the explanation
        "review_warnings": (
            services.submission_warnings(submission)
            if submission is not None
            and submission.status == Submission.Status.SUBMITTED
            and access.can_review(request.user)
            else []
        ),
        "version": submission.version if submission else 0,
        "conflict": conflict,
    }
    return render(request, "counties/submission_form.html", context, status=status)


@login_required
def submission_form(request: HttpRequest, code: str, year: int, month: int) -> HttpResponse:
    """The monthly form of one county and period: enter, save as draft, submit; reviewers read
    it and approve or return it."""
    county = access.county_visible_or_404(request.user, code)
    period = get_object_or_404(Period, year=year, month=month)
    submission = selectors.submission_for(county, period)
    if request.method != "POST":
        return _render_form(request, county=county, period=period, submission=submission)

    indicators = selectors.indicators_for_entry(period)
    stored = (
        {
            v.indicator.code: Entry(v.value, v.prior_value, v.note)
            for v in submission.values.select_related("indicator")
        }
        if submission is not None
        else {}
    )
    parsed = parse_entry_post(request.POST, indicators, stored)
    keep = {"county": county, "period": period, "submission": submission, "raw": parsed.raw}
    if parsed.version is None:
        # without the version the form was opened at, a concurrent change could be overwritten
        messages.error(
            request, _("表单不完整或已过期（缺少版本号），未保存：请刷新页面后重新填写。")
        )
        return _render_form(request, status=400, **keep)
    if parsed.issues:
        # every problem at once: the checks of the fields that did read as numbers too
        unreadable = {i.code for i in parsed.issues}
        checked, _indicators = services.check_entries(
            county=county, period=period, entries=parsed.entries
        )
        others = [i for i in checked if i.blocking or i.code not in unreadable]
        return _render_form(request, status=400, issues=parsed.issues + others, **keep)
    try:
        result = services.submission_save(
            county=county,
            period=period,
            user=request.user,
            entries=parsed.entries,
            expected_version=parsed.version,
            channel="form",
        )
    except PermissionDenied:
        raise
    except services.EntryInvalid as exc:
        return _render_form(request, status=400, issues=exc.issues, **keep)
    except services.EditConflict as exc:
        return _render_form(request, status=409, conflict=exc, issues=[], **keep)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _render_form(request, status=400, **keep)
    submission = result.submission
    if request.POST.get("action") == "submit":
        try:
            services.submission_submit(submission=submission, user=request.user)
        except services.EntryInvalid as exc:
            messages.warning(request, _("已保存为草稿，但还不能报送：请先处理下列问题。"))
            return _render_form(
                request,
                county=county,
                period=period,
                submission=submission,
                status=400,
                issues=exc.issues,
            )
        messages.success(request, _("%(period)s 数据已报送市统计局。") % {"period": period})
    else:
        note = _("已保存为草稿。")
        if result.warnings:
            note += " " + _("有 %(n)d 处需要说明，报送前请填写说明。") % {"n": len(result.warnings)}
        messages.success(request, note)
    return redirect("submission_form", code=county.code, year=period.year, month=period.month)


def _review_action(request: HttpRequest, pk: int, action) -> HttpResponse:
    submission = access.submission_visible_or_404(request.user, pk)
    try:
        action(submission)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect(
        "submission_form",
        code=submission.county.code,
        year=submission.period.year,
        month=submission.period.month,
    )


@login_required
@require_POST
def submission_approve(request: HttpRequest, pk: int) -> HttpResponse:
    def approve(submission: Submission) -> None:
        services.submission_approve(
            submission=submission,
            user=request.user,
            confirm_warnings=request.POST.get("confirm_warnings") == "1",
        )
        messages.success(request, _("已审核通过，排名将自动重新计算。"))

    return _review_action(request, pk, approve)


@login_required
@require_POST
def submission_return(request: HttpRequest, pk: int) -> HttpResponse:
    def send_back(submission: Submission) -> None:
        services.submission_return(
            submission=submission, user=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("已退回县区修改。"))

    return _review_action(request, pk, send_back)


@login_required
@require_POST
def submission_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    def reopen(submission: Submission) -> None:
        services.submission_reopen(
            submission=submission, user=request.user, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("已重新打开并退回县区。"))

    return _review_action(request, pk, reopen)


@login_required
def submission_history(request: HttpRequest, pk: int) -> HttpResponse:
    submission = access.submission_visible_or_404(request.user, pk)
    return render(
        request,
        "counties/submission_history.html",
        {"submission": submission, "lines": selectors.submission_trail(submission)},
    )


@login_required
def completeness(request: HttpRequest) -> HttpResponse:
    """Counties x months: who has reported, who is late, who still owes what."""
    if not access.can_see_completeness(request.user):
        raise PermissionDenied
    years = selectors.years_with_periods()
    year = year_param(request.GET.get("year")) or (years[0] if years else 0)
    board = selectors.completeness_board(user=request.user, year=year)
    return render(request, "counties/completeness.html", {"board": board, "years": years})


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """待审核: submitted months waiting for a reviewer, oldest first."""
    if not access.can_review(request.user):
        raise PermissionDenied(_("只有市统计局审核人员可以审核报送。"))
    rows = [
        replace(row, warnings=len(services.submission_warnings(row.submission)))
        for row in selectors.review_queue(user=request.user)
    ]
    return render(request, "counties/review_queue.html", {"rows": rows})
