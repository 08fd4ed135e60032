"""Settings come from the environment; the embedded default and the production guard rails."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
CLEAN_ENV = {
    k: v
    for k, v in os.environ.items()
    if k
    not in {
        "DATABASE_URL",
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "SECRET_KEY",
        "DEBUG",
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "STATIC_MANIFEST",
        "SECURE_SSL_REDIRECT",
    }
}


def settings_in_subprocess(code: str, **env: str) -> subprocess.CompletedProcess:
    script = "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='scorecard.settings';" + code
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={**CLEAN_ENV, "DEBUG": "0", **env},  # explicit: a developer's .env must not count
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_secret_key_outside_debug_stops_startup():
    result = settings_in_subprocess("from django.conf import settings; settings.SECRET_KEY")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_embedded_default_is_sqlite_in_project_and_eager_tasks():
    result = settings_in_subprocess(
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE']); print(s.DATABASES['default']['NAME']); "
        "print(s.CELERY_TASK_ALWAYS_EAGER); print(s.TIME_ZONE); print(s.LANGUAGE_CODE)",
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    engine, name, eager, tz, lang = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert Path(name) == BASE_DIR / "db.sqlite3"
    assert eager == "True"
    assert tz == "Asia/Shanghai"
    assert lang == "zh-hans"


def test_database_and_broker_urls_switch_to_postgres_and_redis():
    result = settings_in_subprocess(
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE']); print(s.CELERY_TASK_ALWAYS_EAGER); "
        "print(s.CELERY_BROKER_URL)",
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/scorecard",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "False",
        "redis://127.0.0.1:6379/0",
    ]


def test_production_settings_pass_check_deploy():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={
            **CLEAN_ENV,
            "DEBUG": "0",
            "SECRET_KEY": "a-long-random-production-secret-" + "k7Qz" * 10,
            "ALLOWED_HOSTS": "scorecard.example.org",
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/scorecard",
            "REDIS_URL": "redis://127.0.0.1:6379/0",  # production has a broker (or refuses)
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("path", ["templates", "scorecard", "indicators", "counties"])
def test_no_page_loads_anything_from_the_internet(path):
    """Government intranets have no internet: every asset is served from static/."""
    import re

    pattern = re.compile(r'(src|href)\s*=\s*"(https?:)?//')
    offenders = [
        str(f.relative_to(BASE_DIR))
        for f in (BASE_DIR / path).rglob("*.html")
        if pattern.search(f.read_text(encoding="utf-8"))
    ]
    assert offenders == []
