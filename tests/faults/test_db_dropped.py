"""The database connection dropped in the middle of a request: a clean 503 page that says
nothing was saved, and nothing was saved.

The request's PostgreSQL backend is terminated (pg_terminate_backend, from another connection)
while counties.services.submission_save is inside its transaction, after it has written the
first figure and its history row; the next statement fails. PostgreSQL discards the open
transaction with the connection, so the database holds what it held before; the page is
scorecard.middleware.DatabaseUnavailableMiddleware's 503 (templates/503.html), not the 500 page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg2
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from counties import services
from counties.models import Submission, SubmissionValue
from scorecard.roles import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True)]

MIDDLEWARE = "scorecard.middleware.DatabaseUnavailableMiddleware"


def with_database_middleware() -> list[str]:
    """settings.MIDDLEWARE with the 503 middleware just before axes' (which stays last)."""
    stack = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE]
    return stack[:-1] + [MIDDLEWARE, stack[-1]]


def stored(submission: Submission) -> dict[str, list[dict]]:
    """Every row the save could touch: the submission, its values and both histories."""
    values = SubmissionValue.objects.filter(submission=submission)
    return {
        "submission": list(Submission.objects.filter(pk=submission.pk).values()),
        "values": list(values.order_by("pk").values()),
        "submission_history": list(
            Submission.history.filter(id=submission.pk).order_by("history_id").values()
        ),
        "value_history": list(
            SubmissionValue.history.filter(submission_id=submission.pk)
            .order_by("history_id")
            .values()
        ),
    }


def terminate(pid: int) -> None:
    """Kill a backend from a connection of its own, as an administrator or a failover would."""
    db = settings.DATABASES["default"]
    other = psycopg2.connect(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )
    try:
        other.autocommit = True
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            assert cursor.fetchone() == (True,)
    finally:
        other.close()


@pytest.fixture
def draft(city):
    """南山县's October figures as a draft its reporter may change."""
    submission = Submission.objects.get(county=city["counties"]["369903"], period=city["october"])
    submission.status = Submission.Status.DRAFT
    submission.save(update_fields=["status"])
    reporter = UserFactory(username="reporter_c", roles=[Role.REPORTER])
    MembershipFactory(user=reporter, county=submission.county)
    client = Client(raise_request_exception=False)
    client.force_login(reporter)
    return submission, client


def post_changes(client: Client, submission: Submission):
    return client.post(
        reverse("submission_form", args=["369903", 2026, 10]),
        {
            "version": str(submission.version),
            "value_gdp": "125",
            "prior_gdp": "100",
            "note_gdp": "新项目投产",
            "value_retail": "58",
            "prior_retail": "50",
            "note_retail": "促销活动",
        },
    )


@dataclass
class Drop:
    """Where the connection was dropped: the backend's pid, and the figures the request's own
    transaction held at that moment (its first value already written)."""

    pid: int = 0
    written: list[str] = field(default_factory=list)


def kill_connection_after_first_value(monkeypatch) -> Drop:
    """From the save's second value on, the request's connection is dead: the first value and
    its history row are written inside the transaction when the backend is terminated."""
    drop = Drop()
    values: list[SubmissionValue] = []
    real = services.set_change_reason

    def reason_then_drop(instance, reason):
        if isinstance(instance, SubmissionValue) and not drop.pid:
            values.append(instance)
            if len(values) == 2:  # the first one is saved, this one is not yet
                first = SubmissionValue.objects.get(pk=values[0].pk)
                drop.written = [str(first.value), first.channel]
                drop.pid = connection.connection.info.backend_pid
                terminate(drop.pid)
        return real(instance, reason)

    monkeypatch.setattr(services, "set_change_reason", reason_then_drop)
    return drop


@pytest.mark.timeout(60)
@override_settings(MIDDLEWARE=with_database_middleware())
def test_connection_dropped_mid_save_shows_503_and_saves_nothing(city, draft, monkeypatch):
    submission, client = draft
    before = stored(submission)
    drop = kill_connection_after_first_value(monkeypatch)

    response = post_changes(client, submission)

    assert drop.pid, "the save never reached its second value"
    # a partial write inside the transaction: one of the posted figures, by the form
    assert drop.written in (["125.0000", "form"], ["58.0000", "form"])
    assert response.status_code == 503
    body = response.content.decode()
    assert "数据库连接中断" in body and "未保存" in body
    assert "Traceback" not in body and "OperationalError" not in body
    assert response.templates[0].name == "503.html"
    assert response["Retry-After"]
    assert stored(submission) == before  # the first value and its history row were rolled back
    # the app has its connection back: the form opens again with the stored figures
    monkeypatch.undo()
    page = client.get(reverse("submission_form", args=["369903", 2026, 10]))
    assert page.status_code == 200
    assert connection.connection.info.backend_pid != drop.pid


@pytest.mark.timeout(60)
@override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != MIDDLEWARE])
def test_without_the_middleware_the_error_handler_still_answers_503(city, draft, monkeypatch):
    """The second line of defence (scorecard.errors, urls.handler500), for database errors
    raised outside a view: without the middleware the same fault still ends in the 503 page,
    not the 500 page, and nothing is saved."""
    submission, client = draft
    before = stored(submission)
    drop = kill_connection_after_first_value(monkeypatch)
    response = post_changes(client, submission)
    assert drop.pid
    assert response.status_code == 503
    assert "未保存" in response.content.decode()
    assert stored(submission) == before
