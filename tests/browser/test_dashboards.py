"""A leader before a dispatch meeting: league table, another month, a county's profile with its
gap to the next place, the category tables and the city overview, then the same in English."""

import pytest

from rankings import services
from tests.browser.conftest import login
from tests.rankings.conftest import city  # noqa: F401 - the small scored city

pytestmark = pytest.mark.django_db(transaction=True)


def test_leader_walks_through_the_dashboards(page, live_server, city, leader, shot):  # noqa: F811
    for month in ("september", "october"):
        services.ranking_recompute(period=city[month], trigger="command")
    base = live_server.url
    login(page, base, "leader")

    page.click("nav >> text=综合排名")
    assert "2026年1-10月" in page.text_content("h1")
    page.select_option("#period-select", "2026-09")
    page.wait_for_url("**/rankings/?period=2026-09")
    assert "2026年1-9月" in page.text_content("h1")

    page.click("table.league >> text=南山县")
    page.wait_for_url("**/rankings/county/369903/**")
    page.wait_for_selector("#rank-chart .main-svg")
    page.wait_for_selector("#indicator-chart .main-svg")
    gaps = page.locator("table.gaps")
    assert "地区生产总值" in gaps.text_content()
    assert "第3→2名" in gaps.text_content()
    shot("county-profile-gaps")

    page.click("nav >> text=分项排名")
    page.wait_for_selector("table.category-table")
    assert "全市合计" in page.text_content("main, body")
    shot("category-table")

    page.click("nav >> text=全市概览")
    page.wait_for_selector("#city-chart .main-svg")
    assert "447.00" in page.text_content("table.overview")
    shot("city-overview")

    page.select_option("#language-select", "en")
    page.wait_for_selector("h1:has-text('City overview')")
    page.wait_for_selector("#city-chart .main-svg")
    shot("city-overview-english")
    page.goto(f"{base}/rankings/county/369903/")
    page.wait_for_selector("#rank-chart .main-svg")
    assert "Gap to the next place" in page.text_content("body")
