"""Gap to the next place: targets, the values that reach them, and what the engine then gives."""

from __future__ import annotations

import importlib
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scoring_helpers import indicator, rules_dict, values
from scoring_strategies import PERIOD, scenario

from indicators.scoring import gaps, parse_rules, score
from indicators.scoring.grid import ScoringInputError
from indicators.scoring.rules import Improvement, PeerGroups


def rows_by(frame: pd.DataFrame) -> dict[tuple[str, str], dict]:
    return {(r["county"], r["indicator"]): r for r in frame.to_dict("records")}


def two_indicator_rules(**top):
    return rules_dict(
        [
            indicator(
                "gdp", "rank_points", {"step": 0.1}, weight=60, basis={"type": "growth"}, decimals=1
            ),
            indicator(
                "energy", "rank_points", {"step": 0.1}, weight=40, direction="lower", decimals=2
            ),
        ],
        **top,
    )


DATA = {
    # growth: A 10.0 %, B 6.0 %, C 5.0 %
    "gdp": {"A": (110, 100), "B": (106, 100), "C": (210, 200)},
    # energy intensity, lower is better: B 0.50, A 0.60, C 0.80
    "energy": {"A": 0.6, "B": 0.5, "C": 0.8},
}


def test_growth_gap_targets_the_next_better_growth_and_gives_the_value_that_reaches_it():
    out = rows_by(gaps(values(DATA), two_indicator_rules()))
    c = out[("C", "gdp")]
    assert c["rank"] == 3 and c["target_basis"] == pytest.approx(6.0)
    assert c["target_value"] == pytest.approx(212.0)  # 200 x 1.06
    assert c["new_rank"] == 2  # ties B: shares second place


def test_lower_is_better_gap_targets_a_smaller_value():
    out = rows_by(gaps(values(DATA), two_indicator_rules()))
    a = out[("A", "energy")]
    assert a["rank"] == 2 and a["target_basis"] == pytest.approx(0.5)
    assert a["target_value"] == pytest.approx(0.5)
    assert a["new_rank"] == 1


def test_a_county_that_leads_an_indicator_has_no_gap_on_it():
    out = rows_by(gaps(values(DATA), two_indicator_rules()))
    assert ("A", "gdp") not in out
    assert ("B", "energy") not in out
    assert len(out) == 4  # B and C on gdp, A and C on energy


def test_points_and_places_are_the_engines_result_with_the_one_value_changed():
    rules = parse_rules(two_indicator_rules())
    out = rows_by(gaps(values(DATA), rules))
    # rescore by hand: C's gdp at 212 -> growth 6.0
    changed = {**DATA, "gdp": {**DATA["gdp"], "C": (212, 200)}}
    before = score(values(DATA), rules).counties.set_index("county")
    after = score(values(changed), rules).counties.set_index("county")
    c = out[("C", "gdp")]
    assert c["total"] == pytest.approx(before.loc["C", "total"])
    assert c["new_total"] == pytest.approx(after.loc["C", "total"])
    assert c["points"] == pytest.approx(after.loc["C", "total"] - before.loc["C", "total"])
    assert c["points"] == pytest.approx(6.0)  # rank points: 80 % -> 90 % of 60
    assert c["total_rank"] == before.loc["C", "rank"]
    assert c["new_total_rank"] == after.loc["C", "rank"]


def test_published_decimals_decide_the_target_and_the_value_rounds_towards_it():
    rules = rules_dict(
        [indicator("gdp", "rank_points", {"step": 0.1}, basis={"type": "growth"}, decimals=1)]
    )
    # A grows 7.04 % (published 7.0), B 6.5 %: B needs 7.0 %, which 106.95 already rounds to
    data = {"gdp": {"A": (107.04, 100), "B": (106.5, 100)}}
    b = rows_by(gaps(values(data), rules))[("B", "gdp")]
    assert b["target_basis"] == pytest.approx(7.0)
    assert b["target_value"] == pytest.approx(107.0)
    assert b["new_rank"] == 1


