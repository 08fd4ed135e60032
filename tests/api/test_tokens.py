"""Personal API tokens: made and revoked by their owner on /account/tokens/ (CSRF on, POST
only), shown once, stored as a SHA-512 digest only; `Authorization: Token <key>` reads the API
and nothing else; a revoked, expired or malformed token is a 401; admins revoke anyone's."""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from knox.models import AuthToken

from api import services
from api.models import TokenLabel
from indicators.models import RuleSet
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

PAGE = "/account/tokens/"
NEW = "/account/tokens/new/"
REVOKE = "/account/tokens/revoke/"
KEY = re.compile(r'<code class="token-key" id="new-token">(kh_[0-9a-f]{64})</code>')


def make(client, name: str = "月报脚本", days: str = "90"):
    return client.post(NEW, {"name": name, "days": days})


def key_of(response) -> str:
    found = KEY.search(response.content.decode())
    assert found, response.content.decode()[:2000]
    return found[1]


def api(key: str, url: str = "/api/counties/") -> int:
    return Client(headers={"Authorization": f"Token {key}"}).get(url).status_code


def test_the_page_needs_a_signed_in_user(client, world):
    response = client.get(PAGE)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.post(NEW, {"days": "90"}).status_code == 302
    assert not AuthToken.objects.exists()


def test_a_token_is_shown_once_and_stored_only_as_a_digest(client, world):
    user = world["users"]["reporter_a"]
    client.force_login(user)
    response = make(client)
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    key = key_of(response)
    row = AuthToken.objects.get(user=user)
    assert row.digest == hashlib.sha512(key.encode()).hexdigest()
    stored = " ".join(str(getattr(row, f.attname)) for f in AuthToken._meta.concrete_fields)
    assert key not in stored and key[15:] not in stored
    assert row.token_key == key[:15]
    assert TokenLabel.objects.get(token=row).name == "月报脚本"
    assert row.expiry - timezone.now() > datetime.timedelta(days=89)
    # the list shows its beginning and name, never the key again
    page = client.get(PAGE).content.decode()
    assert row.token_key in page and "月报脚本" in page and key not in page
    assert api(key) == 200


def test_the_token_page_is_in_the_user_menu(client, world):
    client.force_login(world["users"]["leader"])
    assert 'href="/account/tokens/"' in client.get("/inbox/").content.decode()


def test_making_and_revoking_need_the_csrf_token_and_a_post(world):
    browser = Client(enforce_csrf_checks=True)
    user = world["users"]["reviewer"]
    browser.force_login(user)
    assert browser.get(NEW).status_code == 405
    assert make(browser).status_code == 403
    assert not AuthToken.objects.filter(user=user).exists()
    _token, key = AuthToken.objects.create(user=user)
    assert browser.get(REVOKE, {"token": key[:15]}).status_code == 405
    assert browser.post(REVOKE, {"token": key[:15]}).status_code == 403
    assert api(key) == 200
    # with the page's token both work
    page = browser.get(PAGE)
    csrf = page.cookies["csrftoken"].value
    made = browser.post(NEW, {"days": "30", "csrfmiddlewaretoken": csrf})
    assert made.status_code == 201
    revoked = browser.post(REVOKE, {"token": key[:15], "csrfmiddlewaretoken": csrf})
    assert revoked.status_code == 302
    assert api(key) == 401


def test_a_revoked_token_is_refused_with_401(client, world):
    client.force_login(world["users"]["reporter_a"])
    key = key_of(make(client))
    assert api(key) == 200
    response = client.post(REVOKE, {"token": key[:15]}, follow=True)
    assert "令牌已撤销" in response.content.decode()
    refused = Client(headers={"Authorization": f"Token {key}"}).get("/api/runs/")
    assert refused.status_code == 401
    assert refused.json()["detail"] == "令牌无效、已过期或已撤销。"
    assert refused["WWW-Authenticate"] == "Token"


def test_nobody_revokes_another_users_token(client, world):
    _token, key = AuthToken.objects.create(user=world["users"]["reporter_b"])
    client.force_login(world["users"]["reporter_a"])
    response = client.post(REVOKE, {"token": key[:15]}, follow=True)
    assert "没有找到这个令牌" in response.content.decode()
    assert api(key) == 200


