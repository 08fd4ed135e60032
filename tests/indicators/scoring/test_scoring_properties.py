"""Properties over random rule sets and values (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scoring_helpers import PERIOD, indicator, rules_dict

from indicators.scoring import parse_rules, score

METHOD_NAMES = [
    "rank_points", "efficacy", "goalposts", "target", "stepped", "threshold_rank", "zscore"
]  # fmt: skip
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

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


def keyed(result):
    ind = result.indicators.assign(county=lambda f: f["county"].astype(str))
    cty = result.counties.assign(county=lambda f: f["county"].astype(str))
    return (
        ind.set_index(["county", "indicator"])[["score", "rank"]].sort_index(),
        cty.set_index("county")[["total", "rank", "tier"]].sort_index(),
    )


@SETTINGS
@given(scenario(), st.randoms(use_true_random=False))
def test_permuting_counties_changes_no_ones_score(case, rnd):
    rules, values, counties = case
    before = keyed(score(values, rules, counties))
    rows = list(range(len(values)))
    rnd.shuffle(rows)
    order = list(range(len(counties)))
    rnd.shuffle(order)
    after = keyed(score(values.iloc[rows], rules, counties.iloc[order]))
    for a, b in zip(before, after, strict=True):
        pd.testing.assert_frame_equal(a, b)


@SETTINGS
@given(
    scenario(n_indicators=1, direction="higher"),
    st.data(),
)
def test_raising_a_value_never_lowers_its_score_on_a_higher_is_better_indicator(case, data):
    rules, values, counties = case
    present = values.index[values["value"].notna()].tolist()
    assume(present)
    k = data.draw(st.sampled_from(present))
    delta = data.draw(st.integers(1, 2000)) / 100
    county = values.loc[k, "county"]
    method = rules.indicators[0].method
    if method == "zscore":
        # the decided rule "all equal -> s = 1" makes zscore non-monotone exactly there: when
        # the other ranked counties all have the same value, and this county is one of them
        ranked = set(counties.loc[counties["ranked"], "county"])
        others = values[(values["county"] != county) & values["county"].isin(ranked)]
        assume(county not in ranked or others["value"].dropna().nunique() > 1)
    raised = values.copy()
    raised.loc[k, "value"] = values.loc[k, "value"] + delta

    def points(frame):
        ind = score(frame, rules, counties).indicators
        return ind.loc[ind["county"] == county, "score"].iloc[0]

    assert points(raised) >= points(values) - 1e-9


@SETTINGS
@given(scenario())
def test_weights_adding_to_100_give_totals_within_0_and_100(case):
    rules, values, counties = case
    totals = score(values, rules, counties).counties["total"]
    assert ((totals >= 0) & (totals <= 100)).all()
    ind = score(values, rules, counties).indicators
    weights = {i.code: i.weight for i in rules.indicators}
    assert (ind["score"] <= ind["indicator"].map(weights).astype(float) + 1e-9).all()


@SETTINGS
@given(scenario())
def test_unranked_counties_shift_no_ranked_county(case):
    rules, values, counties = case
    ranked = set(counties.loc[counties["ranked"], "county"])
    alone = score(values[values["county"].isin(ranked)], rules, counties[counties["ranked"]])
    together = score(values, rules, counties)
    a, b = keyed(alone), keyed(together)
    pd.testing.assert_frame_equal(a[0], b[0].loc[a[0].index])
    pd.testing.assert_frame_equal(a[1], b[1].loc[a[1].index])
