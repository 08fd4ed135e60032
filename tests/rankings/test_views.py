"""The league table reads stored results: city staff see the latest run, county users only
published ones."""

import pytest
from django.urls import reverse

from rankings import services
from rankings.models import RankingRun


@pytest.fixture
def scored(city):
    services.ranking_recompute(period=city["september"], trigger="command")
    services.ranking_recompute(period=city["october"], trigger="command")
    return city


@pytest.mark.parametrize("who", ["reviewer", "leader", "admin_user"])
def test_city_staff_see_the_unpublished_latest_run(request, client, scored, who):
    client.force_login(request.getfixturevalue(who))
    body = client.get(reverse("league")).content.decode()
    assert "2026年1-10月" in body
    assert "未发布" in body
    assert body.index("东城区") < body.index("西城区") < body.index("南山县")
    assert "96.00" in body
    assert "不参与排名" in body  # the zone is shown, unranked


def test_reporter_sees_nothing_until_published(client, scored, reporter_a):
    client.force_login(reporter_a)
    assert "还没有可查看的排名结果" in client.get(reverse("league")).content.decode()
    RankingRun.objects.filter(period=scored["september"]).update(is_published=True)
    body = client.get(reverse("league")).content.decode()
    assert "2026年1-9月" in body
    assert "2026年1-10月" not in body  # October is computed but not published
    # asked for, October is refused (404), never swapped for a period the reporter may see
    assert client.get(reverse("league"), {"period": "2026-10"}).status_code == 404


def test_choose_the_period(client, scored, leader):
    client.force_login(leader)
    response = client.get(reverse("league"), {"period": "2026-09"})
    assert response.context["period"] == scored["september"]


def test_league_table_queries_do_not_grow(client, scored, leader, django_assert_max_num_queries):
    client.force_login(leader)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("league")).status_code == 200


def test_league_in_english(client, scored, leader):
    client.force_login(leader)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("league")).content.decode()
    assert "League table" in body
