"""Notifications: the inbox with its unread count, emails in Django's outbox, idempotent sends
and reminders, and each user's email opt-out per kind."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from counties.models import Submission
from rankings import services as ranking_services
from supervision import services
from supervision import tasks as supervision_tasks
from supervision.models import EmailOptOut, Notification
from supervision.services import notifications

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def queued(monkeypatch):
    """The email task's ids, as they would be handed to the broker after the commit."""
    sent: list[list[int]] = []
    monkeypatch.setattr(
        supervision_tasks.send_notification_emails,
        "apply_async",
        lambda args, **kw: sent.append(args[0]),
    )
    return sent


@pytest.fixture
def mailboxes(reporter_a, reviewer, leader):
    for user in (reporter_a, reviewer, leader):
        user.email = f"{user.username}@example.gov"
        user.save()


def _task(city, leader):
    return services.task_raise(
        draft=services.TaskDraft(
            county=city["counties"]["369901"],
            period=city["september"],
            source="manual",
            indicators=[],
            title="东城区招商引资",
            requirement="按月报告。",
            responsible_unit="东城区",
            responsible_person="王伟",
            deadline=timezone.localdate() + datetime.timedelta(days=10),
        ),
        user=leader,
    )


def test_a_task_assigned_reaches_the_countys_inbox_and_mail_once(
    city, leader, reporter_a, reporter_b, mailboxes, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        task = _task(city, leader)
    inbox = Notification.objects.get(user=reporter_a)
    assert inbox.kind == "task_assigned" and "督〔2026〕1号" in inbox.title
    assert inbox.url == reverse("task_detail", args=[task.pk])
    assert not Notification.objects.filter(user=reporter_b).exists()  # another county's
    assert queued == [[inbox.pk]]
    # the worker mails it once; a second delivery of the same task mails nothing
    assert supervision_tasks.send_notification_emails(queued[0]) == 1
    assert supervision_tasks.send_notification_emails(queued[0]) == 0
    assert [m.to for m in mail.outbox] == [["reporter_a@example.gov"]]
    assert mail.outbox[0].subject == inbox.title
    assert reverse("task_detail", args=[task.pk]) in mail.outbox[0].body
    # the same event sent again creates nothing and queues nothing
    assert notifications.notify_task_assigned(task) is None
    assert Notification.objects.filter(user=reporter_a).count() == 1 and len(queued) == 1


def test_answers_and_returns_notify_the_other_side(
    city, leader, reviewer, reporter_a, mailboxes, django_capture_on_commit_callbacks
):
    task = _task(city, leader)
    services.task_answer(task=task, user=reporter_a, text="措施。")
    kinds = set(
        Notification.objects.filter(user__in=[leader, reviewer]).values_list("kind", flat=True)
    )
    assert kinds == {"task_answered"}
    assert Notification.objects.filter(user=leader, kind="task_answered").count() == 1
    services.task_return(task=task, user=reviewer, reason="请细化。")
    returned = Notification.objects.get(user=reporter_a, kind="task_returned")
    assert "退回意见：请细化。" in returned.body


def test_email_can_be_turned_off_per_kind(client, city, leader, reporter_a, mailboxes, queued):
    client.force_login(reporter_a)
    page = client.get(reverse("inbox_settings"))
    assert page.status_code == 200 and 'value="task_assigned" checked' in page.content.decode()
    kept = [k for k in Notification.Kind.values if k != "task_assigned"]
    client.post(reverse("inbox_settings"), {"email": kept + ["nonsense"]})
    assert list(EmailOptOut.objects.filter(user=reporter_a).values_list("kind", flat=True)) == [
        "task_assigned"
    ]
    _task(city, leader)
    row = Notification.objects.get(user=reporter_a)
    assert notifications.emails_send([row.pk]) == 0
    row.refresh_from_db()
    assert row.email_skipped and row.emailed_at is None and mail.outbox == []


def test_returned_reports_published_rankings_and_issued_bulletins_notify(
    city, reviewer, reporter_a, leader, django_capture_on_commit_callbacks
):
    submission = Submission.objects.get(period=city["october"], county__code="369901")
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.SUBMITTED)
    submission.refresh_from_db()
    from counties.services import submission_return

    with django_capture_on_commit_callbacks(execute=True):
        submission_return(submission=submission, user=reviewer, reason="GDP 与上月不衔接")
    returned = Notification.objects.get(user=reporter_a, kind="returned")
    assert "GDP 与上月不衔接" in returned.body
    with django_capture_on_commit_callbacks(execute=True):
        run = ranking_services.ranking_recompute(period=city["september"], trigger="command").run
        ranking_services.ranking_publish(run=run, user=reviewer)
    assert Notification.objects.filter(kind="published", user=reporter_a).count() == 1
    assert Notification.objects.filter(kind="published", user=leader).count() == 1
    bulletin = services.bulletin_issue(
        bulletin=services.bulletin_draft(period=city["september"], user=reviewer), user=reviewer
    )
    issued = Notification.objects.filter(kind="bulletin", key=f"bulletin:{bulletin.pk}")
    assert {n.user for n in issued} >= {reporter_a, reviewer, leader}


def test_reminders_are_sent_once_per_period_county_and_task(city, leader, reporter_a):
    from tests.factories import PeriodFactory

    period = PeriodFactory(
        year=2026, month=11, deadline=timezone.localdate() + datetime.timedelta(days=3)
    )
    # every county still owes November: each county's reporters get one reminder
    assert notifications.remind_deadlines() == 1  # reporter_a is the only reporter
    reminder = Notification.objects.get(user=reporter_a, kind="deadline")
    assert period.deadline.isoformat() in reminder.title
    assert notifications.remind_deadlines() == 0  # the morning run twice: nothing twice
    task = _task(city, leader)
    task.deadline = timezone.localdate() + datetime.timedelta(days=2)
    task.save()
    assert notifications.remind_tasks() == 1
    assert notifications.remind_tasks() == 0
    task.deadline = timezone.localdate() - datetime.timedelta(days=1)
    task.save()
    assert notifications.remind_tasks() == 2  # the county's reporter and who raised it
    assert Notification.objects.filter(kind="task_overdue", user=leader).exists()


def test_the_inbox_and_its_unread_count(client, city, leader, reporter_a, reporter_b):
    task = _task(city, leader)
    client.force_login(reporter_a)
    home = client.get(reverse("home")).content.decode()
    assert 'class="badge unread-count"' in home and ">1</span>" in home
    row = Notification.objects.get(user=reporter_a)
    response = client.post(reverse("inbox_read"), {"id": row.pk})
    assert response.status_code == 302 and response.url == reverse("task_detail", args=[task.pk])
    row.refresh_from_db()
    assert row.read_at is not None
    assert 'class="badge unread-count"' not in client.get(reverse("home")).content.decode()
    # someone else's notification is neither opened nor marked
    client.force_login(reporter_b)
    assert client.post(reverse("inbox_read"), {"id": row.pk}).url == reverse("inbox")
    for odd in ("", "abc", "9" * 30):
        assert client.post(reverse("inbox_read"), {"id": odd}).status_code == 302
    assert client.get(reverse("inbox"), {"page": "x"}).status_code == 200
