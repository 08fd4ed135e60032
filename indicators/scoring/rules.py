"""Rule sets: the dataclasses of the "scorecard-rules/1" JSON (docs/rules.md) and rules_to_dict.

parsing.py builds them from a dict (`parse_rules`). `rules_to_dict(rules)` gives
the canonical dict back: every field present, numbers as they were given (int stays int, a Decimal
stays a Decimal), so `parse_rules(rules_to_dict(r)) == r` and `rules_to_dict(parse_rules(d)) == d`
for any canonical d.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .params import METHOD_PARAMS

FORMAT = "scorecard-rules/1"
AGGREGATIONS = ("sum", "geometric")
BASIS_TYPES = ("value", "growth", "ratio")
DIRECTIONS = ("higher", "lower")
FREQUENCIES = ("monthly", "quarterly")
RANK_ON = ("rounded", "unrounded")
KINDS = ("district", "county", "county_city", "zone")
EXEMPTION_POLICIES = ("pro_rata", "redistribute", "zero")
PRO_RATA_LEVELS = ("category", "total")
MISSING_POLICIES = ("zero", "available", "impute_group")

Number = int | float | Decimal


class RulesError(ValueError):
    """An invalid rule set. `errors` lists every problem found, each starting with its path."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = list(errors)
        if len(errors) == 1:
            message = f"invalid rule set: {errors[0]}"
        else:
            message = "invalid rule set:\n" + "\n".join(f"  - {e}" for e in errors)
        super().__init__(message)


@dataclass(frozen=True)
class Total:
    weight: Number
    points: Number | None = None  # None: equal to weight
    aggregation: str = "sum"
    decimals: int | None = 2

    @property
    def points_value(self) -> float:
        return float(self.weight if self.points is None else self.points)


@dataclass(frozen=True)
class Tiers:
    leading: Number = 0.3333
    lagging: Number = 0.3333


@dataclass(frozen=True)
class PeerGroups:
    groups: tuple[tuple[str, tuple[str, ...]], ...]
    by: str | None = None  # "kind": members are county kinds; None: members are county codes


@dataclass(frozen=True)
class Bonus:
    bonus_cap: Number | None = None
    penalty_cap: Number | None = None


@dataclass(frozen=True)
class Improvement:
    points_per_place: Number
    cap: Number | None = None
    penalty_per_place: Number = 0
    penalty_cap: Number | None = None


@dataclass(frozen=True)
class Warnings:
    """When progress against targets is yellow or red (预警, docs/rules.md §10): red more than
    `red_behind` points behind the calendar, or shrinking (with `red_when_shrinking`); yellow
    more than `yellow_behind` points behind, or growing slower than the city (with
    `yellow_below_city`). Numbers as given."""

    red_behind: Number = 5
    yellow_behind: Number = 0
    red_when_shrinking: bool = True
    yellow_below_city: bool = True


@dataclass(frozen=True)
class Bulletin:
    """How many counties the monthly bulletin (通报) names on its red list (红榜, the first places)
    and its black list (黑榜, the last places)."""

    red_list: int = 3
    black_list: int = 1


@dataclass(frozen=True)
class MissingData:
    """What exemptions (不考核) and missing values do (docs/rules.md §11).

    `exemptions`: what becomes of an exempted indicator's weight: "pro_rata" (the county's
    points rate on its other scored indicators of the category, or of the whole total with
    `pro_rata_level` "total", applied to that weight: 按其余指标得分率折算), "redistribute" (spread
    over the category's other indicators in proportion to their weights) or "zero".
    `imputation_group`: the column of the counties table whose groups impute an empty category
    (categories with missing "impute_group"). `count_exempt`, `count_imputed`: whether exempted
    indicators, and the missing indicators of an imputed category, count toward
    missing_share_max."""

    exemptions: str = "pro_rata"
    pro_rata_level: str = "category"
    imputation_group: str | None = None
    count_exempt: bool = False
    count_imputed: bool = True


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    weight: Number
    aggregation: str = "sum"
    decimals: int | None = 2
    missing: str = "zero"  # MISSING_POLICIES: what a missing value of the category does


@dataclass(frozen=True)
class Basis:
    type: str
    denominator: str | None = None
    factor: Number | None = None  # None: 1

    @property
    def factor_value(self) -> float:
        return 1.0 if self.factor is None else float(self.factor)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    category: str
    weight: Number
    basis: Basis
    method: str
    params: dict[str, Any]
    direction: str = "higher"
    decimals: int | None = None
    frequency: str = "monthly"

    def param(self, name: str) -> Any:
        """The parameter's value, or its default when the rule set leaves it out."""
        return self.params.get(name, METHOD_PARAMS[self.method][name].default)