def test_ratio_gap_scales_by_the_denominator_and_factor():
    rules = rules_dict(
        [
            indicator(
                "rd",
                "rank_points",
                {"step": 0.1},
                basis={"type": "ratio", "denominator": "gdp", "factor": 100},
                decimals=2,
            )
        ]
    )
    data = {"rd": {"A": 3, "B": 1}, "gdp": {"A": 100, "B": 200}}  # 3.00 % and 0.50 %
    b = rows_by(gaps(values(data), rules))[("B", "rd")]
    assert b["target_basis"] == pytest.approx(3.0)
    assert b["target_value"] == pytest.approx(6.0)  # 3 % of 200
    assert b["new_rank"] == 1


def test_peer_groups_compare_within_the_group_only():
    rules = two_indicator_rules(
        peer_groups={"by": "kind", "groups": {"urban": ["district"], "rural": ["county"]}}
    )
    counties = pd.DataFrame(
        {
            "county": ["A", "B", "C"],
            "name": ["A", "B", "C"],
            "kind": ["district", "county", "county"],
            "ranked": [True, True, True],
        }
    )
    out = rows_by(gaps(values(DATA), rules, counties))
    # C's next better growth among counties is B's 6.0 (A is a district)
    assert out[("C", "gdp")]["target_basis"] == pytest.approx(6.0)
    assert ("B", "gdp") not in out  # B leads the county group


def test_more_than_one_period_is_refused():
    frame = pd.concat([values(DATA, "2025-05"), values(DATA, "2025-06")])
    with pytest.raises(ScoringInputError, match="one period"):
        gaps(frame, two_indicator_rules())


def test_small_batches_give_the_same_result_as_one_batch():
    rules = parse_rules(two_indicator_rules())
    whole = gaps(values(DATA), rules)
    pieces = gaps(values(DATA), rules, batch_cells=1)
    pd.testing.assert_frame_equal(whole, pieces)


def assert_every_gap_matches_scoring_from_scratch(out, frame, rules, counties, **kwargs):
    """Each row's value, scored by score() with that one value changed, gives the row's
    new_rank, new_total and new_total_rank; whole-unit rows' target_basis is that basis."""
    whole = set(kwargs.pop("whole", ()))
    for row in out.to_dict("records"):
        changed = frame.copy()
        hit = (changed["county"] == row["county"]) & (changed["indicator"] == row["indicator"])
        changed.loc[hit, "value"] = row["target_value"]
        result = score(changed, rules, counties, **kwargs)
        ind = result.indicators.set_index(["county", "indicator"])
        tot = result.counties.set_index("county")
        key = (row["county"], row["indicator"])
        assert ind.loc[key, "rank"] == row["new_rank"]
        assert tot.loc[row["county"], "total"] == pytest.approx(row["new_total"], abs=1e-9)
        assert tot.loc[row["county"], "rank"] == row["new_total_rank"]
        if row["indicator"] in whole:
            assert row["target_value"] == round(row["target_value"])
            assert ind.loc[key, "basis"] == row["target_basis"]
        if row["kind"] == "next":
            assert row["new_rank"] < row["rank"]  # the target always gains the place
        else:
            assert row["new_rank"] <= row["rank"] and ind.loc[key, "score"] > 0


