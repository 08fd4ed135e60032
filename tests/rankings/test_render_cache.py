"""The render cache of the league table, the heatmap and the county profiles (rankings/views/
cache.py): a page is rendered once per state of the runs its user may see, never served to a
user who may see other runs, other counties or another language, and rendered anew when a run
is made or published."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse

from counties.models import Submission, SubmissionValue
from rankings import services
from rankings.models import RankingRun
from rankings.views import cache as render_cache
from rankings.views import league as league_views
from rankings.views import profile as profile_views
from rankings.views.common import ranking_state
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def scored(city):
    """September and October ranked; neither published."""
    services.ranking_recompute(period=city["september"], trigger="command")
    services.ranking_recompute(period=city["october"], trigger="command")
    return city


@pytest.fixture
def calls(monkeypatch):
    """How often each page's selector ran: once per state, then the cache answers."""
    counted = {"league": 0, "heatmap": 0, "profile": 0}

    def counting(name, function):
        def wrapper(*args, **kwargs):
            counted[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(league_views, "league_table", counting("league", league_views.league_table))
    monkeypatch.setattr(
        league_views, "rank_heatmap", counting("heatmap", league_views.rank_heatmap)
    )
    monkeypatch.setattr(
        profile_views.profile,
        "county_profile",
        counting("profile", profile_views.profile.county_profile),
    )
    return counted


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def without_tokens(body: str) -> str:
    """The page without its CSRF tokens, which differ on every render."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)


def test_a_page_is_rendered_once_and_then_served_as_it_was(scored, leader, calls):
    client = signed_in(leader)
    for name, url in (
        ("league", reverse("league")),
        ("heatmap", reverse("heatmap")),
        ("profile", reverse("county_profile", args=["369901"])),
    ):
        first = client.get(url)
        second = client.get(url)
        assert first.status_code == second.status_code == 200
        assert calls[name] == 1, name
        assert without_tokens(second.content.decode()) == without_tokens(first.content.decode())
        assert not re.search(r"<!--/?[0-9a-f]{24}:", first.content.decode())  # no marker left


def test_the_layout_around_a_cached_page_is_the_users_own(scored, leader, calls):
    """The menu, name and CSRF tokens come from each request, not from the cache."""
    other = UserFactory(username="leader_two", last_name="钱", first_name="二", roles=["leader"])
    first = signed_in(leader).get(reverse("league")).content.decode()
    second = signed_in(other).get(reverse("league")).content.decode()
    assert calls["league"] == 1  # the second leader got the stored table
    assert "钱二" in second and "钱二" not in first
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', second)
    assert tokens and not set(tokens) & set(
        re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', first)
    )


def test_city_staff_page_is_never_served_to_a_county_user(scored, leader, reporter_a, calls):
    leader_page = signed_in(leader).get(reverse("league")).content.decode()
    assert "2026年1-10月" in leader_page and "未发布" in leader_page
    reporter_page = signed_in(reporter_a).get(reverse("league")).content.decode()
    assert calls["league"] == 1  # the reporter's page was never the leader's: no run to show
    assert "还没有可查看的排名结果" in reporter_page
    assert "2026年1-10月" not in reporter_page and "未发布" not in reporter_page


def test_a_county_users_page_is_never_served_to_city_staff(scored, leader, reporter_a, calls):
    services.ranking_publish(run=RankingRun.objects.get(period=scored["september"]), user=None)
    reporter_page = signed_in(reporter_a).get(reverse("league")).content.decode()
    assert "2026年1-9月" in reporter_page and "2026年1-10月" not in reporter_page
    leader_page = signed_in(leader).get(reverse("league")).content.decode()
    assert calls["league"] == 2
    assert "2026年1-10月" in leader_page


def test_reporters_of_different_counties_have_their_own_entries(scored, reporter_a, reporter_b):
    """What county users see does not differ by county today; the key keeps them apart all the
    same, so that a page that one day shows a county its own figures cannot leak them."""
    factory = RequestFactory()
    keys = []
    for user in (reporter_a, reporter_b, reporter_a):
        request = factory.get(reverse("league"))
        request.user = user
        keys.append(render_cache.page_key(request, "league", ranking_state(request)))
    assert keys[0] == keys[2]
    assert keys[0] != keys[1]
    second_county = UserFactory(username="reporter_ab", roles=["reporter"])
    MembershipFactory(user=second_county, county=scored["counties"]["369901"])
    MembershipFactory(user=second_county, county=scored["counties"]["369902"])
    request = factory.get(reverse("league"))
    request.user = second_county
    assert render_cache.page_key(request, "league", ranking_state(request)) not in keys


def test_publishing_a_run_shows_it_to_county_users_at_once(scored, reporter_a, reviewer, calls):
    client = signed_in(reporter_a)
    assert "还没有可查看的排名结果" in client.get(reverse("league")).content.decode()
    assert "还没有可查看的排名结果" in client.get(reverse("heatmap")).content.decode()
    october = RankingRun.objects.get(period=scored["october"], is_current=True)
    services.ranking_publish(run=october, user=reviewer, confirm_missing=True)
    league = client.get(reverse("league")).content.decode()
    assert "2026年1-10月" in league and "东城区" in league
    assert "heatmap-figure" in client.get(reverse("heatmap")).content.decode()
    assert calls["league"] == 1  # before publishing the page had no run to read


def test_a_published_badge_goes_when_the_run_is_published(scored, leader, reviewer, calls):
    client = signed_in(leader)
    assert "未发布" in client.get(reverse("league")).content.decode()
    october = RankingRun.objects.get(period=scored["october"], is_current=True)
    services.ranking_publish(run=october, user=reviewer, confirm_missing=True)
    assert "未发布" not in client.get(reverse("league")).content.decode()
    assert calls["league"] == 2


def test_a_new_run_is_shown_at_once(scored, leader, calls):
    client = signed_in(leader)
    url = reverse("county_profile", args=["369903"])
    assert "综合排名第 3 名" in client.get(url).content.decode()
    assert "96.00" in client.get(reverse("league")).content.decode()
    # 南山县's October GDP goes from +2 % to +20 %: first on GDP, a new run, a new table
    value = SubmissionValue.objects.get(
        submission=Submission.objects.get(
            county=scored["counties"]["369903"], period=scored["october"]
        ),
        indicator=scored["gdp"],
    )
    value.value = Decimal("120")
    value.save()
    new = services.ranking_recompute(period=scored["october"], trigger="command").run
    assert new.is_current
    page = client.get(url)
    assert page.context["profile"].latest_run == new
    assert "综合排名第 3 名" not in page.content.decode()
    league = client.get(reverse("league"))
    assert league.context["table"].run == new
    assert calls["profile"] == 2 and calls["league"] == 2


def test_each_language_has_its_own_entry(scored, leader, calls):
    client = signed_in(leader)
    assert "综合排名" in client.get(reverse("league")).content.decode()
    client.cookies["django_language"] = "en"
    body = client.get(reverse("league")).content.decode()
    assert "League table" in body and "东城区" not in body.split("<main", 1)[1]
    assert calls["league"] == 2


def test_each_county_and_period_has_its_own_entry(scored, leader, calls):
    client = signed_in(leader)
    east = client.get(reverse("county_profile", args=["369901"])).content.decode()
    west = client.get(reverse("county_profile", args=["369902"])).content.decode()
    assert "东城区考核画像" in east and "西城区考核画像" in west
    september = client.get(reverse("league"), {"period": "2026-09"})
    october = client.get(reverse("league"), {"period": "2026-10"})
    assert "2026年1-9月" in september.content.decode().split("<h1>", 1)[1][:80]
    assert "2026年1-10月" in october.content.decode().split("<h1>", 1)[1][:80]
    assert calls["profile"] == 2 and calls["league"] == 2


def test_the_publish_form_is_never_stored(scored, reviewer, leader, calls):
    """A reviewer's page carries a publish form with the reviewer's CSRF token: rendered for
    each request, never kept, and never shown to a leader."""
    client = signed_in(reviewer)
    first = client.get(reverse("league")).content.decode()
    second = client.get(reverse("league")).content.decode()
    assert 'class="publish-form"' in first and 'class="publish-form"' in second
    assert calls["league"] == 2
    assert 'class="publish-form"' not in signed_in(leader).get(reverse("league")).content.decode()


def test_an_unreachable_cache_only_costs_the_render(scored, leader, calls, monkeypatch):
    def down(*_args, **_kwargs):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(render_cache.cache, "get", down)
    monkeypatch.setattr(render_cache.cache, "set", down)
    client = signed_in(leader)
    for _ in range(2):
        page = client.get(reverse("league"))
        assert page.status_code == 200 and "东城区" in page.content.decode()
    assert calls["league"] == 2


def test_a_cached_hit_reads_fewer_queries(
    scored, leader, calls, django_assert_max_num_queries, django_assert_num_queries
):
    client = signed_in(leader)
    client.get(reverse("heatmap"))
    with django_assert_max_num_queries(8):  # session, user, roles, runs, menu, session saved
        assert client.get(reverse("heatmap")).status_code == 200
    assert calls["heatmap"] == 1


def test_staff_and_county_users_have_their_own_entries_for_the_same_runs(
    scored, leader, reporter_a, reviewer
):
    """With every run published, city staff and county users read the same runs; their pages
    are still kept apart (roles and counties are part of the key)."""
    for period in ("september", "october"):
        run = RankingRun.objects.get(period=scored[period], is_current=True)
        services.ranking_publish(run=run, user=reviewer, confirm_missing=True)
    factory = RequestFactory()
    states, keys = [], []
    for user in (leader, reporter_a):
        request = factory.get(reverse("league"))
        request.user = user
        states.append(ranking_state(request))
        keys.append(render_cache.page_key(request, "league", states[-1]))
    assert states[0] == states[1]
    assert keys[0] != keys[1]