@dataclass(frozen=True)
class Rules:
    name: str
    year: int
    version: int
    total: Total
    categories: tuple[Category, ...]
    indicators: tuple[Indicator, ...]
    indicator_decimals: int | None = 2
    rank_on: str = "rounded"
    missing_share_max: Number = 0.2
    tiers: Tiers = Tiers()
    peer_groups: PeerGroups | None = None
    period_weights: dict[str, Number] | None = None
    bonus: Bonus | None = None
    improvement: Improvement | None = None
    warnings: Warnings | None = None  # None: the defaults of Warnings()
    bulletin: Bulletin | None = None  # None: the defaults of Bulletin()
    missing_data: MissingData | None = None  # None: the defaults of MissingData()
    format: str = FORMAT

    @property
    def missing_policy(self) -> MissingData:
        return self.missing_data if self.missing_data is not None else MissingData()

    @property
    def treats_missing(self) -> bool:
        """Whether any category scores a missing value other than as 0."""
        return any(c.missing != "zero" for c in self.categories)

    def category(self, code: str) -> Category:
        return next(c for c in self.categories if c.code == code)


# ------------------------------------------------------------------------------- back to a dict


def rules_to_dict(rules: Rules) -> dict[str, Any]:
    """The canonical rule-set dict: every field present (`warnings` only where the rules set
    it), numbers as given."""
    t = rules.total
    out = {
        "format": rules.format,
        "name": rules.name,
        "year": rules.year,
        "version": rules.version,
        "total": {
            "weight": t.weight,
            "points": t.points,
            "aggregation": t.aggregation,
            "decimals": t.decimals,
        },
        "indicator_decimals": rules.indicator_decimals,
        "rank_on": rules.rank_on,
        "missing_share_max": rules.missing_share_max,
        "tiers": {"leading": rules.tiers.leading, "lagging": rules.tiers.lagging},
        "peer_groups": _peer_groups_dict(rules.peer_groups),
        "period_weights": copy.deepcopy(rules.period_weights),
        "bonus": None
        if rules.bonus is None
        else {"bonus_cap": rules.bonus.bonus_cap, "penalty_cap": rules.bonus.penalty_cap},
        "improvement": None
        if rules.improvement is None
        else {
            "points_per_place": rules.improvement.points_per_place,
            "cap": rules.improvement.cap,
            "penalty_per_place": rules.improvement.penalty_per_place,
            "penalty_cap": rules.improvement.penalty_cap,
        },
        "categories": [_category_dict(cat) for cat in rules.categories],
        "indicators": [_indicator_dict(i) for i in rules.indicators],
    }
    if rules.warnings is not None:  # optional: a document without it keeps its form
        w = rules.warnings
        out["warnings"] = {
            "red_behind": w.red_behind,
            "yellow_behind": w.yellow_behind,
            "red_when_shrinking": w.red_when_shrinking,
            "yellow_below_city": w.yellow_below_city,
        }
    if rules.bulletin is not None:  # optional, as the warnings
        out["bulletin"] = {
            "red_list": rules.bulletin.red_list,
            "black_list": rules.bulletin.black_list,
        }
    if rules.missing_data is not None:  # optional, as the warnings
        m = rules.missing_data
        out["missing_data"] = {
            "exemptions": m.exemptions,
            "pro_rata_level": m.pro_rata_level,
            "imputation_group": m.imputation_group,
            "count_exempt": m.count_exempt,
            "count_imputed": m.count_imputed,
        }
    return out


def _category_dict(cat: Category) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": cat.code,
        "name": cat.name,
        "weight": cat.weight,
        "aggregation": cat.aggregation,
        "decimals": cat.decimals,
    }
    if cat.missing != "zero":  # optional: a category without it keeps its form
        out["missing"] = cat.missing
    return out


def _peer_groups_dict(pg: PeerGroups | None) -> dict[str, Any] | None:
    if pg is None:
        return None
    groups = {name: list(members) for name, members in pg.groups}
    return {"groups": groups} if pg.by is None else {"by": pg.by, "groups": groups}


def _indicator_dict(i: Indicator) -> dict[str, Any]:
    basis: dict[str, Any] = {"type": i.basis.type}
    if i.basis.denominator is not None:
        basis["denominator"] = i.basis.denominator
    if i.basis.factor is not None:
        basis["factor"] = i.basis.factor
    return {
        "code": i.code,
        "name": i.name,
        "category": i.category,
        "weight": i.weight,
        "basis": basis,
        "direction": i.direction,
        "decimals": i.decimals,
        "method": i.method,
        "params": copy.deepcopy(i.params),
        "frequency": i.frequency,
    }


def parse_rules(d: Any) -> Rules:
    """Validate a rule-set dict and return Rules (parsing.parse_rules, also importable here)."""
    from .parsing import parse_rules as parse

    return parse(d)
