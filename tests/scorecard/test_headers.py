"""Headers every response carries: a Content-Security-Policy with no inline script, a
Permissions-Policy, and `Cache-Control: no-store` on whatever a signed-in user gets; and no
template that would need inline script."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in header.split(";"))
        if part
    }


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/", "/rankings/", "/api/docs/"])
def test_every_page_has_a_policy_without_inline_script(client, reviewer, url):
    client.force_login(reviewer)
    response = client.get(url, follow=True)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == "'self'"
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert (
        "unsafe-inline" not in policy["script-src"]
        and "unsafe-eval" not in response["Content-Security-Policy"]
    )
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    page = response.content.decode()
    # every script of the page is a file from this server
    for tag in re.findall(r"<script\b[^>]*>", page):
        source = re.search(r'src="([^"]*)"', tag)
        assert source is not None or 'type="application/json"' in tag, tag
        assert source is None or (source[1].startswith("/") and not source[1].startswith("//"))


def test_no_template_has_inline_script_handlers_or_javascript_urls():
    found = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"\son[a-z]+\s*=", r"javascript:"):
            found += [f"{path.name}: {m}" for m in re.findall(pattern, text)]
    assert found == []


@pytest.mark.django_db
def test_signed_in_responses_are_not_stored(client, reviewer):
    client.force_login(reviewer)
    for url in ("/", reverse("league"), "/api/counties/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


@pytest.mark.django_db
def test_downloads_are_not_stored(client, reviewer, period):
    client.force_login(reviewer)
    response = client.get(reverse("period_template", kwargs={"year": 2026, "month": 10}))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
