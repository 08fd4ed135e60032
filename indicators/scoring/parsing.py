"""parse_rules(): validate a "scorecard-rules/1" dict and build Rules (see rules.py, docs/rules.md).

Every problem is reported, each with its path ("indicators[3].weight"); weights are checked to add
up, exactly, at both levels, once every field is valid and before anything is computed.
"""

from __future__ import annotations

import copy
import re
from fractions import Fraction
from typing import Any

from .checker import Checker, exact, fmt_exact, is_number, show
from .params import METHOD_PARAMS, check_method_params, check_param
from .rules import (
    AGGREGATIONS,
    BASIS_TYPES,
    DIRECTIONS,
    EXEMPTION_POLICIES,
    FORMAT,
    FREQUENCIES,
    KINDS,
    MISSING_POLICIES,
    PRO_RATA_LEVELS,
    RANK_ON,
    Basis,
    Bonus,
    Bulletin,
    Category,
    Improvement,
    Indicator,
    MissingData,
    Number,
    PeerGroups,
    Rules,
    RulesError,
    Tiers,
    Total,
    Warnings,
)

WEIGHT_TOLERANCE = Fraction(1, 10**9)


def parse_rules(d: Any) -> Rules:
    """Validate a rule-set dict (parsed JSON) and return Rules, or raise RulesError naming paths."""
    c = Checker()
    top = {
        "format", "name", "year", "version", "total", "indicator_decimals", "rank_on",
        "missing_share_max", "tiers", "peer_groups", "period_weights", "bonus", "improvement",
        "warnings", "bulletin", "missing_data", "categories", "indicators",
    }  # fmt: skip
    if not c.obj(d, "", top, {"format", "year", "total", "categories", "indicators"}):
        raise RulesError(c.errors)
    d = copy.deepcopy(d)
    if "format" in d and d["format"] != FORMAT:
        c.fail("format", f'must be "{FORMAT}", got {show(d["format"])}')
    name = d.get("name", "")
    if not isinstance(name, str):
        c.fail("name", f"must be a string, got {show(name)}")
    year = c.integer(d, "year", "")
    version = c.integer(d, "version", "", default=1)
    total = _parse_total(c, d.get("total"))
    categories = _parse_categories(c, d.get("categories"))
    indicators = _parse_indicators(c, d.get("indicators"), categories)
    rules_kwargs: dict[str, Any] = {
        "indicator_decimals": c.decimals(d, "indicator_decimals", "", 2),
        "rank_on": c.choice(d, "rank_on", "", RANK_ON, "rounded"),
        "missing_share_max": c.number(
            d, "missing_share_max", "", default=0.2, minimum=0, maximum=1
        ),
        "tiers": _parse_tiers(c, d.get("tiers") or {}),
        "peer_groups": _parse_peer_groups(c, d.get("peer_groups")),
        "period_weights": _parse_period_weights(c, d.get("period_weights")),
        "bonus": _parse_bonus(c, d.get("bonus")),
        "improvement": _parse_improvement(c, d.get("improvement")),
        "warnings": _parse_warnings(c, d.get("warnings")),
        "bulletin": _parse_bulletin(c, d.get("bulletin")),
        "missing_data": _parse_missing_data(c, d.get("missing_data")),
    }
    _check_imputation(c, categories, rules_kwargs["missing_data"])
    if not c.errors:
        assert total is not None  # parsed without errors
        _check_weights(c, total, categories, indicators)
    if c.errors:
        raise RulesError(c.errors)
    assert total is not None
    return Rules(
        name=name,
        year=year,
        version=version,
        total=total,
        categories=tuple(categories),
        indicators=tuple(indicators),
        **rules_kwargs,
    )


def _parse_total(c: Checker, d: Any) -> Total | None:
    if not c.obj(d, "total", {"weight", "points", "aggregation", "decimals"}, {"weight"}):
        return None
    return Total(
        weight=c.number(d, "weight", "total", positive=True),
        points=c.number(d, "points", "total", nullable=True, positive=True),
        aggregation=c.choice(d, "aggregation", "total", AGGREGATIONS, "sum"),
        decimals=c.decimals(d, "decimals", "total", 2),
    )


