"""A leader opens the rank heatmap, sees it drawn, and clicks through to a county profile."""

import pytest

from rankings import services
from tests.browser.conftest import login
from tests.rankings.conftest import city  # noqa: F401 - the small scored city

pytestmark = pytest.mark.django_db(transaction=True)


def test_heatmap_draws_and_opens_a_county_profile(page, live_server, city, leader, shot):  # noqa: F811
    services.ranking_recompute(period=city["october"], trigger="command")
    login(page, live_server.url, "leader")
    page.click("text=指标热力图")
    page.wait_for_selector("#heatmap .main-svg")
    shot("rank-heatmap")
    box = page.locator("#heatmap .nsewdrag").first.bounding_box()
    # The top-left cell: the first county (东城区) on the first indicator.
    page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.12)
    page.wait_for_url("**/rankings/county/369901/**")
    assert "东城区" in page.text_content("h1")


def test_leader_switches_the_league_table_to_english(page, live_server, city, leader, shot):  # noqa: F811
    services.ranking_recompute(period=city["october"], trigger="command")
    login(page, live_server.url, "leader")
    page.click("text=综合排名")
    assert page.text_content("h1").startswith("综合排名")
    page.select_option("#language-select", "en")
    page.wait_for_selector("h1:has-text('League table')")
    assert "Total (points)" in page.text_content("table.league thead")
    shot("league-english")
