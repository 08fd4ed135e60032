"""The OpenAPI schema: generated with no warning and no error (the rule-set API's views
included), served to everyone at /api/schema/, with its documentation pages served from
static files (drf-spectacular-sidecar), never from a CDN."""

from __future__ import annotations

import re

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/counties/",
    "/api/counties/{code}/",
    "/api/indicators/",
    "/api/indicators/{code}/",
    "/api/periods/",
    "/api/periods/{key}/",
    "/api/runs/",
    "/api/runs/{id}/",
    "/api/results/",
    "/api/results/{id}/",
    "/api/indicator-results/",
    "/api/indicator-results/{id}/",
    "/api/progress/",
    "/api/progress/{id}/",
    "/api/targets/",
    "/api/targets/{id}/",
    "/api/bulletins/",
    "/api/bulletins/{id}/",
    "/api/rulesets/",
    "/api/rulesets/{id}/",
}


def test_the_schema_is_generated_without_a_warning_or_an_error():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert (GENERATOR_STATS._warn_cache, GENERATOR_STATS._error_cache) == ({}, {})
    assert set(schema["paths"]) == PATHS


def test_manage_py_spectacular_validates_and_fails_on_no_warning(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text(encoding="utf-8"))
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": scheme["description"],
    }
    assert "Token" in scheme["description"]


def test_decimals_are_documented_as_strings_with_units_beside_them():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    progress = schema["components"]["schemas"]["Progress"]["properties"]
    assert progress["target"]["type"] == "string" and progress["target"]["format"] == "decimal"
    assert "unit" in progress and "target_unit" in progress and "growth_pct" in progress
    target = schema["components"]["schemas"]["Target"]["properties"]
    assert target["value"]["format"] == "decimal" and "unit" in target


def test_the_filters_are_documented():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    params = {
        p["name"]: p["schema"]["type"]
        for p in schema["paths"]["/api/progress/"]["get"]["parameters"]
    }
    assert params == {
        "run": "integer",
        "period": "string",
        "year": "integer",
        "month": "integer",
        "county": "string",
        "indicator": "string",
        "level": "string",
        "page": "integer",
        "page_size": "integer",
    }


def test_everyone_gets_the_schema(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert "/api/results/" in response.content.decode()
    assert client.get("/api/schema/?format=json").json()["openapi"].startswith("3.")


def test_the_documentation_page_loads_its_scripts_from_static(client):
    page = client.get("/api/docs/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any("/static/drf_spectacular_sidecar/" in s for s in sources), sources
    assert not [s for s in sources if s.startswith(("http:", "https:", "//"))]
    assert "cdn" not in page.lower()