def _parse_categories(c: Checker, items: Any) -> list[Category]:
    if not isinstance(items, list) or not items:
        c.fail("categories", f"must be a non-empty list, got {show(items)}")
        return []
    out: list[Category] = []
    seen: set[str] = set()
    for k, d in enumerate(items):
        path = f"categories[{k}]"
        fields = {"code", "name", "weight", "aggregation", "decimals", "missing"}
        if not c.obj(d, path, fields, {"code", "weight"}):
            continue
        code = c.text(d, "code", path)
        if code in seen:
            c.fail(f"{path}.code", f'duplicate category code "{code}"')
        seen.add(code)
        out.append(
            Category(
                code=code,
                name=c.text(d, "name", path, default=code or ""),
                weight=c.number(d, "weight", path, positive=True),
                aggregation=c.choice(d, "aggregation", path, AGGREGATIONS, "sum"),
                decimals=c.decimals(d, "decimals", path, 2),
                missing=c.choice(d, "missing", path, MISSING_POLICIES, "zero"),
            )
        )
    return out


_INDICATOR_FIELDS = {
    "code", "name", "category", "weight", "basis", "direction", "decimals", "method", "params",
    "frequency",
}  # fmt: skip


def _parse_indicators(c: Checker, items: Any, categories: list[Category]) -> list[Indicator]:
    if not isinstance(items, list) or not items:
        c.fail("indicators", f"must be a non-empty list, got {show(items)}")
        return []
    category_codes = {cat.code for cat in categories}
    out: list[Indicator] = []
    seen: set[str] = set()
    for k, d in enumerate(items):
        path = f"indicators[{k}]"
        required = {"code", "category", "weight", "basis", "method"}
        if not c.obj(d, path, _INDICATOR_FIELDS, required):
            continue
        code = c.text(d, "code", path)
        if code in seen:
            c.fail(f"{path}.code", f'duplicate indicator code "{code}"')
        seen.add(code)
        category = c.text(d, "category", path)
        if category is not None and categories and category not in category_codes:
            c.fail(f"{path}.category", f'unknown category "{category}"')
        weight = c.number(d, "weight", path, positive=True)
        method = c.choice(d, "method", path, tuple(METHOD_PARAMS))
        basis = _parse_basis(c, d.get("basis"), f"{path}.basis", code)
        direction = c.choice(d, "direction", path, DIRECTIONS, "higher")
        params = _parse_params(
            c,
            d.get("params", {}),
            f"{path}.params",
            method,
            weight,
            direction,
            None if basis is None else basis.type,
        )
        out.append(
            Indicator(
                code=code,
                name=c.text(d, "name", path, default=code or ""),
                category=category,
                weight=weight,
                basis=basis,  # type: ignore[arg-type]  # None only with a recorded error
                method=method,
                params=params,
                direction=direction,
                decimals=c.decimals(d, "decimals", path, None),
                frequency=c.choice(d, "frequency", path, FREQUENCIES, "monthly"),
            )
        )
    for k, cat in enumerate(categories):
        if not any(ind.category == cat.code for ind in out):
            c.fail(f"categories[{k}]", f'category "{cat.code}" has no indicators')
    return out


def _parse_basis(c: Checker, d: Any, path: str, code: str | None) -> Basis | None:
    if not c.obj(d, path, {"type", "denominator", "factor"}, {"type"}):
        return None
    kind = c.choice(d, "type", path, BASIS_TYPES)
    if kind != "ratio":
        for key in ("denominator", "factor"):
            if key in d:
                c.fail(f"{path}.{key}", 'is only allowed with "type": "ratio"')
        return Basis(type=kind)
    if "denominator" not in d:
        c.fail(f"{path}.denominator", 'is required with "type": "ratio"')
        return None
    denominator = c.text(d, "denominator", path)
    if denominator is not None and denominator == code:
        c.fail(f"{path}.denominator", "must be another indicator than the indicator itself")
    factor = c.number(d, "factor", path, positive=True) if "factor" in d else None
    return Basis(type=kind, denominator=denominator, factor=factor)


