"""The inbox (/inbox/): a user's notifications, newest first, marked read one by one or all at
once, and which kinds also come by email. Every user reaches only their own."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from scorecard.params import id_param

from .models import EmailOptOut, Notification
from .services.notifications import email_preferences_save, notifications_mark_read

PER_PAGE = 50


def _user(request: HttpRequest) -> User:
    """The signed-in user (every view here is behind login_required)."""
    assert isinstance(request.user, User)
    return request.user


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(user=_user(request))
    if request.GET.get("unread"):
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "supervision/inbox.html",
        {"page": page, "unread_only": bool(request.GET.get("unread"))},
    )


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification read and open it (`id`), or mark them all read (`all`)."""
    if request.POST.get("all"):
        notifications_mark_read(user=_user(request))
        messages.success(request, _("已全部标为已读。"))
        return redirect("inbox")
    pk = id_param(request.POST.get("id"))
    row = Notification.objects.filter(user=_user(request), pk=pk).first() if pk else None
    if row is None:
        return redirect("inbox")
    notifications_mark_read(user=_user(request), ids=[row.pk])
    safe = url_has_allowed_host_and_scheme(
        row.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(row.url if row.url and safe else "inbox")


@login_required
@require_http_methods(["GET", "POST"])
def inbox_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        email_preferences_save(user=_user(request), emailed=request.POST.getlist("email"))
        messages.success(request, _("邮件提醒设置已保存。"))
        return redirect("inbox_settings")
    off = set(EmailOptOut.objects.filter(user=_user(request)).values_list("kind", flat=True))
    kinds = [(value, label, value not in off) for value, label in Notification.Kind.choices]
    return render(
        request,
        "supervision/inbox_settings.html",
        {"kinds": kinds, "has_email": bool(_user(request).email)},
    )
