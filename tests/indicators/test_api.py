"""The rule-set API: engine JSON in and out, admins write drafts, published sets refused (409)."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from indicators.models import RuleSet, RuleSetIndicator
from indicators.selectors import ruleset_as_json
from tests.indicators.conftest import catalogue_for, example

pytestmark = pytest.mark.django_db

LIST = reverse("api_rulesets")


def detail(ruleset) -> str:
    return reverse("api_ruleset", args=[ruleset.pk])


def send(client, method: str, url: str, body) -> object:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("who", ["reviewer", "leader", "admin_user"])
def test_city_staff_read_rule_sets_as_engine_json(client, request, who, published_ruleset):
    client.force_login(request.getfixturevalue(who))
    listed = client.get(LIST).json()
    assert [r["id"] for r in listed] == [published_ruleset.pk]
    one = client.get(detail(published_ruleset)).json()
    assert one["status"] == "published"
    assert one["rules"] == json.loads(ruleset_as_json(published_ruleset))


def test_county_users_and_anonymous_read_nothing(client, reporter_a, published_ruleset):
    assert client.get(LIST).status_code == 403
    client.force_login(reporter_a)
    assert client.get(detail(published_ruleset)).status_code == 403


@pytest.mark.parametrize("who", ["reviewer", "leader"])
def test_only_admins_write(client, request, who, draft_ruleset):
    client.force_login(request.getfixturevalue(who))
    body = json.loads(ruleset_as_json(draft_ruleset))
    assert send(client, "post", LIST, body).status_code == 403
    assert send(client, "put", detail(draft_ruleset), body).status_code == 403
    assert client.delete(detail(draft_ruleset)).status_code == 403


def test_post_imports_a_draft_and_round_trips(client, admin_user):
    data = example("hdi_2022.json")
    catalogue_for(data)
    client.force_login(admin_user)
    response = send(client, "post", LIST, data)
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft" and body["notes"] == []
    assert client.get(body["url"]).json()["rules"] == data


def test_post_names_unknown_codes(client, admin_user):
    client.force_login(admin_user)
    response = send(client, "post", LIST, example("worked_example.json"))
    assert response.status_code == 400
    assert any("“gdp”不在指标目录中" in e for e in response.json()["errors"])


def test_put_and_patch_edit_a_draft(client, admin_user, draft_ruleset):
    client.force_login(admin_user)
    body = json.loads(ruleset_as_json(draft_ruleset))
    body["indicators"][0]["weight"] = 45
    body["indicators"][1]["weight"] = 15
    response = send(client, "put", detail(draft_ruleset), body)
    assert response.status_code == 200
    assert response.json()["rules"] == body
    response = send(
        client, "patch", detail(draft_ruleset), {"tiers": {"leading": 0.25, "lagging": 0.25}}
    )
    assert response.status_code == 200
    assert response.json()["rules"]["tiers"] == {"leading": 0.25, "lagging": 0.25}
    assert response.json()["rules"]["indicators"][0]["weight"] == 45


def test_put_with_weights_off_says_by_how_much_and_writes_nothing(
    client, admin_user, draft_ruleset
):
    client.force_login(admin_user)
    body = json.loads(ruleset_as_json(draft_ruleset))
    body["indicators"][2]["weight"] = 39.5
    response = send(client, "put", detail(draft_ruleset), body)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        "“生态环境”各指标权重合计 39.5 分，应等于类别权重 40 分（少了 0.5 分）"
    ]
    assert (
        RuleSetIndicator.objects.get(ruleset=draft_ruleset, indicator__code="forest").weight == 40
    )


def test_published_set_refused_with_409(client, admin_user, published_ruleset):
    client.force_login(admin_user)
    body = json.loads(ruleset_as_json(published_ruleset))
    body["indicators"][0]["weight"] = 1
    for method in ("put", "patch"):
        response = send(client, method, detail(published_ruleset), body)
        assert response.status_code == 409
        assert "已发布，不能修改或删除；如需修改请新建版本" in response.json()["detail"]
    assert client.delete(detail(published_ruleset)).status_code == 409
    assert RuleSet.objects.filter(pk=published_ruleset.pk).exists()
    assert json.loads(ruleset_as_json(published_ruleset))["indicators"][0]["weight"] == 40


def test_delete_removes_a_draft(client, admin_user, draft_ruleset):
    client.force_login(admin_user)
    assert client.delete(detail(draft_ruleset)).status_code == 204
    assert not RuleSet.objects.exists()


def test_session_writes_need_the_csrf_token(admin_user, draft_ruleset):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = send(client, "patch", detail(draft_ruleset), {"name": "x"})
    assert response.status_code == 403
    assert RuleSet.objects.get(pk=draft_ruleset.pk).name != "x"


def test_json_nested_100000_deep_is_a_400_and_changes_nothing(client, admin_user):
    client.force_login(admin_user)
    before = RuleSet.objects.count()
    body = "[" * 100_000 + "]" * 100_000
    response = client.post(LIST, body, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套过深" in response.json()["detail"]
    assert RuleSet.objects.count() == before
