"""Outside DEBUG a missing Celery broker stops start-up, unless in-process tasks are asked for
explicitly; `make run` (DEBUG on, no broker) keeps its in-process tasks."""

import subprocess
import sys

import pytest

from tests.scorecard.test_settings import BASE_DIR, CLEAN_ENV

ENV = {k: v for k, v in CLEAN_ENV.items() if k != "CELERY_TASK_ALWAYS_EAGER"}
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "a-long-random-production-secret-" + "k7Qz" * 10}
PRINT_CELERY = (
    "import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'scorecard.settings';"
    "from django.conf import settings as s; print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)"
)


def celery_settings(code: str = PRINT_CELERY, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**ENV, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("eager", [None, "0"])
def test_production_without_a_broker_refuses_to_start(eager):
    env = PRODUCTION if eager is None else {**PRODUCTION, "CELERY_TASK_ALWAYS_EAGER": eager}
    result = celery_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: No Celery broker" in result.stderr
    assert "REDIS_URL" in result.stderr and "CELERY_TASK_ALWAYS_EAGER=1" in result.stderr


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({**PRODUCTION, "CELERY_TASK_ALWAYS_EAGER": "1"}, "True memory://"),
        ({**PRODUCTION, "REDIS_URL": "redis://127.0.0.1:6379/0"}, "False redis://127.0.0.1:6379/0"),
        ({**PRODUCTION, "CELERY_BROKER_URL": "redis://10.0.0.5:6379/1"}, "False redis://10.0.0.5:6379/1"),
        ({"DEBUG": "1"}, "True memory://"),  # make run
        ({"DEBUG": "1", "REDIS_URL": "redis://127.0.0.1:6379/0"}, "False redis://127.0.0.1:6379/0"),
    ],
    ids=["explicit-eager", "redis", "broker", "make-run", "debug-with-redis"],
)  # fmt: skip
def test_a_broker_or_an_explicit_flag_or_debug_starts(env, expected):
    result = celery_settings(**env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_the_benchmarks_ask_for_in_process_tasks_explicitly():
    """bench/benchdb.py runs with DEBUG off and no broker: it must say so."""
    code = (
        "import sys; sys.path.insert(0, 'bench'); import benchdb;"
        "benchdb.configure('postgres://postgres@127.0.0.1:5432/scorecard_bench');" + PRINT_CELERY
    )
    result = celery_settings(code, REDIS_URL="redis://127.0.0.1:6379/0")  # configure drops it
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True memory://"
