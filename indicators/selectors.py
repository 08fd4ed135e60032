"""Reads for the indicator catalogue and rule sets."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from .models import RuleSet, RuleSetCategory, RuleSetIndicator

RULES_FORMAT = "scorecard-rules/1"


def ruleset_published_for_year(year: int) -> RuleSet | None:
    """The year's rule set that scores rankings: its newest published version."""
    return (
        RuleSet.objects.filter(year=year, status=RuleSet.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )


def _num(value: Decimal | None) -> int | Decimal | None:
    """A stored Decimal as the rule-set JSON writes it: 10 rather than 10.0000, 0.05 as 0.05."""
    if value is None:
        return None
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else value


def ruleset_as_dict(ruleset: RuleSet) -> dict[str, Any]:
    """The rule set in the engine's JSON shape (docs/rules.md), ready for `parse_rules`."""
    categories = list(
        RuleSetCategory.objects.filter(ruleset=ruleset)
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "indicators",
                queryset=RuleSetIndicator.objects.select_related("indicator", "denominator"),
            )
        )
        .order_by("display_order", "category__display_order", "id")
    )
    indicators = []
    for rc in categories:
        for ri in sorted(rc.indicators.all(), key=lambda r: (r.display_order, r.id)):
            basis: dict[str, Any] = {"type": ri.basis}
            if ri.basis == RuleSetIndicator.Basis.RATIO:
                basis["denominator"] = ri.denominator.code
                basis["factor"] = _num(ri.factor)
            indicators.append(
                {
                    "code": ri.indicator.code,
                    "name": ri.indicator.name,
                    "category": rc.category.code,
                    "weight": _num(ri.weight),
                    "basis": basis,
                    "direction": ri.direction,
                    "decimals": ri.decimals,
                    "method": ri.method,
                    "params": ri.params or {},
                    "frequency": ri.frequency,
                }
            )
    bonus = None
    if ruleset.bonus_cap is not None or ruleset.penalty_cap is not None:
        bonus = {"bonus_cap": _num(ruleset.bonus_cap), "penalty_cap": _num(ruleset.penalty_cap)}
    return {
        "format": RULES_FORMAT,
        "name": ruleset.name,
        "year": ruleset.year,
        "version": ruleset.version,
        "total": {
            "weight": _num(ruleset.total_weight),
            "points": _num(ruleset.total_points),
            "aggregation": ruleset.total_aggregation,
            "decimals": ruleset.total_decimals,
        },
        "indicator_decimals": ruleset.indicator_decimals,
        "rank_on": "rounded" if ruleset.rank_on_rounded else "unrounded",
        "missing_share_max": _num(ruleset.missing_share_max),
        "tiers": {
            "leading": _num(ruleset.tier_leading_share),
            "lagging": _num(ruleset.tier_lagging_share),
        },
        "peer_groups": ruleset.peer_groups,
        "period_weights": ruleset.period_weights,
        "bonus": bonus,
        "improvement": ruleset.improvement,
        "categories": [
            {
                "code": rc.category.code,
                "name": rc.category.name,
                "weight": _num(rc.weight),
                "aggregation": rc.aggregation,
                "decimals": rc.decimals,
            }
            for rc in categories
        ],
        "indicators": indicators,
    }
