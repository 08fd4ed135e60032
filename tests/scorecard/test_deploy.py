"""The production kit in deploy/: a backup restores into a fresh database with the same rows, the
systemd units run the project's own commands, gunicorn accepts its configuration, and `make
serve` refuses settings that are not production."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tarfile
import time
from decimal import Decimal
from pathlib import Path

import psycopg2
import pytest
from django.db import connection, connections

from tests.factories import (
    CountyFactory,
    IndicatorFactory,
    PeriodFactory,
    SubmissionFactory,
    SubmissionValueFactory,
    UserFactory,
)
from tests.scorecard.test_settings import BASE_DIR, CLEAN_ENV

DEPLOY = BASE_DIR / "deploy"
APP = "/srv/scorecard/app"  # where docs/deploy.md puts the checkout; the units say so
BIN = Path(sys.executable).parent  # this virtualenv's gunicorn and celery
ENV = {
    k: v
    for k, v in CLEAN_ENV.items()
    if k not in {"CELERY_TASK_ALWAYS_EAGER", "GUNICORN_CMD_ARGS", "ALLOWED_HOSTS"}
    and not k.startswith(("GUNICORN_", "WEB_CONCURRENCY", "PG"))
}
PRODUCTION = {
    **ENV,
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-secret-" + "k7Qz" * 10,
    "ALLOWED_HOSTS": "scorecard.example.gov.cn",
    "DATABASE_URL": "postgres://scorecard:secret@127.0.0.1:5432/scorecard",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


# ------------------------------------------------------------------------- backup and restore


def server(settings_dict: dict):
    """An autocommit connection to the test database's server (its maintenance database)."""
    conn = psycopg2.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"] or "postgres",
        password=settings_dict["PASSWORD"] or None,
        dbname="postgres",
    )
    conn.autocommit = True
    return conn


def database_url(settings_dict: dict, name: str) -> str:
    user = settings_dict["USER"] or "postgres"
    auth = f"{user}:{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else user
    host = settings_dict["HOST"] or "127.0.0.1"
    return f"postgres://{auth}@{host}:{settings_dict['PORT'] or 5432}/{name}"


def client_programs(conn) -> dict[str, str]:
    """PG_BIN for the scripts: the server's own client programs when installed side by side
    (Debian: /usr/lib/postgresql/<major>/bin), else those on PATH. None at all is a failure."""
    with conn.cursor() as cur:
        cur.execute("SHOW server_version_num")
        major = int(cur.fetchone()[0]) // 10000
    side_by_side = Path(f"/usr/lib/postgresql/{major}/bin")
    if all((side_by_side / p).is_file() for p in ("pg_dump", "pg_restore", "psql")):
        return {"PG_BIN": str(side_by_side)}
    missing = [p for p in ("pg_dump", "pg_restore", "psql") if shutil.which(p) is None]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not found: the backup test needs the PostgreSQL client "
            "programs (apt-get install postgresql-client; .ci/run installs it)"
        )
    return {}


def fingerprint(settings_dict: dict, name: str) -> dict[str, object]:
    """Every table's row count and a checksum of its rows, the sequences' positions, and how
    many indexes and constraints the schema has."""
    conn = psycopg2.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"] or "postgres",
        password=settings_dict["PASSWORD"] or None,
        dbname=name,
    )
    found: dict[str, object] = {}
    with conn, conn.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        for (table,) in cur.fetchall():
            cur.execute(
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
                f' FROM public."{table}" AS t'
            )
            found[table] = cur.fetchone()
        cur.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        found["sequences"] = sorted(cur.fetchall())
        cur.execute("SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'")
        found["indexes"] = cur.fetchone()[0]
        cur.execute(
            "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
            " WHERE n.nspname = 'public'"
        )
        found["constraints"] = cur.fetchone()[0]
    conn.close()
    return found


