"""Supervision task pages (/tasks/): the list (the city's ledger, or a county's own tasks), a new
task raised from a warning, a short board, a bulletin's black list or by hand, one task with
its milestones and trail, and the steps: answer, report progress, return, close (销号).

Thin views: supervision.access decides who may see or do what; writes go through
supervision.services; a task the user may not see is a 404 and a step the user may not take a
403, before anything changes.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from counties.access import counties_visible_to, county_visible_or_404
from counties.models import Period
from rankings.services.bonus import document_content_type
from scorecard.params import month_param, year_param

from . import access, selectors, services
from .forms import TaskAnswerForm, TaskRaiseForm, TaskReviewForm
from .models import Task, TaskAction

STATUS_FILTERS = {*Task.Status.values, "overdue", "ready"}


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    county = None
    code = request.GET.get("county") or ""
    if code:
        county = counties_visible_to(request.user).filter(code=code[:20]).first()
    status = request.GET.get("status") or ""
    status = status if status in STATUS_FILTERS else ""
    tasks = selectors.task_list(request.user, county=county, status=status or None)
    return render(
        request,
        "supervision/task_list.html",
        {
            "tasks": tasks,
            "counts": selectors.task_counts(request.user),
            "counties": list(counties_visible_to(request.user).order_by("display_order")),
            "county": county,
            "status": status,
            "statuses": Task.Status.choices,
            "can_raise": access.can_raise_tasks(request.user),
            "periods": selectors.periods_with_runs()
            if access.can_raise_tasks(request.user)
            else [],
        },
    )


def _period_of(key: str | None) -> Period | None:
    """A period from its key ("2026-09"), or None."""
    text = (key or "")[:7]
    year, _sep, month = text.partition("-")
    y, m = year_param(year), month_param(month)
    if y is None or m is None:
        return None
    return Period.objects.filter(year=y, month=m).first()


@login_required
@require_http_methods(["GET", "POST"])
def task_new(request: HttpRequest) -> HttpResponse:
    if not access.can_raise_tasks(request.user):
        raise PermissionDenied(_("只有市级用户可以交办督办事项。"))
    params = request.POST if request.method == "POST" else request.GET
    county = county_visible_or_404(request.user, (params.get("county") or "")[:20])
    period = _period_of(params.get("period"))
    if period is None:
        raise Http404("no such period")
    source = params.get("source") or Task.Source.MANUAL
    if source not in Task.Source.values:
        source = Task.Source.MANUAL
    indicators = selectors.scored_indicators(period)
    if request.method == "POST":
        form = TaskRaiseForm(request.POST, indicators=indicators)
        if form.is_valid():
            data = form.cleaned_data
            draft = services.TaskDraft(
                county=county,
                period=period,
                source=source,
                indicators=list(data["indicators"]),
                title=data["title"],
                requirement=data["requirement"],
                responsible_unit=data["responsible_unit"],
                responsible_person=data["responsible_person"],
                deadline=data["deadline"],
            )
            try:
                task = services.task_raise(draft=draft, user=request.user)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("已交办%(task)s，%(county)s可以看到。") % {"task": task, "county": county},
                )
                return redirect("task_detail", pk=task.pk)
        status = 400
    else:
        suggested = selectors.suggested_indicators(period, county, source)
        names = [i.display_name for i in indicators if i.pk in suggested]
        form = TaskRaiseForm(
            indicators=indicators,
            initial={
                "indicators": suggested,
                "title": _("%(county)s%(indicators)s整改")
                % {
                    "county": county.display_name,
                    "indicators": "、".join(names) if names else "",
                },
                "requirement": _(
                    "请针对%(period)s考核中存在的问题，分析原因，制定整改措施，明确责任人和完成时限，"
                    "按月报告进展。"
                )
                % {"period": period},
                "responsible_unit": county.display_name,
                "responsible_person": county.leader,
                "deadline": selectors.default_deadline(),
            },
        )
        status = 200
    return render(
        request,
        "supervision/task_form.html",
        {
            "form": form,
            "county": county,
            "period": period,
            "source": source,
            "source_label": Task.Source(source).label,
        },
        status=status,
    )


def _detail(request: HttpRequest, task: Task, **forms_in) -> HttpResponse:
    may_answer = access.can_answer_task(request.user, task)
    may_review = access.can_review_tasks(request.user) and not task.is_closed
    return render(
        request,
        "supervision/task_detail.html",
        {
            "task": task,
            "actions": list(task.actions.select_related("user")),
            "milestones": selectors.task_milestones(task),
            "indicators": list(task.indicators.select_related("lead_department")),
            "may_answer": may_answer,
            "may_review": may_review,
            "answer_form": forms_in.get("answer_form") or TaskAnswerForm(),
            "review_form": forms_in.get("review_form") or TaskReviewForm(),
            "overdue": task.days_overdue(),
        },
        status=400 if forms_in else 200,
    )


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access.task_visible_or_404(request.user, pk))


@login_required
@require_POST
def task_answer(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.task_visible_or_404(request.user, pk)
    if not access.can_answer_task(request.user, task):
        raise PermissionDenied(_("只有本县区的填报员可以答复督办事项。"))
    form = TaskAnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, task, answer_form=form)
    progress_only = request.POST.get("kind") == "progress"
    try:
        services.task_answer(
            task=task,
            user=request.user,
            text=form.cleaned_data["text"],
            attachment=form.cleaned_data["attachment"],
            progress_only=progress_only,
        )
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return _detail(request, task, answer_form=form)
    messages.success(request, _("已报告进展。") if progress_only else _("已答复整改措施。"))
    return redirect("task_detail", pk=pk)


@login_required
@require_POST
def task_review(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.task_visible_or_404(request.user, pk)
    if not access.can_review_tasks(request.user):
        raise PermissionDenied(_("只有市统计局审核人员和管理员可以退回或销号。"))
    form = TaskReviewForm(request.POST)
    if not form.is_valid():
        return _detail(request, task, review_form=form)
    decision = request.POST.get("decision")
    try:
        if decision == "close":
            services.task_close(task=task, user=request.user, note=form.cleaned_data["text"])
            messages.success(request, _("已销号。"))
        elif decision == "return":
            services.task_return(task=task, user=request.user, reason=form.cleaned_data["text"])
            messages.success(request, _("已退回，县区需重新答复。"))
        else:
            messages.error(request, _("请选择退回或销号。"))
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for errors in exc.message_dict.values():
                form.add_error("text", errors)
        else:
            form.add_error(None, exc.messages)
        return _detail(request, task, review_form=form)
    return redirect("task_detail", pk=pk)


@login_required
@require_GET
def task_attachment(request: HttpRequest, pk: int) -> FileResponse:
    action = TaskAction.objects.filter(pk=pk).select_related("task").first()
    if action is None or not action.attachment:
        raise Http404("no attachment")
    access.task_visible_or_404(request.user, action.task_id)  # the task's own readers only
    try:
        handle = action.attachment.open("rb")
    except FileNotFoundError as exc:
        raise Http404("attachment missing") from exc
    filename = action.attachment.name.rsplit("/", 1)[-1]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=document_content_type(filename),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