def _parse_params(
    c: Checker,
    d: Any,
    path: str,
    method: str | None,
    weight: Any,
    direction: str | None,
    basis: str | None,
) -> dict[str, Any]:
    if method is None:
        return d if isinstance(d, dict) else {}
    spec = METHOD_PARAMS[method]
    required = {name for name, p in spec.items() if p.required}
    errors_before = len(c.errors)
    if not c.obj(d, path, set(spec), required):
        return {}
    for name, p in spec.items():
        if name in d:
            check_param(c, d[name], f"{path}.{name}", p)
    if len(c.errors) > errors_before:
        return d
    v = {name: d.get(name, p.default) for name, p in spec.items()}
    w = float(weight) if is_number(weight) else None
    check_method_params(c, method, v, w, direction, path, basis)
    return d


def _parse_tiers(c: Checker, d: Any) -> Tiers:
    if not c.obj(d, "tiers", {"leading", "lagging"}):
        return Tiers()
    leading = c.number(d, "leading", "tiers", default=0.3333, minimum=0, maximum=1)
    lagging = c.number(d, "lagging", "tiers", default=0.3333, minimum=0, maximum=1)
    if leading is not None and lagging is not None and float(leading) + float(lagging) > 1:
        c.fail("tiers", "leading + lagging must not exceed 1")
    return Tiers(leading=leading, lagging=lagging)


def _parse_peer_groups(c: Checker, d: Any) -> PeerGroups | None:
    if d is None:
        return None
    if not c.obj(d, "peer_groups", {"by", "groups"}, {"groups"}):
        return None
    by = d.get("by")
    if by is not None and by != "kind":
        c.fail(
            "peer_groups.by",
            f'must be "kind" or absent (members are county codes), got {show(by)}',
        )
    groups = d.get("groups")
    if not isinstance(groups, dict) or not groups:
        c.fail("peer_groups.groups", "must be a non-empty object of group name -> list of members")
        return None
    out: list[tuple[str, tuple[str, ...]]] = []
    owner: dict[str, str] = {}
    for name, members in groups.items():
        path = f"peer_groups.groups.{name}"
        if not isinstance(members, list) or not members:
            c.fail(path, "must be a non-empty list")
            continue
        for m in members:
            if not isinstance(m, str) or not m:
                c.fail(path, f"members must be non-empty strings, got {show(m)}")
            elif by == "kind" and m not in KINDS:
                c.fail(path, f'unknown county kind "{m}" (kinds: {", ".join(KINDS)})')
            elif m in owner:
                c.fail(path, f'"{m}" is already in group "{owner[m]}"')
            else:
                owner[m] = name
        out.append((name, tuple(members)))
    return PeerGroups(groups=tuple(out), by=by)


def _parse_period_weights(c: Checker, d: Any) -> dict[str, Number] | None:
    if d is None:
        return None
    if not isinstance(d, dict) or not d:
        c.fail("period_weights", 'must be null or an object like {"6": 40, "12": 60}')
        return None
    for key in d:
        if key not in {str(m) for m in range(1, 13)}:
            c.fail(f"period_weights.{key}", 'keys must be months "1" to "12"')
        c.number(d, key, "period_weights", positive=True)
    return d


def _parse_warnings(c: Checker, d: Any) -> Warnings | None:
    if d is None:
        return None
    fields = {"red_behind", "yellow_behind", "red_when_shrinking", "yellow_below_city"}
    if not c.obj(d, "warnings", fields):
        return None
    red = c.number(d, "red_behind", "warnings", default=5, minimum=0)
    yellow = c.number(d, "yellow_behind", "warnings", default=0, minimum=0)
    flags = {}
    for key in ("red_when_shrinking", "yellow_below_city"):
        value = d.get(key, True)
        if not isinstance(value, bool):
            c.fail(f"warnings.{key}", f"must be true or false, got {show(value)}")
        flags[key] = bool(value)
    if red is None or yellow is None:
        return None
    if float(yellow) > float(red):
        c.fail("warnings.yellow_behind", "must not be greater than red_behind")
    return Warnings(red, yellow, flags["red_when_shrinking"], flags["yellow_below_city"])


def _parse_bulletin(c: Checker, d: Any) -> Bulletin | None:
    if d is None:
        return None
    if not c.obj(d, "bulletin", {"red_list", "black_list"}):
        return None
    sizes = {}
    for key, default in (("red_list", 3), ("black_list", 1)):
        value = d.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 50:
            c.fail(f"bulletin.{key}", f"must be a whole number from 0 to 50, got {show(value)}")
            return None
        sizes[key] = value
    return Bulletin(sizes["red_list"], sizes["black_list"])


