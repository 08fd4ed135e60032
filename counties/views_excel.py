"""Excel round trip: download a prefilled template, upload it (or a CSV) back as a draft.

Thin views: rights come from `access`, reading and checking files from `excel`, saving from
`services.submission_save(..., channel="upload")`. An upload saves all or nothing.
"""

from __future__ import annotations

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
        "max_mib": excel.MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "counties/upload.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def submission_upload(request: HttpRequest, code: str, year: int, month: int) -> HttpResponse:
    """A county reporter uploads a filled template or CSV: every problem is listed by sheet,
    row and column and nothing is saved; a clean file is saved as a draft."""
    county = access.county_visible_or_404(request.user, code)
    period = get_object_or_404(Period, year=year, month=month)
    if not access.can_edit_county(request.user, county):
        raise PermissionDenied(_("只有本县区的填报员可以导入本县区的数据。"))
    page = {"county": county, "period": period}
    if request.method != "POST":
        return _render(request, **page)

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
    try:
        result = services.submission_save(
            county=county,
            period=period,
            user=request.user,
            entries=upload.entries[county.code],
            expected_version=None,
            channel="upload",
        )
    except services.EntryInvalid as exc:
        problems = upload.locate(exc.issues, county.code)
        return _render(request, **page, problems=problems, status=400)
    except services.EditConflict:  # pragma: no cover - no expected version, no conflict
        errors = [_("其他用户刚刚保存了本期数据，请重新上传。")]
        return _render(request, **page, errors=errors, status=409)
    except ValidationError as exc:  # the period closed, or the figures were already submitted
        return _render(request, **page, errors=exc.messages, status=400)
    note = _("已从“%(file)s”导入 %(n)d 项指标，保存为草稿。请核对后报送。") % {
        "file": uploaded.name,
        "n": len(upload.entries[county.code]),
    }
    if result.warnings:
        note += " " + _("有 %(n)d 处需要说明，报送前请填写说明。") % {"n": len(result.warnings)}
    messages.success(request, note)
    return redirect("submission_form", code=county.code, year=period.year, month=period.month)
