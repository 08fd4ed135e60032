"""Hypothesis strategies shared by the property tests: random rule sets and values."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import strategies as st
from scoring_helpers import PERIOD, indicator, rules_dict

from indicators.scoring import parse_rules

METHOD_NAMES = [
    "rank_points", "efficacy", "goalposts", "target", "stepped", "threshold_rank", "zscore"
]  # fmt: skip

value_st = st.integers(min_value=-5000, max_value=5000).map(lambda k: k / 100)


@st.composite
def method_params(draw, method: str, weight: float, direction: str) -> dict:
    small = st.floats(min_value=0, max_value=1, allow_nan=False)
    if method == "rank_points":
        return {"step": draw(st.sampled_from([0, 0.05, 0.1, 0.3])), "floor": draw(small)}
    if method == "efficacy":
        p = {"base": draw(small)}
        if draw(st.booleans()):
            worst = draw(value_st)
            better = draw(st.integers(1, 50)) * (1 if direction == "higher" else -1)
            p |= {"worst": worst, "best": worst + better}
        return p
    if method == "goalposts":
        if draw(st.booleans()):
            lower = draw(st.sampled_from([0.5, 1, 10]))
            return {
                "lower": lower,
                "upper": lower * draw(st.sampled_from([2, 10, 100])),
                "log": True,
            }
        lower = draw(value_st)
        return {"lower": lower, "upper": lower + draw(st.integers(1, 100))}
    if method == "target":
        return {
            "target": draw(st.sampled_from([0.5, 5, 20])),
            "cap": draw(st.sampled_from([1, 1.2])),
        }
    if method == "stepped":
        base = draw(st.integers(0, int(weight)))
        return {
            "target": draw(st.sampled_from([1, 5, 20])),
            "base": base,
            "per_step": draw(st.sampled_from([0.5, 1, 2])),
            "step": draw(st.sampled_from([0.5, 1, 10])),
            "step_unit": draw(st.sampled_from(["percent", "points"])),
            "max_up": draw(st.integers(0, int(weight) - base)),
            "max_down": draw(st.integers(0, base)),
        }
    if method == "threshold_rank":
        return {
            "threshold": draw(value_st),
            "threshold_points": draw(st.integers(0, int(weight))),
            "step": draw(st.sampled_from([0.05, 0.2])),
            "floor": draw(small),
        }
    return {"clip": draw(st.sampled_from([1, 2, 3]))}


@st.composite
def scenario(draw, n_indicators=None, direction=None, decimals=True):
    """Rules whose weights add up to 100 in one or two categories, and values for 2-8 counties."""
    n = n_indicators or draw(st.integers(1, 4))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=n - 1, max_size=n - 1, unique=True)))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    inds = []
    for k, w in enumerate(weights):
        method = draw(st.sampled_from(METHOD_NAMES))
        way = direction or draw(st.sampled_from(["higher", "lower"]))
        inds.append(
            indicator(
                f"i{k}",
                method,
                draw(method_params(method, w, way)),
                category="a" if k % 2 == 0 else "b",
                weight=w,
                direction=way,
                decimals=draw(st.sampled_from([None, 0, 1, 2])) if decimals else None,
            )
        )
    cats = [
        {"code": c, "name": c, "weight": sum(i["weight"] for i in inds if i["category"] == c),
         "aggregation": draw(st.sampled_from(["sum", "geometric"])), "decimals": 2}
        for c in ("a", "b") if any(i["category"] == c for i in inds)
    ]  # fmt: skip
    rules = rules_dict(
        inds,
        categories=cats,
        indicator_decimals=draw(st.sampled_from([None, 2])),
        total={"decimals": 2, "aggregation": draw(st.sampled_from(["sum", "geometric"]))},
        missing_share_max=1,
    )
    n_counties = draw(st.integers(2, 8))
    counties = [f"c{k}" for k in range(n_counties)]
    rows = [
        (c, i["code"], PERIOD, draw(st.one_of(value_st, st.just(np.nan))) if draw(st.booleans())
         else draw(value_st), None)
        for c in counties for i in inds
    ]  # fmt: skip
    values = pd.DataFrame(rows, columns=["county", "indicator", "period", "value", "prior_value"])
    ranked = [draw(st.booleans()) or k == 0 for k in range(n_counties)]
    frame = pd.DataFrame({"county": counties, "name": counties, "ranked": ranked})
    return parse_rules(rules), values, frame