def make_rows() -> None:
    """A few counties' figures for two months, with Chinese text, decimals and users."""
    counties = [CountyFactory(name=f"备份{n}县") for n in range(3)]
    indicators = [IndicatorFactory(unit="亿元"), IndicatorFactory(unit="%")]
    for month in (9, 10):
        period = PeriodFactory(year=2026, month=month)
        for n, county in enumerate(counties):
            submission = SubmissionFactory(county=county, period=period)
            for indicator in indicators:
                SubmissionValueFactory(
                    submission=submission,
                    indicator=indicator,
                    value=Decimal("123.4567") + n + month,
                    note="同比增长较快，原因：新项目投产",
                )
    UserFactory(username="备份管理员")
    UserFactory(username="reporter")


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=BASE_DIR, env={**ENV, **env}, capture_output=True, text=True, timeout=120
    )


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_a_fresh_database_with_the_same_rows(tmp_path):
    make_rows()
    settings_dict = connection.settings_dict
    # the test database itself, with the migrated schema and the rows above (committed: a
    # transactional test), is backed up; pg_dump reads a consistent snapshot while others are
    # connected (a copy by CREATE DATABASE ... TEMPLATE would need it to itself)
    source = settings_dict["NAME"]
    target = f"scorecard_backup_dst_{os.getpid()}"
    connections.close_all()
    conn = server(settings_dict)
    programs = client_programs(conn)
    try:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
            cur.execute(f'CREATE DATABASE "{target}"')  # createdb, as docs/deploy.md says

        backups = tmp_path / "backups"
        backups.mkdir()
        old = backups / "scorecard-20200101-013000.dump"
        old.write_bytes(b"an old backup")
        os.utime(old, (time.time() - 20 * 86400,) * 2)
        recent = backups / "scorecard-20991231-013000.dump"  # younger than the kept days
        recent.write_bytes(b"a recent backup")
        unrelated = backups / "notes.txt"
        unrelated.write_text("not a backup")
        os.utime(unrelated, (time.time() - 20 * 86400,) * 2)
        media = tmp_path / "media"
        (media / "bonus" / "2026").mkdir(parents=True)
        (media / "bonus" / "2026" / "依据.pdf").write_bytes(b"%PDF-1.4 uploaded")

        done = run(
            [str(DEPLOY / "backup.sh")],
            {
                **programs,
                "DATABASE_URL": database_url(settings_dict, source),
                "BACKUP_DIR": str(backups),
                "BACKUP_KEEP_DAYS": "14",
                "MEDIA_ROOT": str(media),
            },
        )
        assert done.returncode == 0, done.stdout + done.stderr
        dumps = sorted(p.name for p in backups.glob("scorecard-2???????-??????.dump"))
        assert len(dumps) == 2 and dumps[1] == recent.name  # the old one went, the new one came
        dump = backups / dumps[0]
        assert dump.read_bytes().startswith(b"PGDMP")  # pg_dump's custom format
        assert oct(dump.stat().st_mode & 0o777) == "0o600"
        assert unrelated.exists()  # only backups are pruned
        with tarfile.open(backups / dump.name.replace(".dump", "-media.tar.gz")) as tar:
            assert "./bonus/2026/依据.pdf" in tar.getnames()
        assert not list(backups.glob(".*partial"))

        target_url = database_url(settings_dict, target)
        restored = run([str(DEPLOY / "restore.sh"), str(dump), target_url], programs)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert f"restored into {target}" in restored.stdout

        before, after = fingerprint(settings_dict, source), fingerprint(settings_dict, target)
        assert after == before
        assert before["counties_county"][0] == 3
        assert before["counties_submissionvalue"][0] == 12
        assert before["django_migrations"][0] > 30
        assert before["indexes"] > 50 and before["sequences"]

        # a second restore into the same (no longer empty) database is refused, unchanged
        again = run([str(DEPLOY / "restore.sh"), str(dump), target_url], programs)
        assert again.returncode == 1
        assert "is not empty" in again.stderr
        assert fingerprint(settings_dict, target) == before
    finally:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        conn.close()


def test_backup_without_pg_dump_says_what_to_install(tmp_path):
    done = run(
        [str(DEPLOY / "backup.sh")],
        {
            "PG_BIN": str(tmp_path),  # a folder without pg_dump
            "DATABASE_URL": "postgres://scorecard@127.0.0.1:5432/scorecard",
            "BACKUP_DIR": str(tmp_path / "backups"),
        },
    )
    assert done.returncode != 0
    assert "pg_dump not found: install the PostgreSQL client" in done.stderr
    assert not (tmp_path / "backups").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "usage: "),
        (["sqlite:////srv/scorecard/db.sqlite3"], "not a PostgreSQL URL"),
        (["postgres://scorecard@127.0.0.1:5432/"], "the URL names no database"),
        (["postgres://scorecard@127.0.0.1:5432/restored"], "is not a pg_dump archive"),
    ],
    ids=["usage", "sqlite", "no-database", "not-a-dump"],
)
def test_restore_refuses_before_touching_anything(tmp_path, args, message):
    conn = server(connection.settings_dict)
    programs = client_programs(conn)
    conn.close()
    dump = tmp_path / "scorecard-20261130-013000.dump"
    dump.write_bytes(b"PGDMP, but not really")
    done = run([str(DEPLOY / "restore.sh"), *([str(dump), *args] if args else [])], programs)
    assert done.returncode != 0
    assert message in done.stderr, done.stderr


# ----------------------------------------------------------------------------- systemd units


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    """A systemd unit file as {section: {key: [values]}} (keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    for raw in (DEPLOY / name).read_text().replace("\\\n", " ").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def local(path: str) -> Path:
    """The file a unit's path stands for in this checkout (and this virtualenv)."""
    if path.startswith(f"{APP}/.venv/bin/"):
        return BIN / path.rsplit("/", 1)[1]
    assert path.startswith(f"{APP}/"), path
    return BASE_DIR / path.removeprefix(f"{APP}/")


