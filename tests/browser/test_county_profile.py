"""A leader opens a county's profile and plotly draws the rank trend from the vendored bundle."""

import pytest

from rankings import services
from tests.browser.conftest import login
from tests.rankings.conftest import city  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def test_leader_sees_the_county_profile_charts(page, live_server, city, leader, shot):  # noqa: F811
    services.ranking_recompute(period=city["september"], trigger="command")
    services.ranking_recompute(period=city["october"], trigger="command")
    base = live_server.url
    login(page, base, "leader")
    page.goto(f"{base}/rankings/county/369902/")
    page.wait_for_selector("#rank-chart .main-svg")
    page.wait_for_selector("#indicator-chart .main-svg")
    assert page.locator("h1").inner_text().startswith("西城区")
    assert page.locator("text=领先指标").count() == 1
    shot("county-profile")
