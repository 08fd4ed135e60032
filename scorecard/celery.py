"""The Celery application. Its broker comes from settings (CELERY_BROKER_URL / REDIS_URL);
with none configured, tasks run in-process (eager), which is what `make run` uses."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scorecard.settings")

app = Celery("scorecard")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
