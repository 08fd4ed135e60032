"""Bonus and penalty items (加减分项): list a period's items with the caps, add, cancel, open
documents, read the change history."""

from __future__ import annotations

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counties.models import Period

from .. import services
from ..access import (
    bonus_history_visible_or_404,
    bonus_item_visible_or_404,
    bonus_items_as_of,
    can_manage_bonus_items,
)
from ..forms import BonusItemForm, CancelForm
from ..models import BonusItem
from ..selectors import bonus
from .common import chosen_period


def _list_url(period: Period) -> str:
    return f"{reverse('bonus_list')}?period={period.key}"


def _with_filenames(rows: list, name_of) -> list:
    """Each row gets `filename`: its document's name without the storage folders."""
    for row in rows:
        row.filename = PurePath(name_of(row) or "").name
    return rows


def _render_list(
    request: HttpRequest, period: Period | None, periods: list[Period], form=None, status=200
) -> HttpResponse:
    can_manage = can_manage_bonus_items(request.user)
    context: dict[str, object] = {"periods": periods, "period": period, "can_manage": can_manage}
    if period is not None:
        caps = bonus.bonus_caps(period)
        as_of = bonus_items_as_of(request.user, period)
        context.update(
            caps=caps,
            county_points=bonus.bonus_county_points(period, caps, as_of),
            items=_with_filenames(bonus.bonus_items_of(period, as_of), lambda i: i.document.name),
            form=(form or BonusItemForm()) if can_manage else None,
        )
    return render(request, "rankings/bonus_list.html", context, status=status)


@login_required
def bonus_list(request: HttpRequest) -> HttpResponse:
    periods = bonus.bonus_periods(request.user)
    return _render_list(request, chosen_period(request, periods), periods)


@login_required
@require_POST
def bonus_add(request: HttpRequest) -> HttpResponse:
    if not can_manage_bonus_items(request.user):
        raise PermissionDenied
    periods = bonus.bonus_periods(request.user)
    key = request.POST.get("period", "")
    period = next((p for p in periods if p.key == key), None)
    if period is None:
        raise Http404("no such period")
    form = BonusItemForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            item = services.bonus_item_create(
                county=form.cleaned_data["county"],
                period=period,
                points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
                document=form.cleaned_data["document"],
                user=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("已录入%(county)s的加减分项（%(points)s 分），该期排名将重新计算。")
                % {"county": item.county.display_name, "points": f"{item.points:+}"},
            )
            return redirect(_list_url(period))
    return _render_list(request, period, periods, form=form, status=400)


@login_required
@require_POST
def bonus_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage_bonus_items(request.user):
        raise PermissionDenied
    item = bonus_item_visible_or_404(request.user, pk)
    period = item.period
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("撤销失败：请填写撤销原因（不超过 100 个字）。"))
        return redirect(_list_url(period))
    try:
        services.bonus_item_cancel(item=item, reason=form.cleaned_data["reason"], user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("已撤销%(county)s的加减分项“%(reason)s”，该期排名将重新计算。")
            % {"county": item.county.display_name, "reason": item.reason},
        )
    return redirect(_list_url(period))


def _document_response(name: str) -> FileResponse:
    """A stored document as a download; the name is the storage path the item recorded."""
    if not name:
        raise Http404("no document")
    storage = BonusItem._meta.get_field("document").storage
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError as exc:
        raise Http404("document missing") from exc
    filename = name.rsplit("/", 1)[-1]
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type=services.document_content_type(filename),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def bonus_document(request: HttpRequest, pk: int) -> FileResponse:
    """An item's document, for whoever may see the period's ranking."""
    return _document_response(bonus_item_visible_or_404(request.user, pk).document.name)


@login_required
def bonus_document_version(request: HttpRequest, history_id: int) -> FileResponse:
    """The document of a historical version (a cancelled item's, for instance)."""
    record = bonus_history_visible_or_404(request.user, history_id)
    return _document_response(record.document)


@login_required
def bonus_history(request: HttpRequest) -> HttpResponse:
    """修改记录: every addition and cancellation of the period's items, with who and why."""
    periods = bonus.bonus_periods(request.user)
    period = chosen_period(request, periods)
    records = (
        list(bonus.bonus_history_of(period, bonus_items_as_of(request.user, period)))
        if period
        else []
    )
    _with_filenames(records, lambda r: r.document)
    return render(
        request,
        "rankings/bonus_history.html",
        {"periods": periods, "period": period, "records": records},
    )
