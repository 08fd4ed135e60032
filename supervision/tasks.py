"""Celery tasks of the supervision app: mailing notifications, and the morning reminders (beat).
They take ids, call the services and own their retries."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=300,
    max_retries=6,
)
def send_notification_emails(ids: list[int]) -> int:
    """Mail the notifications not mailed yet. Idempotent: a row is mailed at most once."""
    from .services.notifications import emails_send

    return emails_send(ids)


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def send_reminders() -> dict:
    """Every morning (beat): periods due in three days, tasks due soon or overdue; then any email
    an earlier enqueue failed to hand to the broker."""
    from .models import Notification
    from .services.notifications import emails_send, remind_deadlines, remind_tasks

    deadlines, tasks = remind_deadlines(), remind_tasks()
    stale = timezone.now() - datetime.timedelta(minutes=10)
    pending = list(
        Notification.objects.filter(
            emailed_at__isnull=True, email_skipped=False, created_at__lt=stale
        ).values_list("pk", flat=True)[:5000]
    )
    return {"deadlines": deadlines, "tasks": tasks, "late_emails": emails_send(pending)}


def enqueue_emails(ids: list[int]) -> None:
    """Queue the emails once the current transaction commits. With the broker down the
    enqueue fails fast and is logged; the morning run mails what is still pending."""

    def send() -> None:
        try:
            send_notification_emails.apply_async(args=[ids], retry=False)
        except Exception as exc:  # noqa: BLE001 - a broker error must not fail the request
            logger.warning("could not queue %d notification emails (%s)", len(ids), exc)

    transaction.on_commit(send)
