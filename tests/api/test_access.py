"""The API's visibility per role, the same as the pages': every list is compared with what the
apps' access functions allow, and the cases that matter are spelt out (an unpublished current
run, draft targets, draft bulletins, a user without a role, anonymous)."""

from __future__ import annotations

import pytest
from django.db.models import Q

from api import access
from rankings.access import runs_visible
from rankings.models import CountyResult, IndicatorResult, ProgressResult
from supervision.access import bulletins_visible_to
from targets.access import target_counties_visible_to, target_sets_visible_to
from targets.models import Target
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/counties/",
    "/api/indicators/",
    "/api/periods/",
    "/api/runs/",
    "/api/results/",
    "/api/indicator-results/",
    "/api/progress/",
    "/api/targets/",
    "/api/bulletins/",
]
CITY_STAFF = ["reviewer", "leader", "admin"]
COUNTY_USERS = ["reporter_a", "reporter_b", "department"]
ROLES = CITY_STAFF + COUNTY_USERS


def everything(client, url: str, **params) -> list[dict]:
    """Every row of a list, page after page."""
    rows: list[dict] = []
    page = 1
    while True:
        response = client.get(url, {**params, "page": page, "page_size": 500})
        assert response.status_code == 200, response.content
        body = response.json()
        rows += body["results"]
        if not body["next"]:
            return rows
        page += 1


