"""Throttling per user and per anonymous address: a 429 with Retry-After past the rate. The
rates come from settings (API_THROTTLE_USER, API_THROTTLE_ANON in the environment); DRF keeps
them on SimpleRateThrottle.THROTTLE_RATES when it is imported, so the tests patch both."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.cache import cache
from rest_framework.throttling import SimpleRateThrottle

from tests.api.conftest import token_client
from tests.scorecard.test_settings import BASE_DIR, CLEAN_ENV

pytestmark = pytest.mark.django_db

RATES = {"anon": "2/minute", "user": "3/minute"}


@pytest.fixture
def small_rates(settings, monkeypatch, world):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": RATES}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", RATES)
    # the history is kept in the cache (Redis) under the user's id and the client's address,
    # which the next run of the tests reuses
    keys = [f"throttle_user_{u.pk}" for u in world["users"].values()]
    keys += ["throttle_anon_127.0.0.1", "throttle_user_127.0.0.1"]  # anonymous: both count
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


def test_a_user_past_the_rate_gets_429_and_another_user_does_not(world, small_rates):
    client = token_client(world["users"]["reporter_a"])
    assert [client.get("/api/counties/").status_code for _n in range(3)] == [200, 200, 200]
    refused = client.get("/api/runs/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "请求过于频繁" in refused.json()["detail"]
    other = token_client(world["users"]["reporter_b"])
    assert other.get("/api/counties/").status_code == 200


def test_the_rule_set_api_is_throttled_too(world, small_rates):
    client = token_client(world["users"]["reviewer"])
    statuses = [client.get("/api/rulesets/").status_code for _n in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_an_anonymous_address_past_the_rate_gets_429(client, small_rates):
    assert [client.get("/api/schema/").status_code for _n in range(2)] == [200, 200]
    assert client.get("/api/schema/").status_code == 429


def test_the_rates_come_from_the_environment():
    script = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='scorecard.settings';"
        "django.setup(); from django.conf import settings;"
        "print(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={
            **CLEAN_ENV,
            "DEBUG": "1",
            "API_THROTTLE_USER": "7/minute",
            "API_THROTTLE_ANON": "1/second",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "{'anon': '1/second', 'user': '7/minute'}" in done.stdout
