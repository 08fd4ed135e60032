"""Target pages: the years and their versions (/targets/), one version's counties × indicators
grid (/targets/<year>/?version=N), and the editors' actions: start a year's draft, a new version
with a reason, publish a draft, delete a draft.

Thin views: who may see or change what comes from targets.access, writes from targets.services,
reading a posted grid from targets.grid, texts from targets.presentation. Writes by anyone but
an editor are refused (403) before anything is looked up; a version the user may not see is a
404; years and versions in URLs are read as plain digits within range (scorecard.params).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counties.excel import MAX_UPLOAD_BYTES
from counties.models import County
from counties.selectors import period_latest, user_label
from scorecard.params import id_param, year_param

from . import access, selectors, services
from .grid import TargetGrid
from .models import REASON_MAX, Target, TargetSet
from .presentation import mismatch_text

MAX_VERSION = 32767  # TargetSet.version is a PositiveSmallIntegerField


# ----------------------------------------------------------------------------- shared helpers


def year_or_404(year: int) -> int:
    """The year of a URL if it is one the app keeps (1990..2100), else 404."""
    checked = year_param(str(year))
    if checked is None:
        raise Http404("no such year")
    return checked


def version_param(request: HttpRequest) -> int | None:
    """?version=N as a number; absent or empty: None (the default version); anything else that
    is not a version number ("²", a thousand digits): 404."""
    text = request.GET.get("version")
    if text is None or text == "":
        return None
    version = id_param(text)
    if version is None or version > MAX_VERSION:
        raise Http404("no such version")
    return version


def editors_only(request: HttpRequest) -> None:
    """PermissionDenied (403) unless the user enters targets: checked before any lookup."""
    if not access.can_edit_targets(request.user):
        raise PermissionDenied(_("只有管理员和市统计局审核人员可以维护目标任务。"))


def grid_url(target_set: TargetSet) -> str:
    return f"{reverse('target_grid', args=[target_set.year])}?version={target_set.version}"


def visible_counties(request: HttpRequest) -> list[County]:
    counties = access.target_counties_visible_to(request.user)
    return list(counties.order_by("display_order", "code"))


def summary_text(summary: services.SaveSummary) -> str:
    return _(
        "%(changed)d 项目标有变化，删除 %(removed)d 项目标，分月进度变化 %(schedules)d 项。"
    ) % {"changed": summary.changed, "removed": summary.removed, "schedules": summary.schedules}


# ----------------------------------------------------------------------------- the list


@dataclass
class YearRow:
    year: int
    versions: list[TargetSet]
    draft: TargetSet | None
    published: TargetSet | None  # the newest published version


@login_required
@require_GET
def target_list(request: HttpRequest) -> HttpResponse:
    """目标任务: every year's versions the user may see, with the editors' actions."""
    if not access.can_view_targets(request.user):
        raise PermissionDenied
    years = [
        YearRow(
            year,
            versions,
            draft=next((v for v in versions if not v.is_published), None),
            published=next((v for v in versions if v.is_published), None),
        )
        for year, versions in selectors.target_sets_by_year(
            access.target_sets_visible_to(request.user)
        )
    ]
    latest = period_latest()
    context = {
        "years": years,
        "can_edit": access.can_edit_targets(request.user),
        "start_year": latest.year if latest else timezone.localdate().year,
        "reason_max": REASON_MAX,
    }
    return render(request, "targets/list.html", context)


@login_required
@require_POST
def target_start(request: HttpRequest) -> HttpResponse:
    """Start a year's first draft (or open the draft there is)."""
    editors_only(request)
    year = year_param(request.POST.get("year"))
    if year is None or year < 2000:
        messages.error(request, _("请填写年度（四位数字，2000–2100）。"))
        return redirect("target_list")
    try:
        draft = services.target_set_start(year=year, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("target_list")
    return redirect(grid_url(draft))


@login_required
@require_POST
def target_new_version(request: HttpRequest, year: int) -> HttpResponse:
    """A draft copy of the year's published targets, for the reason given."""
    editors_only(request)
    year = year_or_404(year)
    try:
        draft = services.target_set_new_version(
            year=year, reason=request.POST.get("reason", ""), user=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("target_list")
    messages.success(
        request,
        _("已新建 %(year)d 年第 %(version)d 版草稿；发布后取代已发布的版本。")
        % {"year": draft.year, "version": draft.version},
    )
    return redirect(grid_url(draft))


def _posted_draft(request: HttpRequest, year: int) -> TargetSet | None:
    """The year's draft if it is the version the form was showing and the user confirmed."""
    draft = selectors.draft_target_set(year)
    if draft is None or id_param(request.POST.get("version")) != draft.version:
        messages.error(request, _("这份草稿已不存在或已变化，没有做任何修改：请刷新页面后重试。"))
        return None
    if not request.POST.get("confirm"):
        messages.error(request, _("请先勾选确认。"))
        return None
    return draft


@login_required
@require_POST
def target_publish(request: HttpRequest, year: int) -> HttpResponse:
    """Publish the year's draft: progress and warnings are measured against it from now on."""
    editors_only(request)
    draft = _posted_draft(request, year_or_404(year))
    if draft is None:
        return redirect("target_list")
    try:
        published = services.target_set_publish(target_set=draft, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(grid_url(draft))
    messages.success(request, _("已发布%(set)s。") % {"set": published})
    return redirect(grid_url(published))


@login_required
@require_POST
def target_delete(request: HttpRequest, year: int) -> HttpResponse:
    editors_only(request)
    draft = _posted_draft(request, year_or_404(year))
    if draft is None:
        return redirect("target_list")
    try:
        services.target_set_delete(target_set=draft, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已删除草稿%(set)s。") % {"set": draft})
    return redirect("target_list")


# ----------------------------------------------------------------------------- the grid


def _grid_page(
    request: HttpRequest,
    target_set: TargetSet,
    table: TargetGrid,
    *,
    posted: dict[str, str] | None = None,
    issues: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_edit = access.can_edit_targets(user)
    mismatches = (
        [mismatch_text(m) for m in selectors.sum_mismatches(target_set)]
        if access.can_view_all_targets(user)
        else []
    )
    context = {
        "target_set": target_set,
        "grid": table.view(posted=posted, issues=issues),
        "editable": can_edit and not target_set.is_published,
        "can_edit": can_edit,
        "versions": access.target_sets_visible_to(user)
        .filter(year=target_set.year)
        .order_by("-version"),
        "draft": selectors.draft_target_set(target_set.year) if can_edit else None,
        "publisher": user_label(target_set.published_by),
        "mismatches": mismatches,
        "kinds": Target.Kind.choices,
        "reason_max": REASON_MAX,
        "max_mib": MAX_UPLOAD_BYTES // (1024 * 1024),
        "fingerprint": selectors.targets_fingerprint(target_set),
    }
    return render(request, "targets/grid.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def target_grid(request: HttpRequest, year: int) -> HttpResponse:
    """The grid of one version. A POST (editors, drafts) saves the whole grid all or nothing:
    refused, it shows every problem in its cell with what was typed, and saves nothing."""
    if request.method == "POST":
        editors_only(request)
    year = year_or_404(year)
    target_set = access.target_set_visible_or_404(request.user, year, version_param(request))
    table = TargetGrid(
        target_set,
        counties=visible_counties(request),
        indicators=selectors.target_indicators(year),
        defaults=selectors.default_target_kinds(year),
    )
    if request.method != "POST":
        return _grid_page(request, target_set, table)
    if target_set.is_published:
        messages.error(
            request,
            _("%(set)s 已发布，不能直接修改：请新建版本并说明修改原因。") % {"set": target_set},
        )
        return redirect(grid_url(target_set))
    try:
        outcome = table.save(user=request.user, post=request.POST)
    except services.TargetsChanged:
        messages.error(
            request,
            _(
                "其他人在您打开此页后修改了目标，您的修改没有保存。下表是您填写的内容；"
                "请核对后再保存（再次保存会覆盖对方的修改），或刷新页面查看最新目标。"
            ),
        )
        typed = {key: str(value) for key, value in request.POST.items()}
        return _grid_page(request, target_set, table, posted=typed, status=409)
    except ValidationError as exc:  # published or deleted since the page was opened
        messages.error(request, " ".join(exc.messages))
        return redirect(grid_url(target_set))
    if outcome.summary is None:
        return _grid_page(
            request,
            target_set,
            table,
            posted=outcome.post.texts,
            issues=outcome.post.issues,
            status=400,
        )
    saved = summary_text(outcome.summary)
    messages.success(request, _("目标已保存：%(summary)s") % {"summary": saved})
    return redirect(grid_url(target_set))
