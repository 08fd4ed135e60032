"""Honest periods: ranking pages open on the newest complete ranking, a ranking in progress says
how many counties it ranks so far, and its rank changes compare like with like."""

from __future__ import annotations

import pytest
from django.urls import reverse

from counties.models import Submission
from rankings import services
from rankings.models import CountyResult
from rankings.selectors.profile import county_profile
from rankings.selectors.runs import ranked_periods, run_is_complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def october_in_progress(city):
    """September complete; in October 东城区's figures still wait for review."""
    Submission.objects.filter(period=city["october"], county__code="369901").update(
        status="submitted"
    )
    for month in ("september", "october"):
        services.ranking_recompute(period=city[month], trigger="command")
    return city


def test_a_ranking_is_complete_when_every_ranked_county_has_a_place(october_in_progress, leader):
    periods = {p.period.key: p for p in ranked_periods(leader)}
    assert (periods["2026-09"].ranked, periods["2026-09"].expected) == (3, 3)
    assert periods["2026-09"].complete
    assert (periods["2026-10"].ranked, periods["2026-10"].expected) == (2, 3)
    assert not periods["2026-10"].complete


def test_a_closed_period_is_complete_even_with_a_county_missing(october_in_progress):
    october = october_in_progress["october"]
    run = services.ranking_recompute(period=october, trigger="command", force=True).run
    assert not run_is_complete(run)
    october.is_open = False
    october.save()
    run.refresh_from_db()
    assert run_is_complete(run)


@pytest.mark.parametrize("page", ["league", "heatmap", "category_table", "city_overview"])
def test_ranking_pages_open_on_the_newest_complete_period(
    client, october_in_progress, leader, page
):
    client.force_login(leader)
    body = client.get(reverse(page)).content.decode()
    assert '<option value="2026-09" selected>' in body
    # the newer ranking is one click away, saying how far it has got
    assert "进行中：已有 2/3 个县区参评" in body and "?period=2026-10" in body


def test_the_ranking_in_progress_is_labelled_and_its_changes_marked_provisional(
    client, october_in_progress, leader
):
    client.force_login(leader)
    body = client.get(reverse("league") + "?period=2026-10").content.decode()
    assert '<option value="2026-10" selected>' in body
    assert "进行中：已有 2/3 个县区参评" in body and "暂定" in body


def test_rank_change_compares_only_the_counties_ranked_in_both_months(october_in_progress):
    """September: 东城 1, 西城 2, 南山 3. October without 东城: 西城 1, 南山 2. Among the two
    ranked both times nothing moved, so neither shows a gain; 东城 has no change at all."""
    october = {
        r.county.code: r
        for r in CountyResult.objects.filter(
            run__period=october_in_progress["october"], run__is_current=True
        ).select_related("county")
    }
    assert (october["369902"].rank, october["369903"].rank) == (1, 2)
    assert october["369902"].rank_change == 0 and october["369903"].rank_change == 0
    assert october["369901"].rank is None and october["369901"].rank_change is None


def test_the_profile_opens_on_the_newest_complete_month_like_the_league_table(
    october_in_progress, leader
):
    city = october_in_progress
    data = county_profile(city["counties"]["369902"], 2026, leader)
    assert data.latest == city["september"] and data.n_ranked_latest == 3


def test_the_profile_counts_the_counties_actually_ranked(client, october_in_progress, leader):
    city = october_in_progress
    data = county_profile(city["counties"]["369902"], 2026, leader, month=10)
    assert data.latest == city["october"] and data.n_ranked_latest == 2
    client.force_login(leader)
    url = reverse("county_profile", args=["369902"])
    body = client.get(url, {"year": 2026, "period": "2026-10"}).content.decode()
    assert "综合排名第 1 名（共 2 个参评县区）" in body
    # the league table's county links open the profile on the month it shows
    league = client.get(reverse("league"), {"period": "2026-10"}).content.decode()
    assert f"{url}?year=2026&amp;period=2026-10" in league