_COLUMN = re.compile(r"[a-z_][a-z0-9_]{0,39}")
_RESERVED_COLUMNS = {"county", "name", "ranked", "group"}


def _parse_missing_data(c: Checker, d: Any) -> MissingData | None:
    if d is None:
        return None
    fields = {"exemptions", "pro_rata_level", "imputation_group", "count_exempt", "count_imputed"}
    if not c.obj(d, "missing_data", fields):
        return None
    group = d.get("imputation_group")
    if group is not None and (
        not isinstance(group, str) or not _COLUMN.fullmatch(group) or group in _RESERVED_COLUMNS
    ):
        c.fail(
            "missing_data.imputation_group",
            "must be the name of a column of the counties table (lower-case letters, digits"
            f" and _, not county, name, ranked or group), or null, got {show(group)}",
        )
        group = None
    counts = {}
    for key, default in (("count_exempt", False), ("count_imputed", True)):
        value = d.get(key, default)
        if not isinstance(value, bool):
            c.fail(f"missing_data.{key}", f"must be true or false, got {show(value)}")
        counts[key] = bool(value)
    return MissingData(
        exemptions=c.choice(d, "exemptions", "missing_data", EXEMPTION_POLICIES, "pro_rata"),
        pro_rata_level=c.choice(d, "pro_rata_level", "missing_data", PRO_RATA_LEVELS, "category"),
        imputation_group=group,
        count_exempt=counts["count_exempt"],
        count_imputed=counts["count_imputed"],
    )


def _check_imputation(c: Checker, categories: list[Category], md: MissingData | None) -> None:
    for k, cat in enumerate(categories):
        if cat.missing == "impute_group" and (md is None or md.imputation_group is None):
            c.fail(
                f"categories[{k}].missing",
                '"impute_group" needs missing_data.imputation_group: the column of the counties'
                " table that groups the counties for imputation",
            )


def _parse_bonus(c: Checker, d: Any) -> Bonus | None:
    if d is None:
        return None
    if not c.obj(d, "bonus", {"bonus_cap", "penalty_cap"}):
        return None
    return Bonus(
        bonus_cap=c.number(d, "bonus_cap", "bonus", nullable=True, minimum=0),
        penalty_cap=c.number(d, "penalty_cap", "bonus", nullable=True, minimum=0),
    )


def _parse_improvement(c: Checker, d: Any) -> Improvement | None:
    if d is None:
        return None
    keys = {"points_per_place", "cap", "penalty_per_place", "penalty_cap"}
    if not c.obj(d, "improvement", keys, {"points_per_place"}):
        return None
    return Improvement(
        points_per_place=c.number(d, "points_per_place", "improvement", minimum=0),
        cap=c.number(d, "cap", "improvement", nullable=True, minimum=0),
        penalty_per_place=c.number(d, "penalty_per_place", "improvement", default=0, minimum=0),
        penalty_cap=c.number(d, "penalty_cap", "improvement", nullable=True, minimum=0),
    )


def _check_weights(
    c: Checker, total: Total, categories: list[Category], indicators: list[Indicator]
) -> None:
    """Exact check, on the decimal values as written, that the weights add up at every level."""
    for k, cat in enumerate(categories):
        parts = [exact(i.weight) for i in indicators if i.category == cat.code]
        _compare_sum(c, f"categories[{k}] \"{cat.code}\"", "indicator weights", sum(parts),
                     "the category weight", exact(cat.weight))  # fmt: skip
    _compare_sum(c, "total.weight", "category weights", sum(exact(x.weight) for x in categories),
                 "total.weight", exact(total.weight))  # fmt: skip


def _compare_sum(
    c: Checker, path: str, what: str, got: Fraction | int, target: str, want: Fraction
) -> None:
    diff = got - want
    if abs(diff) > WEIGHT_TOLERANCE * max(Fraction(1), abs(want)):
        side = "over" if diff > 0 else "short"
        c.fail(path, f"{what} add up to {fmt_exact(got)}, not {target} {fmt_exact(want)} "
                     f"({fmt_exact(abs(diff))} {side})")  # fmt: skip