def test_a_user_without_a_role_manages_tokens_but_reads_nothing(client, world):
    client.force_login(world["users"]["norole"])
    assert client.get(PAGE).status_code == 200
    key = key_of(make(client))
    assert api(key) == 403
    client.post(REVOKE, {"token": key[:15]})
    assert api(key) == 401


def test_an_expired_token_is_refused_and_removed(world):
    token, key = AuthToken.objects.create(
        user=world["users"]["leader"], expiry=datetime.timedelta(seconds=-1)
    )
    assert api(key) == 401
    assert not AuthToken.objects.filter(pk=token.pk).exists()


def test_a_deactivated_users_token_is_refused(world):
    user = world["users"]["leader"]
    _token, key = AuthToken.objects.create(user=user)
    user.is_active = False
    user.save()
    response = Client(headers={"Authorization": f"Token {key}"}).get("/api/runs/")
    assert response.status_code == 401
    assert response.json()["detail"] == "该令牌所属的账号已停用。"


@pytest.mark.parametrize(
    "header",
    [
        "Token",
        "Token a b",
        "Token kh_" + "0" * 64,
        "Token kh_" + "g" * 64,
        "Token " + "0" * 5000,
        "token kh_" + "0" * 63,
        "Token kh_ÿÿÿ",
    ],
)
def test_a_malformed_or_unknown_token_is_a_401(world, header):
    response = Client(headers={"Authorization": header}).get("/api/runs/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["detail"]


def test_bearer_is_not_the_scheme(world):
    _token, key = AuthToken.objects.create(user=world["users"]["leader"])
    response = Client(headers={"Authorization": f"Bearer {key}"}).get("/api/runs/")
    assert response.status_code == 401


def test_a_token_only_reads(world):
    """The rule-set API writes for admins, but only with a signed-in session and its CSRF
    token: a token, even an admin's, is refused and nothing changes."""
    client = token_client(world["users"]["admin"])
    ruleset = world["ruleset"]
    url = f"/api/rulesets/{ruleset.pk}/"
    assert client.get(url).status_code == 200
    response = client.patch(url, {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert "只能用于读取" in response.json()["detail"]
    assert client.delete(url).status_code == 403
    assert RuleSet.objects.get(pk=ruleset.pk).name != "x"


def test_a_user_holds_at_most_ten_tokens(client, world):
    user = world["users"]["reviewer"]
    client.force_login(user)
    for _n in range(services.TOKENS_PER_USER_MAX):
        assert make(client).status_code == 201
    refused = make(client)
    assert refused.status_code == 400
    assert "最多同时持有 10 个令牌" in refused.content.decode()
    assert AuthToken.objects.filter(user=user).count() == services.TOKENS_PER_USER_MAX


@pytest.mark.parametrize(
    ("fields", "message"),
    [({"days": "7"}, "选择一个有效的选项"), ({"days": "90", "name": "名" * 61}, "不超过 60 字符")],
)
def test_a_bad_form_is_refused_with_its_message(client, world, fields, message):
    client.force_login(world["users"]["leader"])
    response = client.post(NEW, fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AuthToken.objects.filter(user=world["users"]["leader"]).exists()


def test_an_admin_sees_every_token_and_revokes_any_in_the_admin(client, world):
    token, key = AuthToken.objects.create(user=world["users"]["reporter_a"])
    TokenLabel.objects.create(token=token, name="县区脚本")
    client.force_login(world["users"]["admin"])
    listing = client.get(reverse("admin:api_apitoken_changelist")).content.decode()
    assert token.token_key in listing and "县区脚本" in listing and key not in listing
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
    delete = reverse("admin:api_apitoken_delete", args=[token.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert api(key) == 401


def test_only_admins_reach_the_tokens_in_the_admin(client, world):
    token, _key = AuthToken.objects.create(user=world["users"]["reporter_b"])
    client.force_login(world["users"]["reporter_a"])
    response = client.post(reverse("admin:api_apitoken_delete", args=[token.pk]), {"post": "yes"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert AuthToken.objects.filter(pk=token.pk).exists()
