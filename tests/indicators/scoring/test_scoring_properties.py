"""Properties over random rule sets and values (hypothesis)."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scoring_strategies import scenario

from indicators.scoring import score

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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
