"""Bulletin pages (/bulletins/): the archive, one bulletin (its page prints on A4), the
reviewers' actions (draft, edit, redraft, issue) and the downloads.

Thin views: who may see or do what comes from supervision.access; writes from
supervision.services. Writes by anyone but a reviewer are refused (403) before anything is
looked up; a bulletin the user may not see is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from counties.models import Period
from scorecard.exports import content_disposition
from scorecard.params import id_param

from . import access, documents, selectors, services
from .content import BulletinDocument
from .models import TEXT_MAX, Bulletin
from .rendering import bulletin_html


def _drafters_only(request: HttpRequest) -> None:
    if not access.can_draft_bulletins(request.user):
        raise PermissionDenied(_("只有市统计局审核人员和管理员可以起草和印发通报。"))


@login_required
@require_GET
def bulletin_list(request: HttpRequest) -> HttpResponse:
    bulletins = list(selectors.bulletins_for(request.user))
    can_draft = access.can_draft_bulletins(request.user)
    return render(
        request,
        "supervision/bulletin_list.html",
        {
            "bulletins": bulletins,
            "can_draft": can_draft,
            "periods_to_draft": selectors.periods_to_bulletin() if can_draft else [],
        },
    )


@login_required
@require_POST
def bulletin_create(request: HttpRequest) -> HttpResponse:
    _drafters_only(request)
    period_id = id_param(request.POST.get("period"))
    period = Period.objects.filter(pk=period_id).first() if period_id else None
    if period is None:
        messages.error(request, _("请选择要通报的期次。"))
        return redirect("bulletin_list")
    try:
        bulletin = services.bulletin_draft(period=period, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("bulletin_list")
    messages.success(request, _("已起草%(number)s，请核对正文后印发。") % {"number": bulletin})
    return redirect("bulletin_detail", pk=bulletin.pk)


@login_required
@require_GET
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = access.bulletin_visible_or_404(request.user, pk)
    return _detail_page(request, bulletin)


def _detail_page(
    request: HttpRequest, bulletin: Bulletin, *, text: str | None = None, status: int = 200
) -> HttpResponse:
    if bulletin.is_issued and bulletin.issued_html:
        article = bulletin.issued_html  # frozen when issued
    else:
        article = bulletin_html(BulletinDocument.from_json(bulletin.document), standalone=False)
    newer = None
    if not bulletin.is_issued:
        latest = selectors.published_run(bulletin.period)
        newer = latest if latest is not None and latest.pk != bulletin.run_id else None
    black_list = []
    if access.can_raise_tasks(request.user):  # the black list's counties, for a task each
        black_list = selectors.bulletin_facts(bulletin.period, bulletin.run).black_list
    return render(
        request,
        "supervision/bulletin_detail.html",
        {
            "bulletin": bulletin,
            "black_list": black_list,
            "article": article,
            "can_edit": access.can_draft_bulletins(request.user) and not bulletin.is_issued,
            "text": bulletin.text if text is None else text,
            "text_max": TEXT_MAX,
            "newer_run": newer,
            "pdf_available": bulletin.issued_pdf is not None
            if bulletin.is_issued
            else documents.pdf_available(),
        },
        status=status,
    )


def _posted(request: HttpRequest, pk: int) -> Bulletin:
    _drafters_only(request)
    return access.bulletin_visible_or_404(request.user, pk)


@login_required
@require_POST
def bulletin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _posted(request, pk)
    text = request.POST.get("text", "")
    try:
        services.bulletin_text_save(bulletin=bulletin, text=text, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        bulletin.refresh_from_db()
        return _detail_page(request, bulletin, text=text[: TEXT_MAX * 2], status=400)
    messages.success(request, _("正文已保存。"))
    return redirect("bulletin_detail", pk=pk)


@login_required
@require_POST
def bulletin_redraft(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _posted(request, pk)
    try:
        services.bulletin_redraft(bulletin=bulletin, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已按最新发布的排名重新生成通报。"))
    return redirect("bulletin_detail", pk=pk)


@login_required
@require_POST
def bulletin_issue(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _posted(request, pk)
    if not request.POST.get("confirm"):
        messages.error(request, _("请先勾选确认：印发后通报不能再修改。"))
        return redirect("bulletin_detail", pk=pk)
    try:
        issued = services.bulletin_issue(bulletin=bulletin, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(number)s已印发，各县区可以查看。") % {"number": issued})
    return redirect("bulletin_detail", pk=pk)


def _attachment(content: bytes, bulletin: Bulletin, suffix: str, content_type: str):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(
        f"{bulletin.year}-{bulletin.number:02d}-通报.{suffix}",
        f"bulletin-{bulletin.year}-{bulletin.number:02d}.{suffix}",
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def bulletin_docx(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = access.bulletin_visible_or_404(request.user, pk)
    if bulletin.is_issued and bulletin.issued_docx is not None:
        content = bytes(bulletin.issued_docx)
    else:
        content = documents.bulletin_docx(BulletinDocument.from_json(bulletin.document))
    return _attachment(
        content,
        bulletin,
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


@login_required
@require_GET
def bulletin_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = access.bulletin_visible_or_404(request.user, pk)
    if bulletin.is_issued:
        if bulletin.issued_pdf is None:
            messages.error(request, _("这期通报印发时服务器无法生成 PDF，请下载 Word 版。"))
            return redirect("bulletin_detail", pk=pk)
        content = bytes(bulletin.issued_pdf)
    else:
        document = BulletinDocument.from_json(bulletin.document)
        try:
            content = documents.bulletin_pdf(bulletin_html(document, standalone=True))
        except documents.PdfUnavailable:
            messages.error(
                request, _("服务器缺少生成 PDF 所需的 Pango 组件，请下载 Word 版或联系管理员。")
            )
            return redirect("bulletin_detail", pk=pk)
    return _attachment(content, bulletin, "pdf", "application/pdf")
