"""The year so far (年度考核结果), stored with every run of a year whose rules weigh periods, and
last year's annual ranks as the base of the improvement reward."""

from decimal import Decimal

import pytest

from indicators.scoring.rounding import round_half_up
from rankings import services
from rankings.models import AnnualResult, CountyResult
from rankings.selectors.inputs import base_ranks_of, ranks_of_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def weighted(city):
    from django.utils import timezone

    ruleset = city["ruleset"]  # withdrawn while unused, weighted, published again
    ruleset.status, ruleset.published_at = "draft", None
    ruleset.save()
    ruleset.period_weights = {"9": 40, "10": 60}
    ruleset.status, ruleset.published_at = "published", timezone.now()
    ruleset.save()
    return city


def test_each_run_stores_the_year_so_far(weighted):
    september = services.ranking_recompute(period=weighted["september"], trigger="command").run
    october = services.ranking_recompute(period=weighted["october"], trigger="command").run
    totals = {
        (r.run_id, r.county.code): r.total
        for r in CountyResult.objects.filter(run__in=[september, october]).select_related("county")
    }
    first = {
        a.county.code: a
        for a in AnnualResult.objects.filter(run=september).select_related("county")
    }
    assert all("partial" in a.flags for a in first.values())  # October not yet counted
    rows = {
        a.county.code: a for a in AnnualResult.objects.filter(run=october).select_related("county")
    }
    assert set(rows) == {"369901", "369902", "369903", "369971"}
    east = rows["369901"]
    expected = (
        Decimal("0.4") * totals[(september.pk, "369901")]
        + Decimal("0.6") * totals[(october.pk, "369901")]
    )
    assert east.total == round_half_up(float(expected), 2)
    assert east.parts == [
        [9, 40.0, float(totals[(september.pk, "369901")])],
        [10, 60.0, float(totals[(october.pk, "369901")])],
    ]
    assert "partial" not in east.flags
    ranked = sorted((a.rank, code) for code, a in rows.items() if a.rank is not None)
    assert [r for r, _c in ranked] == [1, 2, 3]  # the zone is not ranked
    assert rows["369971"].rank is None and "not_ranked" in rows["369971"].flags


def test_without_period_weights_nothing_is_combined(city):
    run = services.ranking_recompute(period=city["october"], trigger="command").run
    assert not AnnualResult.objects.filter(run=run).exists()


def test_last_years_annual_ranks_are_the_base_of_the_improvement_reward(weighted):
    september = services.ranking_recompute(period=weighted["september"], trigger="command").run
    october = services.ranking_recompute(period=weighted["october"], trigger="command").run
    # a whole year's combination (nothing partial): its ranks
    annual = {
        a.county.code: a.rank
        for a in AnnualResult.objects.filter(run=october).select_related("county")
        if a.rank
    }
    assert base_ranks_of(october) == annual
    # a partial year: the final period's own ranks
    assert base_ranks_of(september) == ranks_of_run(september)
    assert base_ranks_of(None) == {}


def test_the_year_table_shows_each_counted_period_and_marks_a_partial_year(
    client, weighted, reviewer
):
    from django.urls import reverse

    services.ranking_recompute(period=weighted["september"], trigger="command")
    services.ranking_recompute(period=weighted["october"], trigger="command")
    client.force_login(reviewer)
    page = client.get(reverse("year_results"), {"period": "2026-10"})
    body = page.content.decode()
    assert page.status_code == 200
    assert "9 月总分" in body and "权重 40" in body and "权重 60" in body
    assert 'id="partial-year"' not in body
    ranks = [row["result"].rank for row in page.context["rows"]]
    assert ranks == [1, 2, 3, None]
    september = client.get(reverse("year_results"), {"period": "2026-09"}).content.decode()
    assert 'id="partial-year"' in september


def test_the_year_table_says_when_the_rules_weigh_no_periods(client, city, reviewer):
    from django.urls import reverse

    services.ranking_recompute(period=city["october"], trigger="command")
    client.force_login(reviewer)
    page = client.get(reverse("year_results"))
    assert page.context["table"] is None and "没有设置期次权重" in page.content.decode()


def test_the_stored_year_is_the_engines_annual_of_both_months_scored_together(weighted):
    """The engine scores September and October in one call and annual() combines them; the
    run of October stored the same totals, ranks and tiers from the stored months."""
    import pandas as pd

    from indicators.scoring import annual, parse_rules, score
    from indicators.selectors import ruleset_as_dict
    from rankings.selectors.inputs import engine_inputs

    services.ranking_recompute(period=weighted["september"], trigger="command")
    october = services.ranking_recompute(period=weighted["october"], trigger="command").run
    rules = parse_rules(ruleset_as_dict(weighted["ruleset"]))
    inputs = [
        engine_inputs(weighted[m], rules, ruleset=weighted["ruleset"])
        for m in ("september", "october")
    ]
    values = pd.concat([i.values for i in inputs], ignore_index=True)
    expected = annual(score(values, rules, inputs[1].counties)).set_index("county")
    stored = {
        a.county.code: a for a in AnnualResult.objects.filter(run=october).select_related("county")
    }
    assert set(stored) == set(expected.index)
    for code, row in stored.items():
        want = expected.loc[code]
        assert float(row.total) == pytest.approx(float(want["total"]))
        assert row.rank == (None if pd.isna(want["rank"]) else int(want["rank"]))
        assert row.tier == (str(want["tier"]) if isinstance(want["tier"], str) else "")
