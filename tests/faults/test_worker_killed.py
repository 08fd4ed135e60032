"""A worker killed (SIGKILL) in the middle of a recompute: the previous ranking stays visible and
intact, and the recompute is done later by another worker.

The recompute writes its run in one transaction (rankings/services/recompute.py), so a killed
worker leaves nothing behind: PostgreSQL rolls the open transaction back when the connection
drops, and no run is ever left half-written or "running". The task is `acks_late`: its message
stays in the broker's unacknowledged set. What brings it back depends on what was killed:

- the whole worker (the solo pool here; a prefork worker's main process likewise): nothing is
  left to requeue it, and kombu's Redis transport restores an unacknowledged message only once
  it is older than the transport's `visibility_timeout` (15 minutes, settings.
  CELERY_BROKER_TRANSPORT_OPTIONS). The test moves the message's delivery time back by that
  timeout instead of waiting;
- one prefork child: the main process sees it die and, as the task has
  `reject_on_worker_lost`, requeues the message at once.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from decimal import Decimal

import pytest
from django.db import DatabaseError, transaction
from django.test import Client

from counties.models import Period, SubmissionValue
from rankings import tasks
from rankings.models import CountyResult, RankingRun
from rankings.services import ranking_publish, ranking_recompute
from scorecard.roles import Role
from tests.factories import MembershipFactory, UserFactory
from tests.faults.conftest import league_ranked, ranked_codes, wait_for

pytestmark = [pytest.mark.django_db(transaction=True)]

# kombu's Redis transport keeps each delivered, not yet acknowledged message here
UNACKED = "unacked"
UNACKED_INDEX = "unacked_index"
KOMBU_VISIBILITY_TIMEOUT = 3600  # kombu.transport.redis.Channel.visibility_timeout's default


def wait_for_new_run(period, published: RankingRun, *, what: str, log) -> RankingRun:
    """The period's current run once another than `published` has become current (90 s)."""
    return wait_for(
        lambda: (
            RankingRun.objects.filter(period=period, is_current=True)
            .exclude(pk=published.pk)
            .first()
        ),
        timeout=90,
        what=what,
        log=log,
    )


def run_rows(run: RankingRun) -> dict[str, list[dict]]:
    """The run's row and every result row stored with it (all models that point at a run),
    column by column, in primary-key order."""
    rows = {"run": list(RankingRun.objects.filter(pk=run.pk).values())}
    for relation in RankingRun._meta.related_objects:
        model = relation.related_model
        if relation.field.name != "run" or model is RankingRun:
            continue
        rows[model.__name__] = list(model.objects.filter(run=run).order_by("pk").values())
    return rows


