"""The suite runs on real PostgreSQL and Redis; the Celery app talks to the Redis broker."""

import os
import uuid

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from scorecard import service_check
from scorecard.celery import app as celery_app


@pytest.mark.django_db
def test_suite_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_cache_is_redis():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    key = f"test-{uuid.uuid4()}"
    cache.set(key, "值", 30)
    assert cache.get(key) == "值"
    cache.delete(key)


def test_celery_uses_a_real_redis_broker():
    assert not celery_app.conf.task_always_eager
    assert celery_app.conf.broker_url.startswith("redis://")
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1)
        assert conn.connected


def test_service_check_names_the_service_that_is_down():
    message = service_check.check_redis("redis://127.0.0.1:1/0")
    assert "Redis is not reachable" in message and "redis-server" in message
    message = service_check.check_postgres("postgres://postgres@127.0.0.1:1/scorecard")
    assert "PostgreSQL is not reachable" in message and "pg_ctlcluster" in message
    assert "must name PostgreSQL" in service_check.check_postgres("sqlite:///x.db")


def test_service_check_passes_on_the_real_services():
    assert service_check.check_postgres(os.environ["DATABASE_URL"]) is None
    assert service_check.check_redis(settings.REDIS_URL) is None
