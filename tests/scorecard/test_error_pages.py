"""403, 404 and 500 pages speak Chinese (English through the switch), keep the navigation where
they can, and offer a way back; a period the user may not see is refused, not swapped."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse

from tests.rankings.conftest import city  # noqa: F401 - the small scored city

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_404_is_a_page_with_the_menu_and_a_way_back(client, leader):
    client.force_login(leader)
    response = client.get("/rankings/county/999999/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "回到首页" in body and 'class="mainnav"' in body


@override_settings(DEBUG=False)
def test_403_says_why_in_chinese(client, leader):
    client.force_login(leader)
    response = client.get(reverse("ruleset_list"))
    assert response.status_code == 403
    body = response.content.decode()
    assert "没有权限" in body and "只有系统管理员可以配置考核规则。" in body and "回到首页" in body


@override_settings(DEBUG=False)
def test_the_error_pages_switch_to_english(client, leader):
    client.force_login(leader)
    client.post(reverse("set_language"), {"language": "en"})
    body = client.get("/rankings/county/999999/").content.decode()
    assert "Page not found" in body and "Back to the home page" in body


def test_the_500_page_needs_no_context():
    body = render_to_string("500.html")
    assert "系统出错" in body and "您的数据没有被改动" in body


def test_a_period_the_reporter_may_not_see_is_refused_not_swapped(client, city, reporter_a):  # noqa: F811
    """October has a ranking, but it is not published: a reporter asking for it gets a 404,
    not September's (or any other) table."""
    from rankings import services

    september = services.ranking_recompute(period=city["september"], trigger="command").run
    services.ranking_publish(run=september, user=None)
    services.ranking_recompute(period=city["october"], trigger="command")
    client.force_login(reporter_a)
    assert client.get(reverse("league"), {"period": "2026-09"}).status_code == 200
    for page in ("league", "heatmap", "category_table", "city_overview"):
        assert client.get(reverse(page), {"period": "2026-10"}).status_code == 404
    assert client.get(reverse("bonus_list"), {"period": "2031-01"}).status_code == 404
