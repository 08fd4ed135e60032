"""Schemathesis against the running app (pytest-django's live_server): for every GET operation
of the schema, requests generated from its parameters, valid ones and invalid ones, with the
token of a reviewer and of a county reporter; no answer may be a server error, and every
documented answer must match its schema. Bounded (a few examples per operation, derandomized)
so that the run takes seconds, not minutes.

schemathesis 4 needs hypothesis >= 6.130 and pytest >= 8.4, inside the project's pins
(hypothesis < 7, pytest < 9)."""

from __future__ import annotations

import pytest
import requests
import schemathesis
from django.core.servers import basehttp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from rankings.models import CountyResult, IndicatorResult, ProgressResult
from targets.models import Target
from tests.api.world import build_world

EXAMPLES = 4  # per operation and way of generating, each sent with both tokens


@pytest.fixture
def live_world(transactional_db, live_server, settings, monkeypatch):
    """The world committed, so that the live server's thread reads it; no throttling; and the
    server's socket without Nagle's algorithm (else each answer waits 40 ms for the client's
    delayed ACK)."""
    monkeypatch.setattr(basehttp.WSGIRequestHandler, "disable_nagle_algorithm", True)
    settings.ALLOWED_HOSTS = ["*"]
    rates = {"anon": "100000/minute", "user": "100000/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    return build_world()


def _real_ids(world: dict) -> dict[str, dict[str, object]]:
    """Path parameters of rows that exist, so that detail answers are exercised too."""
    result = CountyResult.objects.filter(run=world["run_september"]).first()
    return {
        "/api/counties/{code}/": {"code": "369901"},
        "/api/indicators/{code}/": {"code": "gdp"},
        "/api/periods/{key}/": {"key": "2026-09"},
        "/api/runs/{id}/": {"id": world["run_september"].pk},
        "/api/results/{id}/": {"id": result.pk},
        "/api/indicator-results/{id}/": {"id": IndicatorResult.objects.first().pk},
        "/api/progress/{id}/": {"id": ProgressResult.objects.first().pk},
        "/api/targets/{id}/": {"id": Target.objects.first().pk},
        "/api/bulletins/{id}/": {"id": world["bulletin_issued"].pk},
        "/api/rulesets/{id}/": {"id": world["ruleset"].pk},
    }


def test_no_get_operation_answers_with_a_server_error(live_world, live_server):
    world = live_world
    raw = requests.get(f"{live_server.url}/api/schema/?format=json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(raw).include(method="GET")
    keys = [
        AuthToken.objects.create(user=world["users"][who])[1] for who in ("reviewer", "reporter_a")
    ]
    known = _real_ids(world)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 20
    session = requests.Session()
    answered: dict[int, int] = {}

    for operation in operations:
        strategies = [
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        ]
        if operation.path in known:
            strategies.append(operation.as_strategy(path_parameters=known[operation.path]))

        @settings(
            max_examples=EXAMPLES * len(strategies),
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=st.one_of(strategies))
        def check(case):
            for key in keys:
                headers = {"Authorization": f"Token {key}"}
                response = case.call(base_url=live_server.url, session=session, headers=headers)
                answered[response.status_code] = answered.get(response.status_code, 0) + 1
                case.validate_response(
                    response,
                    checks=[not_a_server_error, response_schema_conformance],
                    headers=headers,
                )

        check()

    assert not [status for status in answered if status >= 500]
    assert answered.get(200, 0) > 50, answered  # the valid requests did read data