def gap_case(rng, *, threshold: bool):
    codes = [f"c{k}" for k in range(9)]
    tax = (
        indicator("tax", "threshold_rank", THRESHOLD, category="a", weight=20, decimals=2)
        if threshold
        else indicator("tax", "zscore", {}, category="a", weight=20, decimals=2)
    )
    rules = parse_rules(
        rules_dict(
            [
                indicator(
                    "gdp",
                    "efficacy",
                    {},
                    category="a",
                    weight=30,
                    basis={"type": "growth"},
                    decimals=1,
                ),
                tax,
                indicator(
                    "rd",
                    "rank_points",
                    {"step": 0.1},
                    category="b",
                    weight=25,
                    basis={"type": "ratio", "denominator": "tax", "factor": 100},
                    decimals=2,
                ),
                indicator(
                    "energy",
                    "goalposts",
                    {"lower": 0.2, "upper": 1.0},
                    category="b",
                    weight=25,
                    direction="lower",
                    decimals=3,
                ),
            ],
            categories=[
                {"code": "a", "name": "a", "weight": 50, "aggregation": "sum", "decimals": 2},
                {"code": "b", "name": "b", "weight": 50, "aggregation": "geometric", "decimals": 2},
            ],
            indicator_decimals=2,
            total={"decimals": 2},
            peer_groups={"by": "kind", "groups": {"urban": ["district"], "rural": ["county"]}},
            bonus={"bonus_cap": 1, "penalty_cap": 1},
        )
    )
    counties = pd.DataFrame(
        {
            "county": codes,
            "name": codes,
            "kind": ["district"] * 4 + ["county"] * 5,
            "ranked": [True] * 8 + [False],
        }
    )
    data = {
        "gdp": {c: (float(rng.uniform(100, 120)), 100.0) for c in codes},
        "tax": {c: float(rng.uniform(5, 15)) for c in codes},
        "rd": {c: float(rng.uniform(0.1, 0.6)) for c in codes},
        "energy": {c: float(rng.uniform(0.3, 0.9)) for c in codes},
    }
    if threshold:  # counts of enterprises (tax) and patents (rd)
        data["tax"] = {c: float(rng.integers(5, 15)) for c in codes}
        data["rd"] = {c: float(rng.integers(0, 9)) for c in codes}
    frame = values(data)
    bonuses = pd.DataFrame({"county": ["c1"], "period": ["2025-06"], "points": [0.5]})
    return frame, rules, counties, bonuses


THRESHOLD = {"threshold": 11.5, "threshold_points": 8, "step": 0.2}


@pytest.mark.parametrize("seed", [7, 8])
def test_gaps_from_scores_already_computed_are_the_same(seed):
    """The recompute hands gaps() the period's score() result instead of scoring it twice."""
    frame, rules, counties, bonuses = gap_case(np.random.default_rng(seed), threshold=True)
    scored = score(frame, rules, counties, bonuses=bonuses)
    assert scored.arrays is not None
    fresh = gaps(frame, rules, counties, bonuses=bonuses, whole=["tax"])
    gaps_module = importlib.import_module("indicators.scoring.gaps")

    def no_second_grid(*args, **kwargs):
        raise AssertionError("the period was built and scored again")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(gaps_module, "scoring_grid", no_second_grid)
        reused = gaps(frame, rules, counties, bonuses=bonuses, whole=["tax"], scored=scored)
    assert len(fresh) > 10
    pd.testing.assert_frame_equal(fresh, reused)


def test_every_gap_matches_scoring_the_changed_period_from_scratch():
    """The batched, partial rescoring gives exactly what score() gives on each variant: relative
    methods, a ratio over another scored indicator, two categories, peer groups, bonuses."""
    frame, rules, counties, bonuses = gap_case(np.random.default_rng(7), threshold=False)
    out = gaps(frame, rules, counties, bonuses=bonuses)
    assert len(out) > 10 and set(out["kind"]) == {"next"}
    assert_every_gap_matches_scoring_from_scratch(out, frame, rules, counties, bonuses=bonuses)


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_every_whole_unit_and_threshold_gap_matches_scoring_from_scratch(seed):
    frame, rules, counties, bonuses = gap_case(np.random.default_rng(seed), threshold=True)
    whole = ["tax", "rd", "not-scored"]
    out = gaps(frame, rules, counties, bonuses=bonuses, whole=whole)
    assert set(out["kind"]) == {"next", "threshold"}
    assert set(out.loc[out["kind"] == "threshold", "indicator"]) == {"tax"}
    assert_every_gap_matches_scoring_from_scratch(
        out, frame, rules, counties, bonuses=bonuses, whole=whole
    )


