"""Targets as Excel: the shown version as a workbook to download, and a filled workbook imported
into the year's draft.

Thin views: rights come from targets.access, reading and checking the file from targets.excel,
saving from services.targets_save(..., channel="import"). An import saves all or nothing; a file
with any problem is refused (400) with each problem's sheet, row and column.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import access, excel, selectors, services
from .excel import Problem
from .models import TargetSet
from .views import (
    editors_only,
    grid_url,
    summary_text,
    version_param,
    visible_counties,
    year_or_404,
)


@login_required
@require_GET
def targets_export(request: HttpRequest, year: int) -> HttpResponse:
    """The shown version (?version=N, else the default one) as a workbook: the counties the user
    may see and the city, and the schedules."""
    year = year_or_404(year)
    target_set = access.target_set_visible_or_404(request.user, year, version_param(request))
    data = excel.targets_workbook(
        target_set=target_set,
        counties=visible_counties(request),
        indicators=selectors.target_indicators(year),
    )
    response = HttpResponse(data, content_type=excel.XLSX_CONTENT_TYPE)
    fallback = f"targets-{target_set.year}-v{target_set.version}.xlsx"
    filename = quote(excel.workbook_filename(target_set), safe="")
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{filename}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _page(
    request: HttpRequest,
    year: int,
    draft: TargetSet | None,
    *,
    problems: list[Problem] | None = None,
    filename: str = "",
    status: int = 200,
) -> HttpResponse:
    context = {
        "year": year,
        "draft": draft,
        "problems": problems or [],
        "filename": filename,
        "max_mib": excel.MAX_UPLOAD_BYTES // (1024 * 1024),
    }
    return render(request, "targets/import.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def targets_import(request: HttpRequest, year: int) -> HttpResponse:
    """An editor imports a filled workbook into the year's draft: every problem is listed by
    sheet, row and column and nothing is saved; a clean file is saved (channel "import")."""
    editors_only(request)
    year = year_or_404(year)
    draft = selectors.draft_target_set(year)
    if request.method != "POST":
        return _page(request, year, draft)
    uploaded = request.FILES.get("file")
    if uploaded is None:
        missing = [Problem(_("请选择要上传的文件。"))]
        return _page(request, year, draft, problems=missing, status=400)
    filename = uploaded.name or ""

    def refuse(problems: list[Problem]) -> HttpResponse:
        return _page(request, year, draft, problems=problems, filename=filename, status=400)

    if draft is None:
        if selectors.published_target_set(year) is not None:
            message = _(
                "%(year)d 年的目标已发布，不能直接导入修改：请先新建版本并说明修改原因。"
            ) % {"year": year}
        else:
            message = _("还没有 %(year)d 年的目标：请先在目标任务页开始编制。") % {"year": year}
        return refuse([Problem(message)])
    # Never read more than the limit: one byte over is enough to refuse the file.
    data = uploaded.read(excel.MAX_UPLOAD_BYTES + 1)
    upload = excel.read_targets_upload(target_set=draft, data=data, filename=filename)
    if upload.problems:
        return refuse(upload.problems)
    try:
        summary = services.targets_save(
            target_set=draft,
            entries=upload.entries,
            schedules=upload.schedules,
            user=request.user,
            channel="import",
        )
    except services.TargetsInvalid as exc:
        return refuse(upload.locate(exc.issues))
    except ValidationError as exc:  # published since
        return refuse([Problem(m) for m in exc.messages])
    saved = {"file": filename, "summary": summary_text(summary)}
    messages.success(request, _("已导入“%(file)s”：%(summary)s") % saved)
    return redirect(grid_url(draft))