EXPECTED = {
    "scorecard-web.service": (
        "gunicorn",
        ["--config", f"{APP}/deploy/gunicorn.conf.py", "scorecard.wsgi:application"],
    ),
    "scorecard-worker.service": ("celery", ["--app", "scorecard", "worker"]),
    "scorecard-beat.service": ("celery", ["--app", "scorecard", "beat"]),
    "scorecard-backup.service": ("backup.sh", []),
}


@pytest.mark.parametrize("name", EXPECTED)
def test_each_unit_runs_the_projects_command_as_the_app_user(name):
    service = unit(name)["Service"]
    assert service["User"] == service["Group"] == ["scorecard"]
    assert service["WorkingDirectory"] == [APP]
    assert service["EnvironmentFile"] == ["/etc/scorecard/scorecard.env"]
    (exec_start,) = service["ExecStart"]
    argv = shlex.split(exec_start)
    program, expected = EXPECTED[name]
    assert argv[0].rsplit("/", 1)[1] == program
    assert argv[1 : 1 + len(expected)] == expected
    for arg in argv:
        if arg.startswith("/srv/"):
            assert local(arg).is_file(), f"{name}: {arg} is not in the checkout"
    assert os.access(local(argv[0]), os.X_OK), f"{name}: {argv[0]} is not executable"


def test_units_agree_with_the_project_and_with_make_serve():
    from scorecard.celery import app
    from scorecard.wsgi import application

    assert app.main == "scorecard" and callable(application)  # --app scorecard, scorecard.wsgi
    web, worker, beat = (
        unit(f"scorecard-{n}.service")["Service"] for n in ("web", "worker", "beat")
    )
    assert web["Type"] == ["notify"]  # gunicorn reports readiness to systemd
    assert "--concurrency ${WORKER_CONCURRENCY}" in worker["ExecStart"][0]
    assert worker["Environment"] == ["WORKER_CONCURRENCY=2"]  # the default the file may change
    assert beat["StateDirectory"] == ["scorecard"]
    assert "--schedule /var/lib/scorecard/celerybeat-schedule" in beat["ExecStart"][0]
    timer = unit("scorecard-backup.timer")["Timer"]
    assert timer["OnCalendar"] and timer["Persistent"] == ["true"]
    # make serve runs the same three commands
    serve = (DEPLOY / "serve.sh").read_text()
    for fragment in (
        "--config deploy/gunicorn.conf.py scorecard.wsgi:application",
        "--app scorecard worker",
        "--app scorecard beat",
    ):
        assert fragment in serve


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_accepts_the_units(tmp_path):
    """systemd's own check, on copies that point at this checkout: every option is known and
    every command exists and is executable."""
    for path in DEPLOY.glob("scorecard-*"):
        text = path.read_text().replace(f"{APP}/.venv/bin/", f"{BIN}/")
        (tmp_path / path.name).write_text(text.replace(APP, str(BASE_DIR)))
    units = sorted(str(p) for p in tmp_path.iterdir())
    done = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *units],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not executable" not in done.stderr and "Unknown" not in done.stderr


# ------------------------------------------------------------------------- gunicorn, make serve


def test_gunicorn_accepts_its_config_with_production_settings():
    config = [str(DEPLOY / "gunicorn.conf.py")]
    tuning = {"WEB_CONCURRENCY": "3", "GUNICORN_TIMEOUT": "90", "GUNICORN_BIND": "0.0.0.0:8001"}
    command = [str(BIN / "gunicorn"), "--check-config", "--print-config", "--config", *config]
    done = run([*command, "scorecard.wsgi:application"], {**PRODUCTION, **tuning})
    assert done.returncode == 0, done.stdout + done.stderr
    printed = dict(
        (key.strip(), value.strip())
        for key, _, value in (line.partition("=") for line in done.stdout.splitlines())
    )
    assert printed["workers"] == "3" and printed["timeout"] == "90"
    assert printed["bind"] == "['0.0.0.0:8001']"
    assert printed["accesslog"] == "None" and printed["errorlog"] == "-"  # the app logs requests

    no_broker = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    done = run([*command, "scorecard.wsgi:application"], no_broker)
    assert done.returncode != 0
    assert "No Celery broker" in done.stdout + done.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"DEBUG": "1"}, "DEBUG is on"),
        ({"DATABASE_URL": ""}, "DATABASE_URL must name PostgreSQL"),
        ({"REDIS_URL": ""}, "No Celery broker"),
        ({"REDIS_URL": "", "CELERY_TASK_ALWAYS_EAGER": "1"}, "the worker and beat need REDIS_URL"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is empty"),
        ({"REDIS_URL": "redis://127.0.0.1:1/0"}, "is not reachable"),
    ],
    ids=["debug", "sqlite", "no-broker", "eager", "no-hosts", "redis-down"],
)
def test_make_serve_refuses_what_is_not_production(change, message):
    env = {k: v for k, v in {**PRODUCTION, **change}.items() if v}
    done = run([str(DEPLOY / "serve.sh")], {**env, "PYTHON": sys.executable})
    assert done.returncode != 0
    assert message in done.stderr, done.stderr
    assert "started" not in done.stdout  # nothing collected, migrated or started
