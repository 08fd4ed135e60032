"""The benchmarks' own PostgreSQL databases: environment, create, drop, and the demo city.

Import this first: it puts the project on sys.path and sets the environment Django reads
(its own database, DEBUG off, no broker: tasks run in-process, asked for explicitly).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEMO_DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scorecard_bench"
)


def configure(database_url: str) -> None:
    """The environment for a benchmark process on `database_url` (before django.setup())."""
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-not-a-secret",
            "SECURE_SSL_REDIRECT": "0",
            "STATIC_MANIFEST": "0",
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
            # no broker outside DEBUG is refused unless in-process tasks are asked for
            "CELERY_TASK_ALWAYS_EAGER": "1",
        }
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scorecard.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    os.environ.pop("REDIS_URL", None)


def _server(url: str):
    import psycopg2

    parts = urlsplit(url)
    conn = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        dbname="postgres",
    )
    conn.autocommit = True
    return conn, parts.path.lstrip("/")


def database_exists(url: str) -> bool:
    conn, name = _server(url)
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        found = cur.fetchone() is not None
    conn.close()
    return found


def create_database(url: str) -> None:
    """A fresh, empty database (an old one of that name is dropped)."""
    drop_database(url)
    conn, name = _server(url)
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def drop_database(url: str) -> None:
    conn, name = _server(url)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    conn.close()


def ensure_database(url: str) -> None:
    """Create the database if the server does not have it yet."""
    if not database_exists(url):
        create_database(url)


def demo_period(key: str):
    """Set up Django on the demo database (created, migrated and loaded with the demo city on
    first use) and return the period `key` ("2026-09")."""
    ensure_database(DEMO_DATABASE_URL)
    import logging

    import django

    django.setup()
    from django.core.management import call_command

    from counties.models import Period

    logging.getLogger("rankings").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0, interactive=False)
    # safe to repeat: brings a database made from an older demo city up to date
    call_command("load_demo_city", verbosity=0, force=True)  # DEBUG is off: its own database
    year, month = (int(x) for x in key.split("-"))
    return Period.objects.get(year=year, month=month)
