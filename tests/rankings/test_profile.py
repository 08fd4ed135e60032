"""County profile: rank trend and leading/short-board indicators from stored runs, with the
league table's visibility rule (city staff the current run, county users published runs)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from rankings import services
from rankings.models import RankingRun
from rankings.profile import county_profile, is_leading, is_short_board


@pytest.fixture
def scored(city):
    services.ranking_recompute(period=city["september"], trigger="command")
    services.ranking_recompute(period=city["october"], trigger="command")
    return city


def url(code):
    return reverse("county_profile", args=[code])


def test_city_staff_see_the_unpublished_months(scored, leader):
    data = county_profile(scored["counties"]["369901"], 2026, leader)
    assert [p.month for p in data.periods] == [9, 10]
    assert data.ranks == [1, 1]
    assert data.n_ranked == 3
    assert data.latest == scored["october"]
    assert not data.latest_run.is_published


def test_reporter_sees_only_published_months(client, scored, reporter_a):
    county = scored["counties"]["369902"]  # not the reporter's own county: rankings are public
    assert county_profile(county, 2026, reporter_a) is None
    client.force_login(reporter_a)
    assert "还没有可查看的排名结果。" in client.get(url("369902")).content.decode()

    RankingRun.objects.filter(period=scored["september"]).update(
        is_published=True, published_at=timezone.now()
    )
    data = county_profile(county, 2026, reporter_a)
    assert [p.month for p in data.periods] == [9]
    assert data.latest == scored["september"]
    body = client.get(url("369902")).content.decode()
    assert "2026年1-9月" in body
    assert "2026年1-10月" not in body


def test_leading_and_short_boards(scored, leader):
    # gdp growth 10 / 5 / 2 %, retail 4 / 10 / 2 % for 东城区 / 西城区 / 南山县; the zone unranked
    def split(code):
        data = county_profile(scored["counties"][code], 2026, leader)
        return (
            [line.indicator.code for line in data.leading],
            [line.indicator.code for line in data.short_boards],
        )

    assert split("369901") == (["gdp"], [])
    assert split("369902") == (["retail"], [])
    assert split("369903") == ([], ["gdp", "retail"])
    assert split("369971") == ([], [])


def test_growth_against_the_ranked_average(scored, leader):
    data = county_profile(scored["counties"]["369901"], 2026, leader)
    assert data.growth_indicator == scored["gdp"]
    assert data.county_growth == [10.0, 10.0]
    assert data.city_average == [5.67, 5.67]  # (10 + 5 + 2) / 3, the zone's 30 % left out


def test_thirds():
    assert [is_leading(r, 3) for r in (1, 2, 3)] == [True, False, False]
    assert [is_short_board(r, 3) for r in (1, 2, 3)] == [False, False, True]
    assert [is_leading(r, 7) for r in range(1, 8)] == [True, True] + [False] * 5
    assert [is_short_board(r, 7) for r in range(1, 8)] == [False] * 5 + [True, True]
    assert not is_leading(1, 1) and not is_short_board(1, 1)
    assert not is_leading(None, 3) and not is_short_board(None, 3)


def test_page_for_city_staff(client, scored, leader):
    client.force_login(leader)
    response = client.get(url("369903"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "南山县" in body
    assert '<script id="rank-figure" type="application/json">' in body
    assert '<script id="growth-figure" type="application/json">' in body
    assert "vendor/plotly/plotly-3.7.0.min.js" in body
    assert "js/county_profile.js" in body
    assert "短板指标" in body
    assert "未发布" in body
    assert "cdn" not in body.lower()


def test_year_parameter(client, scored, leader):
    client.force_login(leader)
    assert client.get(url("369901"), {"year": "2026"}).context["year"] == 2026
    assert client.get(url("369901"), {"year": "1999"}).context["year"] == 2026
    assert client.get(url("369901"), {"year": "x"}).context["year"] == 2026


def test_unknown_or_inactive_county_is_404(client, scored, leader):
    client.force_login(leader)
    assert client.get(url("999999")).status_code == 404
    zone = scored["counties"]["369971"]
    zone.is_active = False
    zone.save()
    assert client.get(url("369971")).status_code == 404


def test_login_required(client, scored):
    response = client.get(url("369901"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_queries_do_not_grow(client, scored, leader, django_assert_max_num_queries):
    client.force_login(leader)
    with django_assert_max_num_queries(14):
        assert client.get(url("369901")).status_code == 200
    data = None
    with django_assert_max_num_queries(7):
        data = county_profile(scored["counties"]["369901"], 2026, leader)
    assert data is not None