@pytest.mark.parametrize("url", LISTS)
def test_anonymous_is_asked_for_a_token(client, world, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "身份认证信息未提供" in response.json()["detail"]


@pytest.mark.parametrize("url", [*LISTS, "/api/rulesets/"])
def test_a_user_without_a_role_reads_nothing(as_user, url):
    response = as_user("norole").get(url)
    assert response.status_code == 403
    assert response.json()["detail"]


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("url", ["/api/counties/", "/api/indicators/", "/api/periods/"])
def test_everyone_with_a_role_reads_the_reference_lists(as_user, who, url):
    assert len(everything(as_user(who), url)) >= 2


# --------------------------------------------------------------------------------- runs


@pytest.mark.parametrize("who", CITY_STAFF)
def test_city_staff_see_the_current_runs_published_or_not(world, as_user, who):
    ids = {r["id"] for r in everything(as_user(who), "/api/runs/")}
    assert ids == {world["run_september"].pk, world["run_october_current"].pk}
    newest = as_user(who).get(f"/api/runs/{world['run_october_current'].pk}/").json()
    assert newest["is_published"] is False


@pytest.mark.parametrize("who", COUNTY_USERS)
def test_county_users_see_published_runs_only(world, as_user, who):
    client = as_user(who)
    runs = everything(client, "/api/runs/")
    assert {r["id"] for r in runs} == {
        world["run_september"].pk,
        world["run_october_published"].pk,
    }
    assert all(r["is_published"] for r in runs)
    assert client.get(f"/api/runs/{world['run_october_current'].pk}/").status_code == 404


@pytest.mark.parametrize("who", ROLES)
def test_runs_are_exactly_what_runs_visible_allows(world, as_user, who):
    user = world["users"][who]
    ids = {r["id"] for r in everything(as_user(who), "/api/runs/")}
    assert ids == set(runs_visible(user).values_list("pk", flat=True))


# ------------------------------------------------------------------------------ results


def _run_of(rows: list[dict]) -> set[int]:
    return {r["run"] for r in rows}


@pytest.mark.parametrize("url", ["/api/results/", "/api/indicator-results/", "/api/progress/"])
def test_a_county_user_sees_octobers_published_run_not_its_newer_recompute(world, as_user, url):
    client = as_user("reporter_a")
    rows = everything(client, url, period="2026-10")
    assert rows and _run_of(rows) == {world["run_october_published"].pk}
    hidden = client.get(url, {"run": world["run_october_current"].pk})
    assert hidden.status_code == 200 and hidden.json()["count"] == 0


@pytest.mark.parametrize("url", ["/api/results/", "/api/indicator-results/", "/api/progress/"])
def test_a_reviewer_sees_the_unpublished_current_run(world, as_user, url):
    client = as_user("reviewer")
    rows = everything(client, url, period="2026-10")
    assert rows and _run_of(rows) == {world["run_october_current"].pk}
    # an earlier run of the period is no longer current: not even city staff read it
    older = client.get(url, {"run": world["run_october_published"].pk})
    assert older.json()["count"] == 0


@pytest.mark.parametrize(
    ("url", "model"),
    [
        ("/api/results/", CountyResult),
        ("/api/indicator-results/", IndicatorResult),
        ("/api/progress/", ProgressResult),
    ],
)
@pytest.mark.parametrize("who", ROLES)
def test_result_rows_are_those_of_the_runs_each_period_shows(world, as_user, who, url, model):
    user = world["users"][who]
    ids = {r["id"] for r in everything(as_user(who), url)}
    shown = access.runs_shown(user)
    assert ids == set(model.objects.filter(run__in=shown).values_list("pk", flat=True))
    assert shown.count() == 2  # one run per period, September and October


def test_an_unpublished_result_is_404_by_id_for_a_county_user(world, as_user):
    row = CountyResult.objects.filter(run=world["run_october_current"]).first()
    assert as_user("reporter_a").get(f"/api/results/{row.pk}/").status_code == 404
    body = as_user("reviewer").get(f"/api/results/{row.pk}/").json()
    assert body["breakdown"]["categories"][0]["indicators"]


def test_a_result_explains_its_total(world, as_user):
    row = CountyResult.objects.get(run=world["run_september"], county__code="369901")
    body = as_user("reporter_a").get(f"/api/results/{row.pk}/").json()
    assert body["total"] == "96.0000" and body["base_total"] == "96.0000"
    assert body["categories"] == [
        {
            "category": "growth",
            "name": "主要经济指标",
            "subtotal": "96.0000",
            "rank": 1,
            "flags": [],
        }
    ]
    parts = body["breakdown"]["categories"][0]["indicators"]
    assert {p["indicator"] for p in parts} == {"gdp", "retail"}
    assert all(p["formula"] and p["unit"] == "亿元" for p in parts)


# ------------------------------------------------------------------------------ targets


def _targets(client) -> set[tuple[int, str | None]]:
    return {(t["version"], t["county"]) for t in everything(client, "/api/targets/")}


def test_a_reporter_reads_its_own_countys_and_the_citys_published_targets(as_user):
    assert _targets(as_user("reporter_a")) == {(1, "369901"), (1, None)}
    assert _targets(as_user("reporter_b")) == {(1, "369902"), (1, None)}


def test_a_leader_reads_every_countys_published_targets_and_no_draft(as_user):
    seen = _targets(as_user("leader"))
    assert {v for v, _c in seen} == {1}
    assert {c for _v, c in seen} == {"369901", "369902", "369903", "369971", None}


@pytest.mark.parametrize("who", ["reviewer", "admin"])
def test_target_editors_read_the_draft_too(as_user, who):
    assert {v for v, _c in _targets(as_user(who))} == {1, 2}


@pytest.mark.parametrize("who", ROLES)
def test_targets_are_exactly_what_targets_access_allows(world, as_user, who):
    user = world["users"][who]
    sets = target_sets_visible_to(user)
    counties = target_counties_visible_to(user)
    expected = Target.objects.filter(target_set__in=sets).filter(
        Q(county__in=counties) | Q(county__isnull=True)
    )
    ids = {r["id"] for r in everything(as_user(who), "/api/targets/")}
    assert ids == set(expected.values_list("pk", flat=True))


def test_a_growth_target_is_in_percent_a_value_target_in_the_indicators_unit(as_user):
    rows = everything(as_user("reporter_a"), "/api/targets/", county="369901")
    units = {r["indicator"]: (r["kind"], r["value"], r["unit"]) for r in rows}
    assert units == {"gdp": ("growth", "6.0000", "%"), "retail": ("value", "120.0000", "亿元")}


# ---------------------------------------------------------------------------- bulletins


@pytest.mark.parametrize("who", COUNTY_USERS)
def test_county_users_never_see_a_draft_bulletin(world, as_user, who):
    client = as_user(who)
    statuses = {b["status"] for b in everything(client, "/api/bulletins/")}
    assert statuses <= {"issued"}
    assert client.get(f"/api/bulletins/{world['bulletin_draft'].pk}/").status_code == 404


def test_a_reporter_reads_the_issued_bulletin_with_its_files(world, as_user):
    client = as_user("reporter_a")
    assert [b["id"] for b in everything(client, "/api/bulletins/")] == [world["bulletin_issued"].pk]
    body = client.get(f"/api/bulletins/{world['bulletin_issued'].pk}/").json()
    assert body["files"]["pdf"].endswith("bulletin.pdf") and body["text"]


@pytest.mark.parametrize("who", ROLES)
def test_bulletins_are_exactly_what_supervision_access_allows(world, as_user, who):
    ids = {b["id"] for b in everything(as_user(who), "/api/bulletins/")}
    expected = set(bulletins_visible_to(world["users"][who]).values_list("pk", flat=True))
    assert ids == expected


@pytest.mark.parametrize("who", CITY_STAFF)
def test_city_staff_read_drafts(world, as_user, who):
    body = as_user(who).get(f"/api/bulletins/{world['bulletin_draft'].pk}/").json()
    assert body["status"] == "draft" and body["files"] is None


# ---------------------------------------------------------------------------- rule sets


@pytest.mark.parametrize("who", CITY_STAFF)
def test_city_staff_read_rule_sets_with_a_token(world, as_user, who):
    response = as_user(who).get("/api/rulesets/")
    assert response.status_code == 200
    assert [r["id"] for r in response.json()] == [world["ruleset"].pk]


@pytest.mark.parametrize("who", COUNTY_USERS)
def test_county_users_read_no_rule_set(world, as_user, who):
    client = as_user(who)
    assert client.get("/api/rulesets/").status_code == 403
    assert client.get(f"/api/rulesets/{world['ruleset'].pk}/").status_code == 403


# ---------------------------------------------------------------------------- sessions


def test_the_browsers_session_reads_the_api_too(client, world):
    client.force_login(world["users"]["reporter_a"])
    assert client.get("/api/runs/").json()["count"] == 2


@pytest.mark.parametrize("url", LISTS)
def test_lists_take_a_fixed_number_of_queries(world, as_user, url, django_assert_max_num_queries):
    client = token_client(world["users"]["reviewer"])
    with django_assert_max_num_queries(12):
        assert client.get(url, {"page_size": 500}).status_code == 200


def test_a_county_user_reads_its_own_target_figures_and_not_other_counties(world, as_user):
    """Progress rows of other counties keep completion and warnings but not their target
    figures (targets.access.TARGET_FIGURES); the county's own rows and the city's keep them."""
    rows = everything(as_user("reporter_a"), "/api/progress/", indicator="retail")
    by_county = {r["county"]: r for r in rows if r["period"] == "2026-10"}
    own, other, city = by_county["369901"], by_county["369902"], by_county[None]
    assert own["target"] == "120.0000" and city["target"] == "250.0000"
    assert other["target"] is None and other["shortfall"] is None and other["plan"] == []
    assert other["completion_pct"] is not None and other["level"]
    reviewer = everything(as_user("reviewer"), "/api/progress/", indicator="retail")
    assert {r["target"] for r in reviewer if r["county"] == "369902"} == {"130.0000"}
