"""Notifications: the in-app inbox and its emails, and the reminders beat sends every morning.

`notify()` writes one Notification per user and key; a key already sent to a user is skipped,
so a rerun (a reminder run twice, an event repeated) sends nothing twice. Emails go out from
the Celery task `supervision.tasks.send_notification_emails` once the transaction commits;
each row is mailed at most once, and not at all where the user turned that kind off.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Callable, Iterable
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from counties.models import County, Period, Submission
from scorecard.roles import Role

from ..models import EmailOptOut, Notification, Task

logger = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

DEADLINE_DAYS = 3  # reporters are reminded this many days before a period's deadline
TASK_DUE_DAYS = 3  # a task's county is reminded this many days before its deadline


def in_default_language(func: Callable[P, R]) -> Callable[P, R]:
    """Messages are written in the site's language (Chinese), whoever's request set them off."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper


def _active(users: Iterable) -> list:
    seen, out = set(), []
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen.add(user.pk)
            out.append(user)
    return out


def notify(
    *, users: Iterable, kind: str, key: str, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Put a message in each user's inbox, once per user and key; queue the new ones' emails
    for after the commit. Returns the notifications created now."""
    users = _active(users)
    if not users:
        return []
    sent = set(
        Notification.objects.filter(key=key, user__in=users).values_list("user_id", flat=True)
    )
    fresh = [
        Notification(
            user=u, kind=kind, key=key[:120], title=title[:200], body=body[:2000], url=url[:300]
        )
        for u in users
        if u.pk not in sent
    ]
    created = Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    ids = list(
        Notification.objects.filter(
            key=key, user__in=[n.user for n in created], emailed_at__isnull=True
        ).values_list("pk", flat=True)
    )
    if ids:
        from ..tasks import enqueue_emails

        enqueue_emails(ids)
    return created


def _reporters_of(counties: Iterable[County]) -> list:
    User = get_user_model()
    return list(
        User.objects.filter(
            is_active=True,
            groups__name=Role.REPORTER,
            county_memberships__county__in=list(counties),
        ).distinct()
    )


def _users_with_roles(*roles: str) -> list:
    User = get_user_model()
    return list(
        User.objects.filter(
            Q(groups__name__in=roles) | Q(is_superuser=True), is_active=True
        ).distinct()
    )


# ------------------------------------------------------------------------------- the events


@in_default_language
def notify_submission_returned(submission: Submission, reason: str) -> None:
    notify(
        users=_reporters_of([submission.county]),
        kind=Notification.Kind.RETURNED,
        key=f"returned:{submission.pk}:{submission.version}",
        title=_("%(county)s %(period)s 的报表被退回")
        % {
            "county": submission.county.name,
            "period": submission.period,
        },
        body=_("退回原因：%(reason)s") % {"reason": reason},
        url=reverse(
            "submission_form",
            kwargs={
                "code": submission.county.code,
                "year": submission.period.year,
                "month": submission.period.month,
            },
        ),
    )


@in_default_language
def notify_ranking_published(run) -> None:
    users = _reporters_of(County.objects.filter(is_active=True)) + _users_with_roles(Role.LEADER)
    notify(
        users=users,
        kind=Notification.Kind.PUBLISHED,
        key=f"published:{run.pk}",
        title=_("%(period)s 的考核排名已发布") % {"period": run.period},
        url=f"{reverse('league')}?period={run.period.key}",
    )


@in_default_language
def notify_bulletin_issued(bulletin) -> None:
    users = _reporters_of(County.objects.filter(is_active=True)) + _users_with_roles(
        Role.LEADER, Role.REVIEWER, Role.ADMIN
    )
    notify(
        users=users,
        kind=Notification.Kind.BULLETIN,
        key=f"bulletin:{bulletin.pk}",
        title=_("%(number)s 通报已印发") % {"number": bulletin.number_label},
        body=str((bulletin.document or {}).get("title", "")),
        url=reverse("bulletin_detail", args=[bulletin.pk]),
    )


def _task_url(task: Task) -> str:
    return reverse("task_detail", args=[task.pk])


@in_default_language
def notify_task_assigned(task: Task) -> None:
    notify(
        users=_reporters_of([task.county]),
        kind=Notification.Kind.TASK_ASSIGNED,
        key=f"task_assigned:{task.pk}",
        title=_("新的督办事项：%(task)s %(title)s") % {"task": task, "title": task.title},
        body=_("办结时限：%(deadline)s") % {"deadline": task.deadline.isoformat()},
        url=_task_url(task),
    )


@in_default_language
def notify_task_answered(task: Task, action_id: int) -> None:
    users = _users_with_roles(Role.REVIEWER, Role.ADMIN) + (
        [task.created_by] if task.created_by else []
    )
    notify(
        users=users,
        kind=Notification.Kind.TASK_ANSWERED,
        key=f"task_answered:{task.pk}:{action_id}",
        title=_("%(county)s 答复了督办事项 %(task)s") % {"county": task.county.name, "task": task},
        url=_task_url(task),
    )


@in_default_language
def notify_task_returned(task: Task, action_id: int, reason: str) -> None:
    notify(
        users=_reporters_of([task.county]),
        kind=Notification.Kind.TASK_RETURNED,
        key=f"task_returned:{task.pk}:{action_id}",
        title=_("督办事项 %(task)s 的答复被退回") % {"task": task},
        body=_("退回意见：%(reason)s") % {"reason": reason},
        url=_task_url(task),
    )


# ------------------------------------------------------------------------------ the reminders


@in_default_language
def remind_deadlines(today: datetime.date | None = None) -> int:
    """The reporters of counties that have not sent a period due in DEADLINE_DAYS days."""
    today = today or timezone.localdate()
    due = today + datetime.timedelta(days=DEADLINE_DAYS)
    sent = 0
    for period in Period.objects.filter(deadline=due, is_open=True):
        done = Submission.objects.filter(
            period=period,
            status__in=[Submission.Status.SUBMITTED, Submission.Status.APPROVED],
        ).values("county_id")
        for county in County.objects.filter(is_active=True).exclude(pk__in=done):
            sent += len(
                notify(
                    users=_reporters_of([county]),
                    kind=Notification.Kind.DEADLINE,
                    key=f"deadline:{period.key}:{county.code}",
                    title=_("%(period)s 的数据将于 %(deadline)s 截止报送")
                    % {
                        "period": period,
                        "deadline": period.deadline.isoformat(),
                    },
                    body=_("%(county)s 尚未报送，请按时填报。") % {"county": county.name},
                    url=reverse(
                        "submission_form",
                        kwargs={"code": county.code, "year": period.year, "month": period.month},
                    ),
                )
            )
    return sent


@in_default_language
def remind_tasks(today: datetime.date | None = None) -> int:
    """Tasks due within TASK_DUE_DAYS days, and tasks overdue: to the county's reporters (and,
    when overdue, to whoever raised them)."""
    today = today or timezone.localdate()
    sent = 0
    open_tasks = Task.objects.exclude(status=Task.Status.CLOSED).select_related("county")
    soon = open_tasks.filter(
        deadline__gte=today, deadline__lte=today + datetime.timedelta(days=TASK_DUE_DAYS)
    )
    for task in soon:
        sent += len(
            notify(
                users=_reporters_of([task.county]),
                kind=Notification.Kind.TASK_DUE,
                key=f"task_due:{task.pk}:{task.deadline.isoformat()}",
                title=_("督办事项 %(task)s 将于 %(deadline)s 到期")
                % {
                    "task": task,
                    "deadline": task.deadline.isoformat(),
                },
                url=_task_url(task),
            )
        )
    for task in open_tasks.filter(deadline__lt=today):
        sent += len(
            notify(
                users=_reporters_of([task.county]) + ([task.created_by] if task.created_by else []),
                kind=Notification.Kind.TASK_OVERDUE,
                key=f"task_overdue:{task.pk}:{task.deadline.isoformat()}",
                title=_("督办事项 %(task)s 已逾期") % {"task": task},
                body=_("办结时限：%(deadline)s") % {"deadline": task.deadline.isoformat()},
                url=_task_url(task),
            )
        )
    return sent


# ---------------------------------------------------------------------------------- the inbox


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all of them when `ids` is None)."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


@transaction.atomic
def email_preferences_save(*, user: User, emailed: Iterable[str]) -> None:
    """The kinds the user wants by email; every other kind is turned off."""
    wanted = set(emailed) & set(Notification.Kind.values)
    EmailOptOut.objects.filter(user=user).delete()
    EmailOptOut.objects.bulk_create(
        EmailOptOut(user=user, kind=kind) for kind in Notification.Kind.values if kind not in wanted
    )


def emails_send(ids: Iterable[int]) -> int:
    """Mail each notification not yet mailed, once; the ones turned off (or without an address)
    are marked skipped. Rows another worker holds are left to it. Returns the number sent."""
    sent = 0
    for pk in ids:
        with transaction.atomic():
            row = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("user")
                .filter(pk=pk, emailed_at__isnull=True, email_skipped=False)
                .first()
            )
            if row is None:
                continue
            user = row.user
            off = EmailOptOut.objects.filter(user=user, kind=row.kind).exists()
            if off or not user.email:
                row.email_skipped = True
                row.save(update_fields=["email_skipped"])
                continue
            body = "\n\n".join(p for p in (row.body, _link(row.url)) if p)
            send_mail(
                subject=row.title,
                message=body,
                from_email=None,
                recipient_list=[user.email],
            )
            row.emailed_at = timezone.now()
            row.save(update_fields=["emailed_at"])
            sent += 1
    return sent


def _link(url: str) -> str:
    if not url:
        return ""
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    return f"{base}{url}" if base else url
