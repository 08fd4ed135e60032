"""How a county's total is made (得分构成): every indicator's basis, method with its numbers and
points, the category subtotals, the bonus and penalty items with their reasons, the improvement
reward, any veto, the total and the rank, and the rule-set version that produced them.

Everything is read from the stored run: the engine wrote each formula when it scored, so the
page never recomputes a point. Bonus and penalty items and vetoes are read as they were when
the run was computed (simple-history), so an item added or cancelled since does not appear
beside a total that does not include it. A fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import JSONField, OuterRef, QuerySet, Subquery

from counties.models import County, Exemption
from indicators.models import RuleSetCategory, RuleSetIndicator
from indicators.scoring.rules import MissingData
from indicators.selectors import ruleset_missing_policy

from ..models import BonusItem, CategoryResult, CountyResult, IndicatorResult, RankingRun, Veto


def _category_result(run: RankingRun, county: County) -> QuerySet[CategoryResult]:
    return CategoryResult.objects.filter(
        run=run, county=county, category_id=OuterRef("category_id")
    )


@dataclass(frozen=True)
class IndicatorPart:
    rule: RuleSetIndicator  # weight, basis, method, parameters of the rule set
    result: IndicatorResult | None  # value, basis, rank, points, flags, formula
    exemption_reason: str = ""  # why the county is exempt (不考核), where it is and it is known

    @property
    def flags(self) -> list[str]:
        """The result's flags; no result at all reads as missing."""
        return list(self.result.flags) if self.result is not None else ["missing"]

    @property
    def exempt(self) -> bool:
        return "exempt" in self.flags


@dataclass(frozen=True)
class CategoryPart:
    rule: RuleSetCategory  # the category's weight and aggregation
    subtotal: Decimal | None
    rank: int | None
    parts: list[IndicatorPart]
    flags: list[str] = field(default_factory=list)  # the category result's: "imputed", ...

    @property
    def imputed(self) -> bool:
        """插补: no indicator reported, the subtotal is the imputation group's mean."""
        return "imputed" in self.flags

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

    @property
    def missing_policy(self) -> MissingData:
        """What the run's rule set does with an exempted indicator and a missing value."""
        return ruleset_missing_policy(self.run.ruleset)

    @property
    def flags(self) -> set[str]:
        """Every flag of the county's indicator and category results in the run."""
        found = {f for c in self.categories for f in c.flags}
        return found | {f for c in self.categories for p in c.parts for f in p.flags}


def exemption_reasons_of(run: RankingRun, county: County) -> dict[int, str]:
    """Indicator id -> why the county is exempt from it (不考核) under the run's rule set."""
    return dict(
        Exemption.objects.filter(ruleset_id=run.ruleset_id, county=county).values_list(
            "indicator_id", "reason"
        )
    )


def total_breakdown(
    run: RankingRun,
    county: County,
    *,
    rules: dict[int, RuleSetIndicator] | None = None,
    results: dict[int, IndicatorResult] | None = None,
    exemption_reasons: Mapping[int, str] | None = None,
) -> Breakdown | None:
    """The county's total in the run, taken apart. None when the county is not in the run.

    `rules` (indicator id -> its rule in the run's rule set, with the indicator) and `results`
    (indicator id -> the county's result in the run) may be passed when the caller has read
    them already (the county profile has), saving their queries. `exemption_reasons`
    (indicator id -> why the county is exempt from it) gives the reasons the page shows beside
    each exempted indicator (不考核); without it they are read (one query) when the county has
    an exempted indicator in the run."""
    result = CountyResult.objects.filter(run=run, county=county).first()
    if result is None:
        return None
    # the rule set's categories with the county's subtotal and rank in each (one query)
    category_rules = list(
        RuleSetCategory.objects.filter(ruleset_id=run.ruleset_id)
        .select_related("category")
        .annotate(
            county_subtotal=Subquery(_category_result(run, county).values("subtotal")[:1]),
            county_rank=Subquery(_category_result(run, county).values("rank")[:1]),
            county_flags=Subquery(
                _category_result(run, county).values("flags")[:1], output_field=JSONField()
            ),
        )
        .order_by("display_order", "category__display_order", "id")
    )
    if results is None:
        results = {
            r.indicator_id: r for r in IndicatorResult.objects.filter(run=run, county=county)
        }
    if rules is None:
        rules = {
            r.indicator_id: r
            for r in RuleSetIndicator.objects.filter(ruleset_id=run.ruleset_id)
            .select_related("indicator", "denominator")
            .order_by("display_order", "id")
        }
    reasons = exemption_reasons
    if reasons is None:
        exempt = any("exempt" in (r.flags or ()) for r in results.values())
        reasons = exemption_reasons_of(run, county) if exempt else {}
    categories = []
    for rc in category_rules:
        subtotal, rank = rc.county_subtotal, rc.county_rank
        parts = [
            IndicatorPart(
                rule=r,
                result=results.get(r.indicator_id),
                exemption_reason=reasons.get(r.indicator_id, ""),
            )
            for r in rules.values()
            if r.category_id == rc.pk
        ]
        categories.append(
            CategoryPart(
                rule=rc,
                subtotal=subtotal,
                rank=rank,
                parts=parts,
                flags=list(rc.county_flags or []),
            )
        )
    as_run = run.started_at
    # Items and vetoes as they were when the run was computed. Without a bonus, a penalty or a
    # veto stored, there were none that counted (a cap of 0 aside: then the items are read).
    items = []
    caps_zero = run.ruleset.bonus_cap == 0 or run.ruleset.penalty_cap == 0
    if result.bonus or result.penalty or caps_zero:
        items = [
            BonusLine(points=item.points, reason=item.reason)
            for item in BonusItem.history.as_of(as_run)
            .filter(county_id=county.pk, period_id=run.period_id)
            .order_by("created_at", "pk")
        ]
    veto = None
    if result.vetoed:
        veto = Veto.history.as_of(as_run).filter(county_id=county.pk, year=run.period.year).first()
    return Breakdown(
        run=run,
        result=result,
        categories=categories,
        bonus_items=items,
        veto_reason=veto.reason if veto is not None else "",
    )
