"""Redis stopped while a county official submits and a reviewer approves: every request
succeeds, everything is stored, and the ranking catches up once Redis is back.

The approval queues its recompute after the commit (rankings.tasks.enqueue_recompute); with the
broker away that enqueue fails fast and is logged, and nothing records that the recompute is
owed. What catches the ranking up is `recompute_open_year`, which beat sends at 15 and 45 minutes
past every hour with the trigger catch_up (and nightly); the test sends it as beat does, through a
real worker, once Redis is back. The test's own Redis server is the one
stopped (the shared one is never touched); the worker stays up through the outage.
"""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from counties.models import Submission, SubmissionValue
from rankings import tasks
from rankings.models import RankingRun
from rankings.services import ranking_publish, ranking_recompute
from scorecard.roles import Role
from supervision import tasks as supervision_tasks
from tests.factories import MembershipFactory, UserFactory
from tests.faults.conftest import league_ranked, ranked_codes, wait_for

pytestmark = [pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-only"  # tests.factories.UserFactory's


def signed_in(username: str) -> Client:
    """A client signed in through the login page (sessions and the lockout records are in the
    database, so this works without Redis)."""
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


@pytest.fixture
def draft(city, reviewer):
    """October scored and published; 南山县's October figures back to a draft its reporter
    can change and submit."""
    october = city["october"]
    run = ranking_recompute(period=october, trigger=RankingRun.Trigger.COMMAND).run
    ranking_publish(run=run, user=reviewer)
    submission = Submission.objects.get(county=city["counties"]["369903"], period=october)
    submission.status = Submission.Status.DRAFT
    submission.save(update_fields=["status"])
    reporter = UserFactory(username="reporter_c", roles=[Role.REPORTER])
    MembershipFactory(user=reporter, county=submission.county)
    return submission


@pytest.mark.timeout(120)
def test_submit_and_approve_with_redis_down_then_the_ranking_catches_up(
    city, draft, reviewer, leader, workers, app_on_test_redis, monkeypatch, caplog
):
    # the notification emails go to the (stopped) test broker too, not to a list
    monkeypatch.delattr(supervision_tasks.send_notification_emails, "apply_async")
    october = city["october"]
    before = RankingRun.objects.get(period=october, is_current=True)
    redis_server = app_on_test_redis
    worker = workers.start(queue="celery", name="steady")
    wait_for(lambda: "ready." in worker.log_text(), timeout=60, what="the worker", log=worker.log)

    redis_server.kill()

    official = signed_in("reporter_c")
    form = reverse("submission_form", args=["369903", 2026, 10])
    response = official.post(
        form,
        {
            "version": str(draft.version),
            "value_gdp": "125",
            "prior_gdp": "100",
            "note_gdp": "新项目投产",
            "value_retail": "51",
            "prior_retail": "50",
            "note_retail": "",
            "action": "submit",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert official.get(response["Location"]).status_code == 200
    draft.refresh_from_db()
    assert draft.status == Submission.Status.SUBMITTED
    assert SubmissionValue.objects.get(submission=draft, indicator=city["gdp"]).value == Decimal(
        "125"
    )

    checker = signed_in(reviewer.username)
    with caplog.at_level(logging.WARNING, logger="rankings.tasks"):
        response = checker.post(
            reverse("submission_approve", args=[draft.pk]), {"confirm_warnings": "1"}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.status == Submission.Status.APPROVED
    assert draft.reviewed_by == reviewer
    assert "could not queue the ranking recompute of 2026-10" in caplog.text
    # the ranking pages still answer, with the ranking as it was
    reader = signed_in(leader.username)
    assert league_ranked(reader, october, before) == ranked_codes(before)

    redis_server.start()
    broker = redis_server.client()
    # the worker reconnects by itself; nothing is queued or held for the approved figures
    wait_for(
        lambda: worker.log_text().count("Connected to redis") >= 2,
        timeout=60,
        what="the worker to reconnect",
        log=worker.log,
    )
    assert worker.process.poll() is None
    assert broker.llen("celery") == 0 and broker.hlen("unacked") == 0
    assert RankingRun.objects.get(period=october, is_current=True) == before

    entry = settings.CELERY_BEAT_SCHEDULE["recompute-open-year-catch-up"]
    assert entry["task"] == tasks.recompute_open_year.name
    tasks.recompute_open_year.apply_async(kwargs={**entry["kwargs"], "year": 2026})
    new = wait_for(
        lambda: (
            RankingRun.objects.filter(period=october, is_current=True).exclude(pk=before.pk).first()
        ),
        timeout=90,
        what="the catch-up recompute",
        log=worker.log,
    )
    assert new.trigger == RankingRun.Trigger.CATCH_UP
    assert new.indicator_results.get(indicator=city["gdp"], county=draft.county).value == (
        Decimal("125")
    )
    assert new.county_results.get(county=draft.county).rank == 1
    assert league_ranked(reader, october, new) == ranked_codes(new) != ranked_codes(before)
