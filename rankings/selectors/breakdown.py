"""How a county's total is made (得分构成): every indicator's basis, method with its numbers and
points, the category subtotals, the bonus and penalty items with their reasons, the improvement
reward, any veto, the total and the rank, and the rule-set version that produced them.

Everything is read from the stored run: the engine wrote each formula when it scored, so the
page never recomputes a point. Bonus and penalty items and vetoes are read as they were when
the run was computed (simple-history), so an item added or cancelled since does not appear
beside a total that does not include it. A fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from counties.models import County
from indicators.models import RuleSetCategory, RuleSetIndicator

from ..models import BonusItem, CategoryResult, CountyResult, IndicatorResult, RankingRun, Veto


@dataclass(frozen=True)
class IndicatorPart:
    rule: RuleSetIndicator  # weight, basis, method, parameters of the rule set
    result: IndicatorResult | None  # value, basis, rank, points, flags, formula


@dataclass(frozen=True)
class CategoryPart:
    rule: RuleSetCategory  # the category's weight and aggregation
    subtotal: Decimal | None
    rank: int | None
    parts: list[IndicatorPart]

    @property
    def points(self) -> Decimal:
        """The indicators' points added up (the subtotal when the category is a plain sum of
        full-weight indicators; otherwise the rule set's aggregation turns them into it)."""
        return sum(
            (p.result.score for p in self.parts if p.result and p.result.score is not None),
            Decimal(0),
        )


@dataclass(frozen=True)
class BonusLine:
    points: Decimal
    reason: str


@dataclass(frozen=True)
class Breakdown:
    run: RankingRun
    result: CountyResult
    categories: list[CategoryPart]
    bonus_items: list[BonusLine]
    veto_reason: str  # empty: no veto

    @property
    def subtotal_sum(self) -> Decimal:
        return sum((c.subtotal for c in self.categories if c.subtotal is not None), Decimal(0))

    @property
    def bonus_sum(self) -> Decimal:
        """The items before the rule set's caps (the stored bonus and penalty are after)."""
        return sum((b.points for b in self.bonus_items), Decimal(0))


def total_breakdown(run: RankingRun, county: County) -> Breakdown | None:
    """The county's total in the run, taken apart. None when the county is not in the run."""
    result = CountyResult.objects.filter(run=run, county=county).first()
    if result is None:
        return None
    subtotals = {
        category_id: (subtotal, rank)
        for category_id, subtotal, rank in CategoryResult.objects.filter(
            run=run, county=county
        ).values_list("category_id", "subtotal", "rank")
    }
    results = {r.indicator_id: r for r in IndicatorResult.objects.filter(run=run, county=county)}
    rules = list(
        RuleSetIndicator.objects.filter(ruleset_id=run.ruleset_id)
        .select_related("indicator", "denominator")
        .order_by("display_order", "id")
    )
    categories = []
    for rc in (
        RuleSetCategory.objects.filter(ruleset_id=run.ruleset_id)
        .select_related("category")
        .order_by("display_order", "category__display_order", "id")
    ):
        subtotal, rank = subtotals.get(rc.category_id, (None, None))
        parts = [
            IndicatorPart(rule=r, result=results.get(r.indicator_id))
            for r in rules
            if r.category_id == rc.pk
        ]
        categories.append(CategoryPart(rule=rc, subtotal=subtotal, rank=rank, parts=parts))
    as_run = run.started_at
    items = [
        BonusLine(points=item.points, reason=item.reason)
        for item in BonusItem.history.as_of(as_run)
        .filter(county_id=county.pk, period_id=run.period_id)
        .order_by("created_at", "pk")
    ]
    veto = Veto.history.as_of(as_run).filter(county_id=county.pk, year=run.period.year).first()
    return Breakdown(
        run=run,
        result=result,
        categories=categories,
        bonus_items=items,
        veto_reason=veto.reason if veto is not None else "",
    )
