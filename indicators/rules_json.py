"""The one builder of the engine's rule-set JSON (docs/rules.md): the stored rule set
(selectors.ruleset_as_dict) and the editor's typed forms (editor.RuleSetEditor.rules_dict) both
describe a rule set through these functions, so the two can never disagree on its shape."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

RULES_FORMAT = "scorecard-rules/1"
# The counties' columns the app hands the engine besides code, name and ranked
# (rankings.selectors.inputs.counties_frame): what missing_data.imputation_group may name here.
IMPUTATION_COLUMNS = ("region", "kind")


def number(value: Decimal | int | None) -> int | Decimal | None:
    """A Decimal as the rule-set JSON writes it: 10 rather than 10.0000, 0.05 as 0.05."""
    if value is None:
        return None
    if isinstance(value, int):
        return value
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else value


def category_entry(
    *,
    code: str,
    name: str,
    weight: Decimal | None,
    aggregation: str,
    decimals: int | None,
    missing: str = "zero",
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": code,
        "name": name,
        "weight": number(weight) if weight is not None else 0,
        "aggregation": aggregation,
        "decimals": decimals,
    }
    if missing != "zero":  # optional in the format: a category without it keeps its form
        out["missing"] = missing
    return out


def indicator_entry(
    *,
    code: str,
    name: str,
    category: str,
    weight: Decimal,
    basis: str,
    denominator: str | None,
    factor: Decimal | None,
    direction: str,
    decimals: int | None,
    method: str,
    params: dict[str, Any] | None,
    frequency: str,
) -> dict[str, Any]:
    basis_entry: dict[str, Any] = {"type": basis}
    if basis == "ratio":
        basis_entry["denominator"] = denominator
        if factor is not None:
            basis_entry["factor"] = number(factor)
    return {
        "code": code,
        "name": name,
        "category": category,
        "weight": number(weight),
        "basis": basis_entry,
        "direction": direction,
        "decimals": decimals,
        "method": method,
        "params": params or {},
        "frequency": frequency,
    }


def improvement_entry(
    *,
    points_per_place: Decimal | None,
    cap: Decimal | None = None,
    penalty_per_place: Decimal | None = None,
    penalty_cap: Decimal | None = None,
) -> dict[str, Any] | None:
    """The improvement reward (进位奖励); None without points per place."""
    if points_per_place is None:
        return None
    out: dict[str, Any] = {"points_per_place": number(points_per_place)}
    for key, value in (
        ("cap", cap),
        ("penalty_per_place", penalty_per_place),
        ("penalty_cap", penalty_cap),
    ):
        if value is not None:
            out[key] = number(value)
    return out


def rules_document(
    *,
    name: str,
    year: int,
    version: int,
    total_weight: Decimal,
    total_points: Decimal | None,
    total_aggregation: str,
    total_decimals: int | None,
    indicator_decimals: int | None,
    rank_on: str,
    missing_share_max: Decimal,
    tier_leading: Decimal,
    tier_lagging: Decimal,
    peer_groups: Any,
    period_weights: Any,
    bonus_cap: Decimal | None,
    penalty_cap: Decimal | None,
    improvement: dict[str, Any] | None,
    categories: list[dict[str, Any]],
    indicators: list[dict[str, Any]],
    warnings: dict[str, Any] | None = None,
    bulletin: dict[str, Any] | None = None,
    missing_data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    bonus = None
    if bonus_cap is not None or penalty_cap is not None:
        bonus = {"bonus_cap": number(bonus_cap), "penalty_cap": number(penalty_cap)}
    return {
        "format": RULES_FORMAT,
        "name": name,
        "year": year,
        "version": version,
        "total": {
            "weight": number(total_weight),
            "points": number(total_points),
            "aggregation": total_aggregation,
            "decimals": total_decimals,
        },
        "indicator_decimals": indicator_decimals,
        "rank_on": rank_on,
        "missing_share_max": number(missing_share_max),
        "tiers": {"leading": number(tier_leading), "lagging": number(tier_lagging)},
        "peer_groups": peer_groups,
        "period_weights": period_weights,
        "bonus": bonus,
        "improvement": improvement,
        "categories": categories,
        "indicators": indicators,
        # optional in the format: present only where the rule set sets its warning lines
        **({"warnings": warnings} if warnings is not None else {}),
        **({"bulletin": bulletin} if bulletin is not None else {}),
        **({"missing_data": missing_data} if missing_data is not None else {}),
    }