@st.composite
def gap_scenario(draw):
    """scenario() with, at random, two peer groups by county code, improvement points against
    random base ranks, and bonus points."""
    rules, frame, counties = draw(scenario())
    codes = list(counties["county"])
    kwargs = {}
    if draw(st.booleans()) and len(codes) >= 4:
        cut = draw(st.integers(1, len(codes) - 1))
        groups = (("g1", tuple(codes[:cut])), ("g2", tuple(codes[cut:])))
        rules = replace(rules, peer_groups=PeerGroups(groups=groups))
    if draw(st.booleans()):
        rules = replace(rules, improvement=Improvement(0.5, 1, 0.25, 0.5))
        places = draw(st.permutations(range(1, len(codes) + 1)))
        kwargs["base_ranks"] = dict(zip(codes, places, strict=True))
    if draw(st.booleans()):
        points = draw(st.sampled_from([0.5, -0.25, 1.0]))
        kwargs["bonuses"] = pd.DataFrame(
            {"county": [codes[-1]], "period": [PERIOD], "points": [points]}
        )
    return rules, frame, counties, kwargs


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(gap_scenario())
def test_the_incremental_gaps_equal_scoring_each_variant_from_scratch(case):
    """Random rule sets (every method, both directions, decimals, geometric categories and
    totals, peer groups, improvement points, bonuses) and values: each gap row is what score()
    gives for the period with that one value changed."""
    rules, frame, counties, kwargs = case
    out = gaps(frame, rules, counties, **kwargs)
    assert_every_gap_matches_scoring_from_scratch(out, frame, rules, counties, **kwargs)


@pytest.mark.parametrize("threshold", [False, True])
def test_local_variants_equal_the_same_variants_scored_densely(threshold, monkeypatch):
    """Variants that move only their county and the counties they pass are scored on those
    counties alone; scoring all of them over the whole peer group instead gives the same."""
    variants = importlib.import_module("indicators.scoring.variants")
    frame, rules, counties, bonuses = gap_case(np.random.default_rng(11), threshold=threshold)
    used = {"local": 0, "dense": 0}
    real_sparse, real_dense = variants.Variants._sparse, variants.Variants._dense

    def counting(kind, real):
        def run(self, cols, cs, arg):
            used[kind] += len(cs)
            return real(self, cols, cs, arg)

        return run

    monkeypatch.setattr(variants.Variants, "_sparse", counting("local", real_sparse))
    monkeypatch.setattr(variants.Variants, "_dense", counting("dense", real_dense))
    mixed = gaps(frame, rules, counties, bonuses=bonuses, whole=["tax"])
    assert used["local"] >= 4 and used["dense"] >= 4  # both kinds ran

    monkeypatch.setattr(
        variants.Variants, "_local", lambda self, cols, cs, new: np.zeros(len(cs), dtype=bool)
    )
    dense = gaps(frame, rules, counties, bonuses=bonuses, whole=["tax"])
    pd.testing.assert_frame_equal(mixed, dense)


# ------------------------------------------------------------------------------- whole units


def test_whole_units_take_the_smallest_whole_count_that_reaches_the_target():
    # firms per 10,000 residents: A 25.00, B 18.18, C 15.00
    rules = rules_dict(
        [
            indicator(
                "firms",
                "rank_points",
                {"step": 0.1},
                basis={"type": "ratio", "denominator": "pop", "factor": 10000},
                decimals=2,
            )
        ]
    )
    data = {"firms": {"A": 30, "B": 20, "C": 15}, "pop": {"A": 12000, "B": 11000, "C": 10000}}
    plain = rows_by(gaps(values(data), rules))[("C", "firms")]
    assert plain["target_value"] == pytest.approx(18.18) and plain["target_basis"] == 18.18
    c = rows_by(gaps(values(data), rules, whole=["firms"]))[("C", "firms")]
    assert c["kind"] == "next"
    assert c["target_value"] == 19  # 18.18 firms is not a count
    assert c["target_basis"] == 19.0  # the basis 19 firms give, which passes B
    assert c["new_rank"] == 2


def test_whole_units_round_down_when_lower_is_better():
    # accidents per 1,000 workers, lower is better: A 1.50, B 2.08, C 2.57
    rules = rules_dict(
        [
            indicator(
                "acc",
                "rank_points",
                {"step": 0.1},
                basis={"type": "ratio", "denominator": "workers", "factor": 1000},
                direction="lower",
                decimals=2,
            )
        ]
    )
    data = {"acc": {"A": 3, "B": 5, "C": 9}, "workers": {"A": 2000, "B": 2400, "C": 3500}}
    c = rows_by(gaps(values(data), rules, whole=["acc"]))[("C", "acc")]
    assert c["target_value"] == 7  # 2.08 x 3.5 = 7.28 accidents: at most 7
    assert c["target_basis"] == 2.0 and c["new_rank"] == 2


