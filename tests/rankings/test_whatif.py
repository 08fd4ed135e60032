"""What-if preview: edited rules scored on a period beside its stored ranking, nothing written."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import RuleSet
from indicators.selectors import ruleset_as_dict, ruleset_as_json
from indicators.services import ruleset_clone, ruleset_new_version
from rankings import services
from rankings.models import CategoryResult, CountyResult, IndicatorResult, RankingRun
from rankings.selectors.whatif import ranking_whatif
from tests.indicators.test_editor import editor_post

pytestmark = pytest.mark.django_db


def stored_rankings() -> dict:
    """Every stored ranking row, to show that a preview writes nothing."""
    return {
        "runs": list(RankingRun.objects.order_by("pk").values()),
        "counties": list(CountyResult.objects.order_by("pk").values()),
        "categories": list(CategoryResult.objects.order_by("pk").values()),
        "indicators": list(IndicatorResult.objects.order_by("pk").values()),
    }


def by_code(whatif) -> dict:
    return {row.county.code: row for row in whatif.rows}


def reweighted(ruleset, gdp: int, retail: int) -> dict:
    rules = ruleset_as_dict(ruleset)
    rules["indicators"][0]["weight"] = gdp
    rules["indicators"][1]["weight"] = retail
    return rules


def test_the_published_rules_reproduce_the_stored_ranking(city):
    services.ranking_recompute(period=city["october"], trigger="command")
    whatif = ranking_whatif(
        rules=ruleset_as_dict(city["ruleset"]), period=city["october"], ruleset=city["ruleset"]
    )
    assert whatif.run.ruleset == city["ruleset"]
    for row in whatif.rows:
        assert row.preview_rank == row.published_rank
        assert row.preview_total == row.published_total
        assert not row.change
    assert whatif.moved == 0


def test_changed_weights_move_counties_and_write_nothing(city):
    services.ranking_recompute(period=city["october"], trigger="command")
    before = stored_rankings()
    # gdp 20 / retail 80: 东城区 20 + 72 = 92, 西城区 18 + 80 = 98, 南山县 16 + 64 = 80
    whatif = ranking_whatif(
        rules=reweighted(city["ruleset"], 20, 80), period=city["october"], ruleset=city["ruleset"]
    )
    rows = by_code(whatif)
    assert (rows["369902"].published_rank, rows["369902"].preview_rank) == (2, 1)
    assert rows["369902"].change == 1 and rows["369901"].change == -1
    assert rows["369903"].change == 0
    assert rows["369902"].preview_total == Decimal("98")
    assert rows["369971"].preview_rank is None  # the zone stays unranked
    assert [r.county.code for r in whatif.rows][:3] == ["369902", "369901", "369903"]
    assert stored_rankings() == before


def test_a_next_year_draft_is_previewed_on_this_years_figures(city, admin_user):
    services.ranking_recompute(period=city["october"], trigger="command")
    draft = ruleset_clone(source=city["ruleset"], year=2027, user=admin_user)
    whatif = ranking_whatif(rules=reweighted(draft, 20, 80), period=city["october"], ruleset=draft)
    assert by_code(whatif)["369902"].preview_rank == 1


def test_preview_without_a_stored_ranking_shows_only_the_preview(city):
    whatif = ranking_whatif(
        rules=ruleset_as_dict(city["ruleset"]), period=city["october"], ruleset=city["ruleset"]
    )
    assert whatif.run is None
    assert by_code(whatif)["369901"].preview_rank == 1
    assert by_code(whatif)["369901"].change is None


def test_preview_page_shows_changes_in_places_and_saves_nothing(client, city, admin_user):
    services.ranking_recompute(period=city["october"], trigger="command")
    draft = ruleset_new_version(source=city["ruleset"], user=admin_user)
    rules_before = json.loads(ruleset_as_json(draft))
    before = stored_rankings()
    client.force_login(admin_user)
    data = editor_post(
        client,
        draft,
        preview_period="2026-10",
        **{"ind-gdp-weight": "20", "ind-retail-weight": "80"},
    )
    response = client.post(reverse("ruleset_preview", args=[draft.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "仅为试算，未保存规则，也未改动任何排名。" in page
    whatif = response.context["whatif"]
    assert by_code(whatif)["369902"].change == 1
    assert '<span class="up">↑1</span>' in page and '<span class="down">↓1</span>' in page
    assert stored_rankings() == before
    assert json.loads(ruleset_as_json(RuleSet.objects.get(pk=draft.pk))) == rules_before
    # the unsaved edits stay in the form
    assert 'name="ind-gdp-weight" value="20"' in page


def test_preview_with_weights_off_shows_the_message_and_no_ranking(client, city, admin_user):
    services.ranking_recompute(period=city["october"], trigger="command")
    draft = ruleset_new_version(source=city["ruleset"], user=admin_user)
    client.force_login(admin_user)
    data = editor_post(client, draft, preview_period="2026-10", **{"ind-gdp-weight": "50"})
    response = client.post(reverse("ruleset_preview", args=[draft.pk]), data)
    assert response.context["whatif"] is None
    assert "少了 10 分" in response.content.decode()


def test_only_admins_preview(client, city, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("ruleset_preview", args=[city["ruleset"].pk]), {})
    assert response.status_code == 403


def test_the_editor_previews_on_the_newest_complete_month(client, city, admin_user):
    """October still has a county waiting for review: the preview period starts on September."""
    from counties.models import Submission

    Submission.objects.filter(period=city["october"], county__code="369903").update(
        status="submitted"
    )
    for month in ("september", "october"):
        services.ranking_recompute(period=city[month], trigger="command")
    draft = ruleset_new_version(source=city["ruleset"], user=admin_user)
    client.force_login(admin_user)
    body = client.get(reverse("ruleset_editor", args=[draft.pk])).content.decode()
    assert '<option value="2026-09" selected>' in body
    assert '<option value="2026-10">' in body


@pytest.mark.parametrize("data", [{}, {"preview_period": "2026-10"}, {"rs-name": "x\u3000"}])
def test_previewing_a_published_rule_set_is_a_page_not_a_server_error(
    client, city, admin_user, data
):
    """A published set's editor is read-only; its preview (a crafted post included) shows the
    stored rules scored beside the stored ranking and saves nothing."""
    services.ranking_recompute(period=city["october"], trigger="command")
    stored = stored_rankings()
    client.force_login(admin_user)
    response = client.post(reverse("ruleset_preview", args=[city["ruleset"].pk]), data)
    assert response.status_code == 200
    assert stored_rankings() == stored
