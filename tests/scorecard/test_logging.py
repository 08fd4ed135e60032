"""Logs: one record per request, recompute and task with its fields, one JSON object a line in
production, and errors mailed to ADMINS."""

import json
import logging
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail
from django.test import RequestFactory, override_settings
from django.utils.log import AdminEmailHandler

from scorecard.middleware import RequestLogMiddleware
from tests.scorecard.test_settings import BASE_DIR, CLEAN_ENV


def test_a_request_is_logged_with_its_fields(rf: RequestFactory, caplog):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    request = rf.get("/rankings/?period=2026-10")
    request.user = AnonymousUser()
    middleware = RequestLogMiddleware(lambda r: HttpResponse(status=204))
    with caplog.at_level(logging.INFO, logger="scorecard.requests"):
        middleware(request)
    (record,) = [r for r in caplog.records if r.name == "scorecard.requests"]
    assert (record.method, record.path, record.status, record.user) == (
        "GET",
        "/rankings/",
        204,
        None,
    )
    assert record.ms >= 0


def test_the_json_format_writes_one_object_with_the_fields():
    from pythonjsonlogger.json import JsonFormatter

    config = settings.LOGGING["formatters"]["json"]
    assert config["()"] == "pythonjsonlogger.json.JsonFormatter"
    made = JsonFormatter(
        config["fmt"], rename_fields=config["rename_fields"], json_ensure_ascii=False
    )
    record = logging.LogRecord(
        "scorecard.tasks", logging.INFO, __file__, 1, "任务 %s", ("x",), None
    )
    record.task, record.ms = "rankings.recompute", 12.5
    line = json.loads(made.format(record))
    assert line["logger"] == "scorecard.tasks" and line["level"] == "INFO"
    assert line["message"] == "任务 x" and line["task"] == "rankings.recompute"
    assert line["ms"] == 12.5 and "time" in line


def test_production_defaults_to_json_and_reads_admins():
    code = (
        "from django.conf import settings;"
        "print(settings.LOG_FORMAT);"
        "print(settings.ADMINS);"
        "print(settings.LOGGING['handlers']['console']['formatter'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django;django.setup();{code}"],
        cwd=BASE_DIR,
        env={
            **CLEAN_ENV,
            "DJANGO_SETTINGS_MODULE": "scorecard.settings",
            "DEBUG": "0",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "example.org",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "ADMINS": "运维值班 <ops@example.gov>,dba@example.gov",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "json" and lines[2] == "json"
    assert lines[1] == "[('运维值班', 'ops@example.gov'), ('', 'dba@example.gov')]"


@pytest.mark.django_db
@override_settings(ADMINS=[("运维", "ops@example.gov")], DEBUG=False)
def test_errors_are_mailed_to_admins(rf):
    handlers = logging.getLogger("django.request").handlers
    assert any(isinstance(h, AdminEmailHandler) for h in handlers)
    logging.getLogger("django.request").error(
        "Internal Server Error: /rankings/", extra={"status_code": 500, "request": rf.get("/")}
    )
    assert [m.to for m in mail.outbox] == [["ops@example.gov"]]