def test_a_whole_value_is_never_the_current_value():
    from types import SimpleNamespace

    from indicators.scoring.gaps import _values_for

    ind = parse_rules(rules_dict([indicator("n", "rank_points", {"step": 0.1})])).indicators[0]
    g = SimpleNamespace(value=np.array([[[5.0]]]), prior=np.array([[[np.nan]]]), codes=["n"])
    # float noise just above the current count must not give the current count back
    c = np.array([0])
    assert _values_for(g, ind, 0, c, np.array([5.0 + 1e-12]), whole=True)[0] == 6.0
    assert _values_for(g, ind, 0, c, np.array([5.2]), whole=True)[0] == 6.0
    assert _values_for(g, ind, 0, c, np.array([5.2]), whole=False)[0] == 5.2


# -------------------------------------------------------------------------------- thresholds


def threshold_rules(threshold=8, decimals=1):
    return rules_dict(
        [
            indicator(
                "gdp",
                "threshold_rank",
                {"threshold": threshold, "threshold_points": 40, "step": 0.1},
                basis={"type": "growth"},
                decimals=decimals,
            )
        ]
    )


def test_below_a_threshold_that_the_next_county_has_not_reached_the_target_is_the_threshold():
    # growth: A 10.0 (reached 8), B 6.0, C 5.0, D 4.0
    data = {"gdp": {"A": (110, 100), "B": (106, 100), "C": (105, 100), "D": (104, 100)}}
    out = rows_by(gaps(values(data), threshold_rules()))
    b = out[("B", "gdp")]  # the next better county, A, has reached it: tie A
    assert b["kind"] == "next" and b["target_basis"] == 10.0 and b["new_rank"] == 1
    c = out[("C", "gdp")]  # tying B (6.0, below 8) would bring nothing
    assert c["kind"] == "threshold" and c["target_basis"] == 8.0
    assert c["target_value"] == pytest.approx(108.0)
    assert c["new_rank"] == 2  # passes B
    assert c["points"] == pytest.approx(40 + 60 * 0.9)  # from 0
    assert out[("D", "gdp")]["kind"] == "threshold"


def test_a_leader_below_the_threshold_has_a_threshold_gap():
    data = {"gdp": {"A": (107, 100), "B": (106, 100)}}  # nobody reaches 8 %
    out = rows_by(gaps(values(data), threshold_rules()))
    a = out[("A", "gdp")]
    assert a["kind"] == "threshold" and a["rank"] == 1 and a["new_rank"] == 1
    assert a["points"] == pytest.approx(100)
    assert out[("B", "gdp")]["kind"] == "threshold"


def test_the_threshold_target_is_published_on_the_side_that_reaches_it():
    data = {"gdp": {"A": (107, 100), "B": (106, 100)}}
    a = rows_by(gaps(values(data), threshold_rules(threshold=7.94)))[("A", "gdp")]
    assert a["target_basis"] == 8.0  # 7.9 would not reach 7.94
    assert a["new_rank"] == 1 and a["points"] == pytest.approx(100)


def test_threshold_gaps_respect_whole_units():
    # new firms per 10,000 residents must reach 2.0: A 1.30 and B 0.87 are both below
    rules = rules_dict(
        [
            indicator(
                "firms",
                "threshold_rank",
                {"threshold": 2, "threshold_points": 40, "step": 0.1},
                basis={"type": "ratio", "denominator": "pop", "factor": 10000},
                decimals=2,
            )
        ]
    )
    data = {"firms": {"A": 3, "B": 2}, "pop": {"A": 23000, "B": 23000}}
    a = rows_by(gaps(values(data), rules, whole=["firms"]))[("A", "firms")]
    assert a["kind"] == "threshold"
    assert a["target_value"] == 5  # 2.0 x 2.3 = 4.6 firms: 5
    assert a["target_basis"] == 2.17 and a["points"] == pytest.approx(100)
