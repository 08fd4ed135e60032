"""The Celery application. Its broker comes from settings (CELERY_BROKER_URL / REDIS_URL); in
DEBUG with none configured, tasks run in-process (eager), which is what `make run` uses;
outside DEBUG only when CELERY_TASK_ALWAYS_EAGER=1 asks for it (settings refuse otherwise)."""

import logging
import os
import time

from celery import Celery
from celery.signals import task_failure, task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scorecard.settings")

app = Celery("scorecard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# One log record per task run with its fields (scorecard.tasks; mailed to ADMINS on failure).
task_log = logging.getLogger("scorecard.tasks")
_started: dict[str, float] = {}


@task_prerun.connect
def _task_started(task_id=None, task=None, **_kwargs):
    _started[task_id] = time.perf_counter()


@task_postrun.connect
def _task_finished(task_id=None, task=None, state=None, **_kwargs):
    started = _started.pop(task_id, None)
    ms = round((time.perf_counter() - started) * 1000, 1) if started is not None else None
    fields = {"task": getattr(task, "name", ""), "id": task_id, "state": state, "ms": ms}
    task_log.info("task %s %s in %s ms", fields["task"], state, ms, extra=fields)


@task_failure.connect
def _task_failed(task_id=None, exception=None, sender=None, **_kwargs):
    fields = {"task": getattr(sender, "name", ""), "id": task_id, "state": "FAILURE"}
    task_log.error(
        "task %s failed: %s", fields["task"], exception, extra=fields, exc_info=exception
    )
