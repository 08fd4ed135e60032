"""得分构成: the county profile takes the county's total apart, from the stored run alone."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from rankings import services
from rankings.models import BonusItem, CountyResult
from rankings.selectors.breakdown import total_breakdown

pytestmark = pytest.mark.django_db


def test_the_profile_shows_every_part_of_the_total(client, demo_city, leader):
    """2026-09 in the demo: the county with bonus items (one part capped) shows each
    indicator's formula, the items with their reasons, the reward with the places it came
    from, the total's arithmetic (the same total as the league table's), the rank and the
    rule-set version."""
    september = next(r for r in demo_city if r.period.key == "2026-09")
    result = CountyResult.objects.select_related("county").get(run=september, bonus__gt=0)
    breakdown = total_breakdown(september, result.county)
    assert breakdown is not None
    assert [b.reason for b in breakdown.bonus_items] == ["测试", "测试", "测试"]
    assert breakdown.bonus_sum == Decimal(6) and result.bonus == 5 and result.penalty == -1
    parts = [p for c in breakdown.categories for p in c.parts]
    assert len(parts) == 24 and all(p.result is not None and p.result.formula for p in parts)

    client.force_login(leader)
    url = reverse("county_profile", args=[result.county.code])
    body = html.unescape(client.get(url, {"year": 2026, "period": "2026-09"}).content.decode())
    assert "得分构成" in body and result.total_formula in body
    assert "加分项：测试" in body and "扣分项：测试" in body
    for part in parts:
        assert part.result.formula in body
    if result.improvement_formula:
        assert result.improvement_formula in body
    assert f"（第 {september.ruleset.version} 版）计算" in body
    league = client.get(reverse("league"), {"period": "2026-09"}).content.decode()
    total = f"{result.total:.2f}"
    assert f'data-sort="{result.total}">{total}</td>' in league
    assert f"<strong>{total}</strong>" in body


def test_items_added_after_the_run_are_not_shown_beside_its_total(city, reviewer):
    run = services.ranking_recompute(period=city["october"], trigger="command").run
    BonusItem.objects.create(
        county=city["counties"]["369901"], period=city["october"], points=2, reason="之后才录入"
    )
    breakdown = total_breakdown(run, city["counties"]["369901"])
    assert breakdown.bonus_items == [] and breakdown.result.bonus == 0
