"""Fault tests: real Celery workers, a Redis server of each test's own, the test database.

Each test starts its own redis-server (a free port from 6390-6399, no persistence), so that
killing it, or rewriting the broker's bookkeeping of unacknowledged messages, never touches the
shared Redis. Workers are `celery worker` subprocesses pointed at that server and at the test
database, whose rows they see because the tests commit them (`django_db(transaction=True)`).
Every process a test starts is killed when it ends, pass or fail.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.test import Client
from django.urls import reverse

from counties.models import Period
from rankings.models import RankingRun
from tests.rankings.conftest import city  # noqa: F401 - the small scored city, as a fixture

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
PORTS = range(6390, 6400)
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def wait_for(
    condition: Callable[[], object], *, timeout: float, what: str, log: Path | None = None
):
    """Poll `condition` until it returns something true and return that; fail naming `what`
    (with the tail of a worker's log) when `timeout` seconds pass first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-4000:] if log is not None and log.exists() else ""
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}\n{tail}")


def ranked_codes(run: RankingRun) -> list[str]:
    """The run's ranked counties, first place first."""
    results = run.county_results.filter(rank__isnull=False).order_by("rank", "county__code")
    return list(results.values_list("county__code", flat=True))


def league_codes(client: Client, period: Period) -> list[str]:
    """The counties of the league table page, in the order the page lists them (each row links
    to its county's profile)."""
    response = client.get(reverse("league"), {"period": period.key})
    assert response.status_code == 200
    html = response.content.decode()
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    profile = reverse("county_profile", args=["-"]).removesuffix("-/")
    return list(dict.fromkeys(re.findall(re.escape(profile) + r"(\w+)/", body)))


def league_ranked(client: Client, period: Period, run: RankingRun) -> list[str]:
    """The counties that `run` ranks, in the order the league table page lists them."""
    ranked = set(ranked_codes(run))
    return [code for code in league_codes(client, period) if code in ranked]


def _die_with_the_tests() -> None:
    """In the child, before exec: SIGKILL it if the test process dies (Linux), so that a run
    ended abruptly (pytest-timeout's thread method, a crash) leaves no server or worker behind."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@dataclass
class RedisServer:
    """A redis-server subprocess on loopback that the test may stop and start again on the
    same port (nothing is kept across a restart: --save "" --appendonly no)."""

    binary: str
    port: int
    log: Path
    process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=5)

    def start(self) -> None:
        args = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                args, stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_the_tests
            )

        def answers() -> bool:
            try:
                return bool(self.client().ping())
            except redis.ConnectionError:
                return False

        wait_for(answers, timeout=20, what=f"redis-server on port {self.port}", log=self.log)

    def kill(self) -> None:
        """Stop it as a crash would (SIGKILL): whatever it held is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip(
            "redis-server is not installed: the fault tests start Redis servers of their own"
        )
    port = next((p for p in PORTS if _port_is_free(p)), None)
    if port is None:
        pytest.fail(f"no free port for a test Redis server in {PORTS.start}-{PORTS.stop - 1}")
    server = RedisServer(binary=binary, port=port, log=tmp_path / f"redis-{port}.log")
    server.start()
    try:
        yield server
    finally:
        server.kill()


def worker_database_url() -> str:
    """The URL of the database the test runs on (pytest-django's test database)."""
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Workers:
    """Starts `celery worker` subprocesses on the test's Redis server and the test database;
    kills every one of them at the end of the test."""

    redis_server: RedisServer
    tmp_path: Path
    started: list[Worker] = field(default_factory=list)

    def start(
        self, *, queue: str, pool: str = "solo", block_key: str = "", name: str = "w"
    ) -> Worker:
        env = {
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "REDIS_URL": self.redis_server.url(0),
            "CELERY_BROKER_URL": self.redis_server.url(0),
            "FAULT_BLOCK_KEY": block_key,
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        args = [str(CELERY), "-A", "scorecard", "worker", f"--pool={pool}", "--concurrency=1"]
        args += ["-Q", queue, "-n", f"{name}{len(self.started)}@faults", "--loglevel=INFO"]
        args += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        if block_key:
            args += ["--include", "tests.faults.slow_hook"]
        log = self.tmp_path / f"worker-{name}{len(self.started)}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: prefork children included
                preexec_fn=_die_with_the_tests,
            )
        worker = Worker(process=process, log=log)
        self.started.append(worker)
        return worker

    def kill_all(self) -> None:
        for worker in self.started:
            try:  # the worker's process group: a prefork worker's children with it
                os.killpg(worker.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            worker.process.wait(timeout=10)
        self.started.clear()


@pytest.fixture
def workers(redis_server, tmp_path) -> Iterator[Workers]:
    pool = Workers(redis_server=redis_server, tmp_path=tmp_path)
    try:
        yield pool
    finally:
        pool.kill_all()


@pytest.fixture
def app_on_test_redis(redis_server, settings) -> Iterator[RedisServer]:
    """This process's Celery producer and Django cache use the test's Redis server (the worker
    subprocesses are started on it too), and go back to the configured ones afterwards."""
    from django.core.cache import caches

    from scorecard.celery import app

    def reset_pools() -> None:
        app._pool = None
        app.amqp._producer_pool = None

    before = app.conf.get("broker_write_url")
    app.conf.broker_write_url = redis_server.url(0)  # read before the CELERY_BROKER_URL env
    reset_pools()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url(1),
            "KEY_PREFIX": "scorecard",
        }
    }
    try:
        yield redis_server
    finally:
        caches["default"].close()
        app.conf.broker_write_url = before
        reset_pools()
