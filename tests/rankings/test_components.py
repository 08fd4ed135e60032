"""Every total explains itself: the demo city's every stored result, taken apart and added up
again from its stored components as its rule set says.

For each county result of each current run: the indicators' points make the category
subtotals, the subtotals make the base total, the capped bonus and penalty items and the
improvement reward (from the two places stored with it) make the total, and the totals make the
ranks. Nothing here calls the engine: it is the arithmetic a leader would do by hand.
"""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest

from indicators.models import RuleSetCategory, RuleSetIndicator
from rankings.models import (
    BonusItem,
    CategoryResult,
    CountyResult,
    IndicatorResult,
)

pytestmark = pytest.mark.django_db


def q(value: Decimal, places: int | None) -> Decimal:
    if places is None:
        return value
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _capped(items: list[Decimal], ruleset) -> tuple[Decimal, Decimal]:
    plus = sum((p for p in items if p > 0), Decimal(0))
    minus = sum((p for p in items if p < 0), Decimal(0))
    if ruleset.bonus_cap is not None:
        plus = min(plus, ruleset.bonus_cap)
    if ruleset.penalty_cap is not None:
        minus = max(minus, -ruleset.penalty_cap)
    return plus, minus


def _improvement(ruleset, base_rank: int, first_rank: int) -> Decimal:
    rule = ruleset.improvement
    gained = base_rank - first_rank
    if gained > 0:
        points = gained * Decimal(str(rule["points_per_place"]))
        cap = rule.get("cap")
        return min(points, Decimal(str(cap))) if cap is not None else points
    if gained < 0 and rule.get("penalty_per_place"):
        points = -gained * Decimal(str(rule["penalty_per_place"]))
        cap = rule.get("penalty_cap")
        return -(min(points, Decimal(str(cap))) if cap is not None else points)
    return Decimal(0)


def test_every_stored_total_adds_up_from_its_components(demo_city):
    demo_runs = demo_city
    assert len(demo_runs) >= 30  # 2024-01 .. 2026-10
    checked = defaultdict(int)
    for run in demo_runs:
        rs = run.ruleset
        cats = {rc.category_id: rc for rc in RuleSetCategory.objects.filter(ruleset=rs)}
        weights = {
            ri.indicator_id: (ri.category.category_id, ri.weight)
            for ri in RuleSetIndicator.objects.filter(ruleset=rs).select_related("category")
        }
        points = defaultdict(lambda: defaultdict(lambda: [Decimal(0), Decimal(0)]))
        for r in IndicatorResult.objects.filter(run=run):
            if "not_scheduled" in r.flags:
                assert r.score is None and r.formula == ""
                continue
            category_id, weight = weights[r.indicator_id]
            points[r.county_id][category_id][0] += r.score
            points[r.county_id][category_id][1] += weight
            if "missing" not in r.flags:  # the stored arithmetic ends on the stored points
                assert r.formula.endswith(f"= {q(r.score, rs.indicator_decimals)}"), r.formula
                checked["formulas"] += 1
        subtotals = defaultdict(dict)
        for c in CategoryResult.objects.filter(run=run):
            subtotals[c.county_id][c.category_id] = c.subtotal
        items = defaultdict(list)
        for item in BonusItem.history.as_of(run.started_at).filter(period=run.period):
            items[item.county_id].append(item.points)

        results = list(CountyResult.objects.filter(run=run))
        for res in results:
            # indicator points -> category subtotals (weighted arithmetic mean x weight)
            for category_id, (pts, wsum) in points[res.county_id].items():
                rc = cats[category_id]
                assert rc.aggregation == "sum"
                expected = q(rc.weight * pts / wsum, rc.decimals)
                if res.total is not None:
                    assert subtotals[res.county_id][category_id] == expected
                    checked["subtotals"] += 1
            # bonus and penalty items, capped per part
            plus, minus = _capped(items[res.county_id], rs)
            assert (res.bonus, res.penalty) == (plus, minus)
            if res.total is None:
                assert res.rank is None
                continue
            # subtotals -> base total
            subs = [s for s in subtotals[res.county_id].values() if s is not None]
            cw = sum(cats[k].weight for k, s in subtotals[res.county_id].items() if s is not None)
            assert rs.total_aggregation == "sum"
            full = rs.total_weight if rs.total_points is None else rs.total_points
            assert res.base_total == q(full * sum(subs) / cw, rs.total_decimals)
            # improvement reward from the two stored places
            if rs.improvement and res.base_rank is not None and res.first_rank is not None:
                assert res.improvement == _improvement(rs, res.base_rank, res.first_rank)
                checked["improvements"] += 1
            else:
                assert res.improvement == 0
            # base + bonus + penalty + improvement -> total, rounded in the engine's two steps
            step = q(res.base_total + res.bonus + res.penalty, rs.total_decimals)
            assert res.total == q(step + res.improvement, rs.total_decimals)
            assert res.total_formula.endswith(f"= {q(res.total, rs.total_decimals)}")
            checked["totals"] += 1
        # totals -> ranks (competition ranking within each peer group)
        for res in results:
            if res.rank is None:
                continue
            better = [
                o
                for o in results
                if o.rank is not None and o.peer_group == res.peer_group and o.total > res.total
            ]
            assert res.rank == len(better) + 1
            checked["ranks"] += 1
    # the walk covered every kind of component, bonus items and improvement rewards included
    assert checked["totals"] > 300 and checked["ranks"] == checked["totals"] - sum(
        1
        for run in demo_runs
        for r in CountyResult.objects.filter(run=run, total__isnull=False, rank__isnull=True)
    )
    assert checked["improvements"] > 0 and checked["formulas"] > 5000
    capped = CountyResult.objects.get(
        run__in=demo_runs, run__period__year=2026, run__period__month=9, bonus__gt=0
    )
    assert (capped.bonus, capped.penalty) == (Decimal(5), Decimal(-1))
    assert CountyResult.objects.filter(run__in=demo_runs, penalty=Decimal("-2.5")).count() == 1
