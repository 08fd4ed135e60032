"""Excel round trip: download a prefilled template, upload it (or a CSV) back as a draft.

Thin views: rights come from `access`, reading and checking files from `excel`, saving from
`services.submission_save(..., channel="upload")`. An upload saves all or nothing.
"""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import access, excel, selectors, services
from .excel import Problem
from .models import County, Period
from .validation import Entry


def _xlsx_response(data: bytes, filename: str, fallback: str) -> HttpResponse:
    """The workbook as a download; the Chinese file name per RFC 5987/6266, with an ASCII
    fallback for old clients."""
    response = HttpResponse(data, content_type=excel.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def submission_template(request: HttpRequest, code: str, year: int, month: int) -> HttpResponse:
    """One county's template for one period, prefilled with what is stored."""
    county = access.county_visible_or_404(request.user, code)
    period = get_object_or_404(Period, year=year, month=month)
    data = excel.template_workbook(counties=[county], period=period)
    return _xlsx_response(
        data,
        excel.template_filename(period=period, county=county),
        f"{county.code}-{period.key}.xlsx",
    )


@login_required
@require_GET
def period_template(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """City staff: one workbook with a sheet per county they see."""
    if not access.can_download_all_counties(request.user):
        raise PermissionDenied
    period = get_object_or_404(Period, year=year, month=month)
    counties = access.counties_visible_to(request.user).order_by("display_order", "code")
    data = excel.template_workbook(counties=counties, period=period)
    return _xlsx_response(data, excel.template_filename(period=period), f"{period.key}.xlsx")


def _render(
    request: HttpRequest,
    *,
    county: County,
    period: Period,
    problems: list[Problem] | None = None,
    errors: list[str] | None = None,
    filename: str = "",
    conflict: services.EditConflict | None = None,
    status: int = 200,
) -> HttpResponse:
    submission = selectors.submission_for(county, period)
    editable = period.accepts_entries() and (
        submission is None or access.can_edit_submission(request.user, submission)
    )
    context = {
        "county": county,
        "period": period,
        "submission": submission,
        "editable": editable,
        "problems": problems or [],
        "errors": errors or [],
        "filename": filename,
        "conflict": conflict,
        "unversioned": conflict is not None and conflict.expected == services.UNKNOWN_VERSION,
        "max_mib": excel.MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "counties/upload.html", context, status=status)


# An upload that would overwrite a later save waits here, in the user's session, until the user
# has seen what it would change and confirms (or uploads again).
_PENDING = "pending-upload:{county}:{period}"


def _stash(request: HttpRequest, county: County, period: Period, pending: dict) -> None:
    request.session[_PENDING.format(county=county.code, period=period.key)] = pending


def _pending(request: HttpRequest, county: County, period: Period, *, pop: bool = False):
    key = _PENDING.format(county=county.code, period=period.key)
    return request.session.pop(key, None) if pop else request.session.get(key)


def _entries_out(entries: dict[str, Entry]) -> dict[str, list[str | None]]:
    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return {code: [text(e.value), text(e.prior_value), e.note] for code, e in entries.items()}


def _entries_in(stored: dict[str, list[str | None]]) -> dict[str, Entry]:
    def number(text: str | None) -> Decimal | None:
        return None if text is None else Decimal(text)

    return {
        code: Entry(number(value), number(prior), note or "")
        for code, (value, prior, note) in stored.items()
    }


def _save(
    request: HttpRequest,
    *,
    county: County,
    period: Period,
    entries: dict[str, Entry],
    expected_version: int,
    filename: str,
    upload: excel.Upload | None = None,
) -> HttpResponse:
    """Save the file's entries against the version it was made from. A stale file is refused
    with what it would change (kept for the user to confirm); a stale file that changes nothing
    stored is saved, as there is nothing to lose."""
    page = {"county": county, "period": period, "filename": filename}
    try:
        try:
            result = services.submission_save(
                county=county,
                period=period,
                user=request.user,
                entries=entries,
                expected_version=expected_version,
                channel="upload",
            )
        except services.EditConflict as exc:
            if exc.changes:
                raise
            result = services.submission_save(
                county=county,
                period=period,
                user=request.user,
                entries=entries,
                expected_version=exc.version,
                channel="upload",
            )
    except services.EntryInvalid as exc:
        if upload is not None:
            problems = upload.locate(exc.issues, county.code)
        else:
            problems = [Problem(issue.message) for issue in exc.issues]
        return _render(request, **page, problems=problems, status=400)
    except services.EditConflict as exc:
        pending = {"version": exc.version, "filename": filename, "entries": _entries_out(entries)}
        _stash(request, county, period, pending)
        return _render(request, **page, conflict=exc, status=409)
    except ValidationError as exc:  # the period closed, or the figures were already submitted
        return _render(request, **page, errors=exc.messages, status=400)
    _pending(request, county, period, pop=True)
    note = _("已从“%(file)s”导入 %(n)d 项指标，保存为草稿。请核对后报送。") % {
        "file": filename,
        "n": len(entries),
    }
    if result.warnings:
        note += " " + _("有 %(n)d 处需要说明，报送前请填写说明。") % {"n": len(result.warnings)}
    messages.success(request, note)
    return redirect("submission_form", code=county.code, year=period.year, month=period.month)


@login_required
@require_http_methods(["GET", "POST"])
def submission_upload(request: HttpRequest, code: str, year: int, month: int) -> HttpResponse:
    """A county reporter uploads a filled template or CSV: every problem is listed by sheet,
    row and column and nothing is saved; a clean file is saved as a draft.

    The template records the version of the submission it was made from. If someone has saved
    since (or the file does not say, and figures are stored), the upload is refused with a list
    of what it would change, and saved only when the user confirms the overwrite."""
    county = access.county_visible_or_404(request.user, code)
    period = get_object_or_404(Period, year=year, month=month)
    if not access.can_edit_county(request.user, county):
        raise PermissionDenied(_("只有本县区的填报员可以导入本县区的数据。"))
    page = {"county": county, "period": period}
    if request.method != "POST":
        return _render(request, **page)
    if request.POST.get("action") == "overwrite":
        return _confirm_overwrite(request, county=county, period=period)

    uploaded = request.FILES.get("file")
    if uploaded is None:
        return _render(request, **page, problems=[Problem(_("请选择要上传的文件。"))], status=400)
    page["filename"] = uploaded.name
    # Never read more than the limit: one byte over is enough to refuse the file.
    data = uploaded.read(excel.MAX_UPLOAD_BYTES + 1)
    upload = excel.read_county_upload(
        county=county, period=period, data=data, filename=uploaded.name
    )
    if upload.problems:
        return _render(request, **page, problems=upload.problems, status=400)
    version = upload.version_of(county.code)
    if version is None:
        stored = selectors.submission_for(county, period)
        version = services.NO_SUBMISSION_VERSION if stored is None else services.UNKNOWN_VERSION
    return _save(
        request,
        county=county,
        period=period,
        entries=upload.entries[county.code],
        expected_version=version,
        filename=uploaded.name,
        upload=upload,
    )


def _confirm_overwrite(request: HttpRequest, *, county: County, period: Period) -> HttpResponse:
    """The user has seen what the kept upload would change and confirms it: save it against the
    version that list was made from (if someone saved again since, they are told again)."""
    pending = _pending(request, county, period)
    text = request.POST.get("version", "")
    confirmed = int(text) if re.fullmatch(r"[0-9]{1,10}", text) else None
    if pending is None or confirmed is None or confirmed != pending["version"]:
        errors = [_("要确认的导入已过期或不存在，没有保存任何数据：请重新上传文件。")]
        return _render(request, county=county, period=period, errors=errors, status=400)
    return _save(
        request,
        county=county,
        period=period,
        entries=_entries_in(pending["entries"]),
        expected_version=pending["version"],
        filename=pending["filename"],
    )
