"""The recompute task: queued on commit, bounded when the broker is down, run by a real worker."""

import logging

import pytest

from rankings import selectors, tasks
from rankings.models import RankingRun


@pytest.mark.django_db
def test_enqueue_waits_for_commit(city, django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.recompute, "apply_async", lambda *a, **kw: sent.append((a, kw)))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tasks.enqueue_recompute(city["october"], trigger="approval", user_id=None)
        assert sent == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert sent[0][1]["args"] == [city["october"].pk]


@pytest.mark.django_db
def test_enqueue_with_broker_down_is_logged_not_raised(
    city, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is away")

    monkeypatch.setattr(tasks.recompute, "apply_async", broker_down)
    with caplog.at_level(logging.WARNING, logger="rankings.tasks"):
        with django_capture_on_commit_callbacks(execute=True):
            tasks.enqueue_recompute(city["october"], trigger="approval")
    assert "nightly run will catch up" in caplog.text


def test_enqueue_against_an_unreachable_broker_returns_quickly():
    """A real publish to a closed port, in a fresh process: bounded by the short broker
    timeouts in settings, logged, never raised and never hanging the request."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    script = (
        "import django; django.setup();"
        "from counties.models import Period; from rankings import tasks;"
        "tasks.enqueue_recompute(Period(pk=1, year=2026, month=10), trigger='approval');"
        "print('returned')"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
        "DATABASE_URL": "sqlite://:memory:",
        "DJANGO_SETTINGS_MODULE": "scorecard.settings",
    }
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    elapsed = time.perf_counter() - start
    assert result.returncode == 0, result.stderr
    assert "returned" in result.stdout
    assert "nightly run will catch up" in result.stderr
    assert elapsed < 30


@pytest.mark.django_db
def test_task_recomputes_later_months_too(city):
    result = tasks.recompute.run(city["september"].pk, trigger="command")
    assert result == {"2026-09": "computed", "2026-10": "computed"}
    assert selectors.run_current(city["october"]) is not None


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_recomputes_from_the_redis_queue(city):
    from celery.contrib.testing.worker import start_worker

    from scorecard.celery import app

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        async_result = tasks.recompute.apply_async(args=[city["october"].pk])
        deadline_s = 60
        import time

        start = time.monotonic()
        while time.monotonic() - start < deadline_s:
            if RankingRun.objects.filter(period=city["october"], is_current=True).exists():
                break
            time.sleep(0.2)
    assert async_result.id
    run = RankingRun.objects.get(period=city["october"], is_current=True)
    assert run.status == "succeeded"


@pytest.mark.django_db
def test_task_retries_on_a_database_error(city, monkeypatch):
    """A dropped database connection makes the task retry rather than fail."""
    from django.db import OperationalError

    from rankings.services import recompute

    real = recompute.ranking_recompute
    calls = []

    def flaky(**kwargs):
        calls.append(kwargs["period"].key)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    monkeypatch.setattr(recompute, "ranking_recompute", flaky)
    from celery.exceptions import Retry

    with pytest.raises(Retry):  # scheduled again with backoff, not failed
        tasks.recompute.apply(args=[city["october"].pk], kwargs={"trigger": "command"})
    assert tasks.recompute.retry_backoff and tasks.recompute.max_retries >= 3
    second = tasks.recompute.apply(args=[city["october"].pk], kwargs={"trigger": "command"})
    assert second.successful(), second.traceback
    assert second.result == {"2026-10": "computed"}
    assert calls == ["2026-10", "2026-10"]
    assert tasks.recompute.acks_late


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_a_period_compute_it_once(city):
    """The row lock serialises them; the second finds the same checksum and writes nothing."""
    import threading

    from django.db import connection

    from rankings import services

    outcomes = []
    barrier = threading.Barrier(2)

    def work():
        barrier.wait()
        try:
            outcomes.append(
                services.ranking_recompute(period=city["october"], trigger="nightly").status
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["computed", "unchanged"]
    assert RankingRun.objects.filter(period=city["october"]).count() == 1