def results_of_rows(rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    return {name: table for name, table in rows.items() if name != "run"}


def results_of(run: RankingRun) -> dict[str, list[dict]]:
    """The result rows of a run (without the run's own row, whose is_current may move)."""
    return results_of_rows(run_rows(run))


def period_is_locked(period: Period) -> bool:
    """Whether another connection holds the period's row lock (a recompute in progress)."""
    try:
        with transaction.atomic():
            Period.objects.select_for_update(nowait=True).filter(pk=period.pk).first()
    except DatabaseError:
        return True
    return False


@pytest.fixture
def published(city, reviewer):
    """October scored and published; then 南山县's GDP raised so that a recompute has something
    new to write (it moves from third to first place on GDP)."""
    october = city["october"]
    run = ranking_recompute(period=october, trigger=RankingRun.Trigger.COMMAND).run
    run = ranking_publish(run=run, user=reviewer)
    SubmissionValue.objects.filter(
        submission__county=city["counties"]["369903"],
        submission__period=october,
        indicator=city["gdp"],
    ).update(value=Decimal("125"))
    return run


@pytest.fixture
def readers(city, leader):
    """A leader (reads the current ranking) and a county reporter (reads the published one)."""
    reporter = UserFactory(username="reporter_c", roles=[Role.REPORTER])
    MembershipFactory(user=reporter, county=city["counties"]["369901"])
    leader_client, county_client = Client(), Client()
    leader_client.force_login(leader)
    county_client.force_login(reporter)
    return leader_client, county_client


def queue_recompute(period: Period, queue: str) -> None:
    tasks.recompute.apply_async(
        args=[period.pk], kwargs={"trigger": RankingRun.Trigger.APPROVAL}, queue=queue
    )


def wait_until_blocked(broker, key: str, worker) -> int:
    """The pid of the process that is waiting in the middle of the recompute's write."""
    return int(
        wait_for(lambda: broker.get(key), timeout=60, what="the recompute to start", log=worker.log)
    )


@pytest.mark.timeout(120)
def test_worker_killed_mid_recompute_keeps_the_ranking_and_a_later_worker_finishes_it(
    city, published, readers, workers, app_on_test_redis
):
    october = city["october"]
    leader_client, county_client = readers
    before = run_rows(published)
    broker = app_on_test_redis.client()
    queue, key = f"faults-{uuid.uuid4().hex[:8]}", f"faults:blocked:{uuid.uuid4().hex}"

    queue_recompute(october, queue)
    slow = workers.start(queue=queue, block_key=key, name="slow")
    assert wait_until_blocked(broker, key, slow) == slow.pid  # solo: the worker itself

    # in the middle of the write: its run row is inserted, not committed; the period is locked
    assert period_is_locked(october)
    assert RankingRun.objects.filter(period=october).count() == 1
    assert league_ranked(leader_client, october, published) == ranked_codes(published)

    os.kill(slow.pid, signal.SIGKILL)
    assert slow.process.wait(timeout=30) == -signal.SIGKILL

    # PostgreSQL rolled the worker's transaction back and released the period's lock
    wait_for(lambda: not period_is_locked(october), timeout=30, what="the period lock to go")
    assert list(RankingRun.objects.filter(period=october)) == [published]
    assert run_rows(published) == before
    assert RankingRun.objects.get(pk=published.pk).is_current
    assert CountyResult.objects.exclude(run=published).count() == 0
    assert league_ranked(leader_client, october, published) == ranked_codes(published)
    assert league_ranked(county_client, october, published) == ranked_codes(published)

    # the message is not lost: it waits, unacknowledged, for the visibility timeout
    assert broker.llen(queue) == 0
    assert broker.hlen(UNACKED) == 1
    timeout = (tasks.recompute.app.conf.broker_transport_options or {}).get(
        "visibility_timeout", KOMBU_VISIBILITY_TIMEOUT
    )
    assert timeout == 900  # redone within a quarter of an hour, not kombu's default hour
    (tag,) = broker.zrange(UNACKED_INDEX, 0, -1)
    broker.zadd(UNACKED_INDEX, {tag: time.time() - timeout - 1})  # as if that time had passed

    later = workers.start(queue=queue, name="later")
    new = wait_for_new_run(
        october, published, what="a later worker to finish the recompute", log=later.log
    )
    assert new.status == RankingRun.Status.SUCCEEDED
    assert new.trigger == RankingRun.Trigger.APPROVAL
    assert new.supersedes_id == published.pk
    first_on_gdp = new.indicator_results.get(indicator=city["gdp"], rank=1).county.code
    assert first_on_gdp == "369903"  # the raised figure is in the new ranking
    assert RankingRun.objects.filter(period=october).count() == 2  # no failed, no duplicate run
    # the published ranking's results are kept as they were; it stays the published one
    assert results_of(published) == results_of_rows(before)
    assert ranked_codes(new) != ranked_codes(published)  # the pages can tell them apart
    assert league_ranked(leader_client, october, new) == ranked_codes(new)
    assert league_ranked(county_client, october, published) == ranked_codes(published)
    wait_for(lambda: broker.hlen(UNACKED) == 0, timeout=30, what="the message to be acknowledged")


@pytest.mark.timeout(120)
def test_prefork_child_killed_mid_recompute_is_requeued_at_once(
    city, published, readers, workers, app_on_test_redis
):
    """reject_on_worker_lost: the main process requeues the task of a child that died, and a
    new child runs it, with no visibility timeout to wait for."""
    october = city["october"]
    leader_client, _county_client = readers
    before = run_rows(published)
    broker = app_on_test_redis.client()
    queue, key = f"faults-{uuid.uuid4().hex[:8]}", f"faults:blocked:{uuid.uuid4().hex}"

    queue_recompute(october, queue)
    worker = workers.start(queue=queue, pool="prefork", block_key=key, name="prefork")
    child = wait_until_blocked(broker, key, worker)
    assert child != worker.pid
    assert period_is_locked(october)
    assert league_ranked(leader_client, october, published) == ranked_codes(published)

    os.kill(child, signal.SIGKILL)

    new = wait_for_new_run(
        october, published, what="the requeued recompute to finish", log=worker.log
    )
    assert worker.process.poll() is None  # the worker itself lived on
    assert new.status == RankingRun.Status.SUCCEEDED
    assert new.supersedes_id == published.pk
    assert RankingRun.objects.filter(period=october).count() == 2
    assert results_of(published) == results_of_rows(before)
    assert "WorkerLostError" in worker.log_text()
    assert ranked_codes(new) != ranked_codes(published)
    assert league_ranked(leader_client, october, new) == ranked_codes(new)
