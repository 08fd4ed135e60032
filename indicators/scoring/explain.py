"""Explanations: each indicator's points as its method's formula with the numbers put in.

A leader must be able to check every point. `explain_points` takes what a results page already
has for one indicator result (the basis, the rank the method used, the flags) and the statistics
of the county's reference counties (`ScoreResult.references`), and returns the arithmetic, e.g.
rank points with weight 8 and step 0.0625 at rank 2:

    8 − 0.5 × 1 = 7.50

The formula is language-neutral: numbers, the basis value, × − + ÷ =, parentheses, min/max, ln,
≥ ≤ < > and "; " between consecutive steps; no words. The web layer adds translated labels (the
method's name, "invalid base: the group's worst value", ...) from `method`, `case` and `inputs`.
The points are computed from those same numbers in the same floating-point operations as the
engine (methods.py), so they equal `ScoreResult.indicators["score"]` exactly; the numbers shown
are rounded half up (points at the rules' indicator_decimals, bases at their published
decimals), so the displayed arithmetic can differ from the exact one in the last digit.

`explain_improvement` and `explain_total` do the same for the improvement reward and the total.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .engine import ScoreResult
from .explain_methods import FORMULAS, Args
from .explain_text import fixed, num, signed_term, tidy
from .frames import pci
from .rounding import round_half_up, round_half_up_scalar
from .rules import Indicator, Rules

CASES = ("scored", "invalid_base", "missing", "not_scheduled", "exempt")


@dataclass(frozen=True)
class Explanation:
    """How a number came about. `case`: "scored", "invalid_base" (scored with the reference
    counties' worst value and place), "missing" (0 points), "not_scheduled" (no points, empty
    formula) or "exempt" (不考核: weight × the county's rate on its other indicators under
    pro_rata, no points under redistribute, 0 under zero); for totals "total" and
    "improvement". `points` is NaN when not scheduled and when exempted under redistribute."""

    method: str
    case: str
    formula: str
    points: float
    inputs: Mapping[str, float] = field(default_factory=dict)


def explain_points(
    indicator: Indicator,
    *,
    basis: float,
    rank: float,
    flags: str | Iterable[str] = "",
    reference: Mapping[str, float] | None = None,
    decimals: int | None = 2,
    target: float | None = None,
    weight: float | None = None,
    share: float | None = None,
) -> Explanation:
    """The points of one indicator result and the arithmetic that gives them.

    `basis`, `rank` and `flags` are the row's `basis`, `scored_rank` (the rank the method used:
    `rank` for a ranked county, the place an unranked county would take) and `flags` in
    `ScoreResult.indicators`; `reference` the matching row of `ScoreResult.references` (keys
    count, best, worst, mean, std; needed by efficacy and zscore and for an invalid basis);
    `decimals` the rules' indicator_decimals; `target` the row's `target` (the county's own,
    or the one due by the schedule), for the target and stepped methods: None or NaN means the
    rule's parameter. `weight`: the weight the county scored out of, when the rules
    redistribute an exempted weight (None: the indicator's); `share`: the row's `normalised`,
    for an exempted row (the pro-rata rate, NaN under redistribute).
    """
    flag_set = set(flags.split(",")) if isinstance(flags, str) else set(flags)
    method = indicator.method
    weight = float(indicator.weight) if weight is None or math.isnan(weight) else float(weight)
    ref = _reference(reference)
    if "not_scheduled" in flag_set:
        return Explanation(method, "not_scheduled", "", math.nan, {"weight": weight})
    if "exempt" in flag_set:
        return _exempt(method, weight, share, decimals)
    if "missing" in flag_set:
        return _zero(method, "missing", weight, decimals)
    case, x = "scored", float(basis)
    if "invalid_base" in flag_set:
        case, x = "invalid_base", ref["worst"] if ref["count"] > 0 else math.nan
    if math.isnan(x):
        return _zero(method, case, weight, decimals)
    sign = 1.0 if indicator.direction == "higher" else -1.0
    inputs: dict[str, float] = {"basis": x, "rank": float(rank), "weight": weight}
    own = None if target is None or math.isnan(target) else float(target)
    args = Args(indicator, x, sign, float(rank), ref, weight, inputs, own)
    s, text = FORMULAS[method](args)
    points = _points(weight, s, decimals)
    inputs["share"] = s
    formula = tidy(f"{text} = {_shown(points, decimals)}")
    return Explanation(method, case, formula, points, inputs)


def explain_improvement(rules: Rules, *, base_rank: float, first_rank: float) -> Explanation:
    """The improvement reward (进位奖励) from the two places stored with the county (`base_rank`
    and `first_rank` in `ScoreResult.counties`: its base place and its place before the reward,
    both among the counties ranked in both): "(4 − 2) × 1 = 2.00"."""
    imp = rules.improvement
    inputs = {"base_rank": float(base_rank), "first_rank": float(first_rank)}
    if imp is None or math.isnan(base_rank) or math.isnan(first_rank):
        return Explanation("improvement", "improvement", "", 0.0, inputs)
    gained = float(base_rank) - float(first_rank)
    inputs["places"] = gained
    d = rules.total.decimals
    if gained >= 0:
        pts, per, cap = gained * float(imp.points_per_place), imp.points_per_place, imp.cap
        text = f"({num(base_rank)} − {num(first_rank)}) × {num(per)}"
    else:
        pts, per, cap = (
            -gained * float(imp.penalty_per_place),
            imp.penalty_per_place,
            imp.penalty_cap,
        )
        text = f"({num(first_rank)} − {num(base_rank)}) × {num(per)}"
    if cap is not None and pts > float(cap):
        pts, text = float(cap), f"min({text}, {num(cap)})"
    if gained < 0:
        pts, text = -pts, f"−{text}"
    formula = f"{text} = {_shown(pts + 0.0, d)}"
    return Explanation("improvement", "improvement", formula, pts + 0.0, inputs)


def explain_total(
    rules: Rules, *, base_total: float, bonus: float, penalty: float, improvement: float
) -> Explanation:
    """total = base_total + bonus + penalty + improvement, rounded at the total's decimals in the
    engine's two steps (after the bonuses, then after the improvement)."""
    inputs = {
        "base_total": base_total,
        "bonus": bonus,
        "penalty": penalty,
        "improvement": improvement,
    }
    if math.isnan(base_total):
        return Explanation("total", "total", "", math.nan, inputs)
    d = rules.total.decimals
    total = float(round_half_up(round_half_up(base_total + (bonus + penalty), d) + improvement, d))
    terms = [_shown(base_total, d)]
    terms += [signed_term(v, d) for v in (bonus, penalty, improvement) if v != 0]
    return Explanation("total", "total", f"{' '.join(terms)} = {_shown(total, d)}", total, inputs)


def explain_result(
    result: ScoreResult, *, period: str | None = None, county: str | None = None
) -> pd.DataFrame:
    """explain_points for every indicator row of `result` (or of one period and/or county),
    with each county's reference row looked up by (period, indicator, group). Columns: period,
    county, indicator, method, case, formula, points (equal to the rows' `score`)."""
    ind = result.indicators
    keep = np.ones(len(ind), bool)
    if period is not None:
        keep &= (ind["period"] == period).to_numpy()
    if county is not None:
        keep &= (ind["county"] == county).to_numpy()
    cty = result.counties
    group_of = {
        (str(p), str(c)): (None if pd.isna(g) else str(g))
        for p, c, g in zip(cty["period"], cty["county"], cty["group"], strict=True)
    }
    refs: dict[tuple[str, str, str | None], dict[str, float]] = {}
    ref = result.references
    stats = ref[["count", "best", "worst", "mean", "std"]].to_numpy(dtype=float)
    for k, (p, code, g) in enumerate(
        zip(ref["period"], ref["indicator"], ref["group"], strict=True)
    ):
        key = (str(p), str(code), None if pd.isna(g) else str(g))
        refs[key] = dict(zip(("count", "best", "worst", "mean", "std"), stats[k], strict=True))
    rule = {i.code: i for i in result.rules.indicators}
    rows = []
    sel = ind[keep]
    basis = sel["basis"].to_numpy(dtype=float)
    rank = sel["scored_rank"].to_numpy(dtype=float)
    # results stored before targets were an input have no target column: the rules' target
    target = sel["target"].to_numpy(dtype=float) if "target" in sel else np.full(len(sel), np.nan)
    share = sel["normalised"].to_numpy(dtype=float)
    # the weights scored out of, where the rules redistribute an exempted weight
    weights = np.full(len(sel), np.nan)
    if result.arrays is not None and result.arrays[1].weight is not None:
        weights = pci(result.arrays[1].weight)[keep]
    labels = zip(sel["period"], sel["county"], sel["indicator"], sel["flags"], strict=True)
    for k, (p, c, code, flags) in enumerate(labels):
        p, c, code = str(p), str(c), str(code)
        e = explain_points(
            rule[code],
            basis=float(basis[k]),
            rank=float(rank[k]),
            flags=str(flags),
            reference=refs.get((p, code, group_of[(p, c)])),
            decimals=result.rules.indicator_decimals,
            target=float(target[k]),
            weight=float(weights[k]),
            share=float(share[k]),
        )
        rows.append((p, c, code, e.method, e.case, e.formula, e.points))
    return pd.DataFrame(
        rows, columns=["period", "county", "indicator", "method", "case", "formula", "points"]
    )


# ------------------------------------------------------------------------------------ helpers


def _reference(reference: Mapping[str, float] | None) -> dict[str, float]:
    keys = ("count", "best", "worst", "mean", "std")
    if reference is None:
        return {"count": 0.0, **dict.fromkeys(keys[1:], math.nan)}
    out = {k: float(reference[k]) for k in keys}
    if not out["count"] > 0:
        out.update(dict.fromkeys(keys[1:], math.nan))
    return out


def _exempt(method: str, weight: float, share: float | None, decimals: int | None) -> Explanation:
    """不考核: weight × the pro-rata rate, no points (redistributed: share NaN), or 0."""
    inputs = {"weight": weight}
    if share is None or math.isnan(share) or weight == 0:
        return Explanation(method, "exempt", "", math.nan, inputs)
    points = _points(weight, share, decimals)
    inputs["share"] = float(share)
    formula = tidy(f"{num(weight)} × {num(share, 4)} = {_shown(points, decimals)}")
    return Explanation(method, "exempt", formula, points, inputs)


def _zero(method: str, case: str, weight: float, decimals: int | None) -> Explanation:
    return Explanation(method, case, _shown(0.0, decimals), 0.0, {"weight": weight})


def _points(weight: float, s: float, decimals: int | None) -> float:
    s = 0.0 if math.isnan(s) else s
    return round_half_up_scalar(float(weight) * float(s), decimals)


def _shown(points: float, decimals: int | None) -> str:
    return fixed(points, decimals) if decimals is not None else num(points, 4)
