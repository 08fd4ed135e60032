"""Engine behaviour, hand-computed: aggregation, rounding, ties, missing and invalid values,
unranked counties, peer groups, quarterly indicators, incomplete counties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scoring_helpers import by_county, indicator, rules_dict, values

from indicators.scoring import score

GOAL = {"lower": 0, "upper": 10}  # goalposts 0..10: s = value / 10, easy to read


def counties_frame(rows):
    return pd.DataFrame(rows, columns=["county", "name", "kind", "ranked"])


# ------------------------------------------------------------------------------- aggregation


def test_sum_aggregation_adds_indicator_points_into_subtotals_and_total():
    rules = rules_dict(
        [
            indicator("a", "goalposts", GOAL, category="growth", weight=30),
            indicator("b", "goalposts", GOAL, category="growth", weight=20),
            indicator("c", "goalposts", GOAL, category="green", weight=50),
        ],
        categories=[
            {"code": "growth", "name": "g", "weight": 50, "aggregation": "sum", "decimals": None},
            {"code": "green", "name": "e", "weight": 50, "aggregation": "sum", "decimals": None},
        ],
    )
    result = score(
        values({"a": {"A": 8, "B": 5}, "b": {"A": 5, "B": 10}, "c": {"A": 2, "B": 4}}), rules
    )
    assert by_county(result.indicators, "score", indicator="a") == pytest.approx({"A": 24, "B": 15})
    subtotals = by_county(result.categories, "subtotal", category="growth")
    assert subtotals == pytest.approx({"A": 24 + 10, "B": 15 + 20})
    assert by_county(result.counties, "total") == pytest.approx({"A": 34 + 10, "B": 35 + 20})
    assert by_county(result.counties, "rank") == {"A": 2, "B": 1}


def test_geometric_aggregation_in_a_category_and_in_the_total():
    rules = rules_dict(
        [
            indicator("a", "goalposts", GOAL, category="g", weight=6),
            indicator("b", "goalposts", GOAL, category="g", weight=4),
            indicator("c", "goalposts", GOAL, category="h", weight=10),
        ],
        categories=[
            {"code": "g", "name": "g", "weight": 10, "aggregation": "geometric", "decimals": None},
            {"code": "h", "name": "h", "weight": 10, "aggregation": "sum", "decimals": None},
        ],
        total={"weight": 20, "points": 1, "aggregation": "geometric"},
    )
    result = score(
        values({"a": {"A": 8, "B": 0}, "b": {"A": 5, "B": 9}, "c": {"A": 9, "B": 9}}), rules
    )
    sub = by_county(result.categories, "subtotal", category="g")
    assert sub["A"] == pytest.approx(10 * 0.8**0.6 * 0.5**0.4)
    assert sub["B"] == 0  # a zero makes a geometric mean zero
    total = by_county(result.counties, "total")
    assert total["A"] == pytest.approx(math.sqrt(0.8**0.6 * 0.5**0.4 * 0.9))
    assert total["B"] == 0


def test_total_points_rescale_the_total():
    rules = rules_dict(
        [
            indicator("a", "goalposts", GOAL, weight=40),
            indicator("b", "goalposts", GOAL, weight=60),
        ],
        total={"points": 1000},
    )
    result = score(values({"a": {"A": 5}, "b": {"A": 10}}), rules)
    assert by_county(result.counties, "total") == pytest.approx({"A": 1000 * (20 + 60) / 100})


def test_rounding_half_up_at_each_level_and_subtotals_add_the_rounded_points():
    third = {"lower": 0, "upper": 3}  # value 1 -> s = 1/3
    rules = rules_dict(
        [
            indicator("a", "goalposts", third, weight=10),
            indicator("b", "goalposts", third, weight=10),
            indicator("c", "goalposts", {"lower": 0, "upper": 8}, weight=80),
        ],
        categories=[
            {"code": "main", "name": "m", "weight": 100, "aggregation": "sum", "decimals": 1}
        ],
        indicator_decimals=2,
        total={"decimals": 0},
    )
    # c: value 0.2675 on 0..8 -> 80 * 0.0334375 = 2.675, a half: rounds up
    result = score(values({"a": {"A": 1}, "b": {"A": 1}, "c": {"A": 0.2675}}), rules)
    rows = dict(zip(result.indicators["indicator"], result.indicators["score"], strict=True))
    assert rows == {"a": 3.33, "b": 3.33, "c": 2.68}  # 3.3333 -> 3.33; 2.675 -> 2.68
    assert result.categories["subtotal"].tolist() == [9.3]  # 3.33 + 3.33 + 2.68 = 9.34 -> 9.3
    assert result.counties["total"].tolist() == [9.0]


def test_ties_are_judged_at_published_precision_not_on_binary_noise():
    # each is 8% growth; in binary 140.4/130 and 64.8/60 give 8.000000000000007 and
    # 7.999999999999985
    data = {"A": (140.4, 130), "B": (70.2, 65), "C": (64.8, 60), "D": (110, 100), "E": (101, 100)}
    growth = {"type": "growth"}
    rules = rules_dict([indicator("g", "rank_points", {"step": 0.1}, basis=growth, decimals=1)])
    result = score(values({"g": data}), rules)
    assert by_county(result.indicators, "basis") == {
        "A": 8.0,
        "B": 8.0,
        "C": 8.0,
        "D": 10.0,
        "E": 1.0,
    }
    assert by_county(result.indicators, "rank") == {"A": 2, "B": 2, "C": 2, "D": 1, "E": 5}
    pts = by_county(result.indicators, "score")
    assert pts["A"] == pts["B"] == pts["C"] == pytest.approx(90)
    # the same data with no rounding of the basis splits the tie on noise
    unrounded = rules_dict([indicator("g", "rank_points", {"step": 0.1}, basis=growth)])
    ranks = by_county(score(values({"g": data}), unrounded).indicators, "rank")
    assert ranks["C"] == 4


def test_equal_totals_share_a_rank_and_the_next_rank_is_skipped():
    # totals 90, 70.4, 70.0, 50: at 0 decimals B and C tie
    rules_rounded = rules_dict([indicator("a", "goalposts", GOAL)], total={"decimals": 0})
    result = score(values({"a": {"A": 9, "B": 7.04, "C": 7.0, "D": 5}}), rules_rounded)
    assert by_county(result.counties, "rank") == {"A": 1, "B": 2, "C": 2, "D": 4}
    unrounded = rules_dict(
        [indicator("a", "goalposts", GOAL)], total={"decimals": 0}, rank_on="unrounded"
    )
    result = score(values({"a": {"A": 9, "B": 7.04, "C": 7.0, "D": 5}}), unrounded)
    assert by_county(result.counties, "rank") == {"A": 1, "B": 2, "C": 3, "D": 4}
    assert by_county(result.counties, "total") == {"A": 90, "B": 70, "C": 70, "D": 50}


def test_ratio_basis_divides_by_another_indicator_of_the_same_county_and_period():
    ratio = {"type": "ratio", "denominator": "gdp", "factor": 100}
    rules = rules_dict(
        [indicator("rd", "goalposts", {"lower": 0, "upper": 4}, basis=ratio, decimals=2)]
    )
    # gdp is not scored: it is only the denominator; D has no denominator -> invalid base
    data = {"rd": {"A": 3.0, "B": 1.2, "C": 2.0, "D": 1.0}, "gdp": {"A": 100, "B": 60, "C": 0}}
    result = score(values(data), rules)
    assert by_county(result.indicators, "basis") == pytest.approx(
        {"A": 3.0, "B": 2.0, "C": np.nan, "D": np.nan}, nan_ok=True
    )
    flags = by_county(result.indicators, "flags")
    assert flags["C"] == flags["D"] == "invalid_base"


# ---------------------------------------------------------------------- missing and invalid values


def test_missing_value_scores_zero_and_does_not_shift_the_others():
    rules = rules_dict([indicator("e", "efficacy", {"base": 0.6})], missing_share_max=1)
    data = values({"e": {"A": 10, "B": 5, "C": None}})  # C reported nothing (NaN value)
    data = pd.concat([data, values({"e": {"D": 0}})]).iloc[[0, 1, 2]]  # D: row absent
    counties = counties_frame([(c, c, "county", True) for c in ("A", "B", "C", "D")])
    result = score(data, rules, counties)
    assert by_county(result.indicators, "score") == pytest.approx(
        {"A": 100, "B": 60, "C": 0, "D": 0}
    )
    assert by_county(result.indicators, "flags") == {
        "A": "",
        "B": "",
        "C": "missing",
        "D": "missing",
    }
    ranks = by_county(result.indicators, "rank")
    assert ranks["A"] == 1 and ranks["B"] == 2 and np.isnan(ranks["C"]) and np.isnan(ranks["D"])


def test_invalid_base_takes_the_worst_place_and_the_worst_score():
    growth = {"type": "growth"}
    rules = rules_dict([indicator("g", "efficacy", {}, basis=growth, decimals=1)])
    data = {"A": (110, 100), "B": (105, 100), "C": (50, 0), "D": (80, None), "E": (90, -5)}
    result = score(values({"g": data}), rules)
    flags = by_county(result.indicators, "flags")
    assert [flags[c] for c in "CDE"] == ["invalid_base"] * 3
    assert by_county(result.indicators, "rank") == {"A": 1, "B": 2, "C": 2, "D": 2, "E": 2}
    # the worst valid county (B) scores the base 0.6; the invalid ones score the same
    assert by_county(result.indicators, "score") == pytest.approx(
        {"A": 100, "B": 60, "C": 60, "D": 60, "E": 60}
    )
    assert np.isnan(by_county(result.indicators, "basis")["C"])


def test_incomplete_county_gets_no_total_and_no_rank():
    rules = rules_dict(
        [indicator(c, "goalposts", GOAL, weight=20) for c in "abcde"], missing_share_max=0.2
    )
    data = {c: {"A": 5, "B": 5, "C": 5} for c in "abcde"}
    data["a"].pop("B")  # B misses 1 of 5 = 0.2: not more than 0.2, complete
    data["a"].pop("C")
    data["b"]["C"] = None  # C misses 2 of 5: incomplete
    result = score(values(data), rules)
    totals = by_county(result.counties, "total")
    assert totals["A"] == 50 and totals["B"] == 40 and np.isnan(totals["C"])
    assert by_county(result.counties, "flags")["C"] == "incomplete"
    assert by_county(result.counties, "rank") == pytest.approx(
        {"A": 1, "B": 2, "C": np.nan}, nan_ok=True
    )
    assert np.isnan(by_county(result.counties, "tier")["C"])


# ------------------------------------------------------------------- unranked counties and groups


def test_unranked_zone_is_scored_but_shifts_no_one_and_gets_no_rank():
    rules = rules_dict(
        [
            indicator("r", "rank_points", {"step": 0.1}, weight=50),
            indicator("e", "efficacy", {}, weight=50),
        ]
    )
    data = {"r": {"A": 10, "B": 5, "Z": 99}, "e": {"A": 10, "B": 5, "Z": -10}}
    counties = counties_frame(
        [
            ("A", "甲县", "county", True),
            ("B", "乙县", "county", True),
            ("Z", "高新区", "zone", False),
        ]
    )
    result = score(values(data), rules, counties)
    pts_r = by_county(result.indicators, "score", indicator="r")
    pts_e = by_county(result.indicators, "score", indicator="e")
    # A and B score as if Z did not exist; Z scores where it would stand: first on r,
    # below the worst on e (efficacy clamps at 0: 0.6 + 0.4 * (-10 - 5) / (10 - 5) < 0)
    assert pts_r == pytest.approx({"A": 50, "B": 45, "Z": 50})
    assert pts_e == pytest.approx({"A": 50, "B": 30, "Z": 0})
    assert np.isnan(by_county(result.indicators, "rank", indicator="r")["Z"])
    assert by_county(result.indicators, "flags", indicator="r")["Z"] == "not_ranked"
    c = result.counties.set_index("county")
    assert c.loc["Z", "total"] == 50 and np.isnan(c.loc["Z", "rank"])
    assert c.loc["Z", "flags"] == "not_ranked" and pd.isna(c.loc["Z", "tier"])
    assert c.loc["A", "rank"] == 1 and c.loc["B", "rank"] == 2


def test_peer_groups_by_kind_rank_districts_and_counties_separately():
    rules = rules_dict(
        [indicator("r", "rank_points", {"step": 0.1})],
        peer_groups={
            "by": "kind",
            "groups": {"urban": ["district"], "rural": ["county", "county_city"]},
        },
    )
    counties = counties_frame(
        [
            ("D1", "d1", "district", True),
            ("D2", "d2", "district", True),
            ("C1", "c1", "county", True),
            ("C2", "c2", "county_city", True),
            ("C3", "c3", "county", True),
            ("Z", "z", "zone", False),  # in no group: compared with every ranked county
        ]
    )
    data = {"r": {"D1": 9, "D2": 8, "C1": 3, "C2": 5, "C3": 4, "Z": 6}}
    result = score(values(data), rules, counties)
    assert by_county(result.indicators, "rank") == pytest.approx(
        {"D1": 1, "D2": 2, "C1": 3, "C2": 1, "C3": 2, "Z": np.nan}, nan_ok=True
    )
    assert by_county(result.indicators, "score") == pytest.approx(
        {"D1": 100, "D2": 90, "C1": 80, "C2": 100, "C3": 90, "Z": 80}  # Z would be 3rd of all
    )
    assert by_county(result.counties, "group") == {
        "D1": "urban", "D2": "urban", "C1": "rural", "C2": "rural", "C3": "rural", "Z": np.nan
    }  # fmt: skip
    assert by_county(result.counties, "rank") == pytest.approx(
        {"D1": 1, "D2": 2, "C1": 3, "C2": 1, "C3": 2, "Z": np.nan}, nan_ok=True
    )


def test_peer_groups_by_county_code():
    rules = rules_dict(
        [indicator("e", "efficacy", {})],
        peer_groups={"groups": {"A": ["a1", "a2"], "B": ["b1", "b2"]}},
    )
    result = score(values({"e": {"a1": 10, "a2": 0, "b1": 100, "b2": 50}}), rules)
    assert by_county(result.indicators, "score") == pytest.approx(
        {"a1": 100, "a2": 60, "b1": 100, "b2": 60}
    )


def test_peer_groups_by_kind_need_the_kind_column():
    from indicators.scoring import ScoringInputError

    rules = rules_dict(
        [indicator("e", "efficacy", {})], peer_groups={"by": "kind", "groups": {"A": ["county"]}}
    )
    counties = pd.DataFrame({"county": ["a1", "a2"], "name": ["a1", "a2"]})
    with pytest.raises(ScoringInputError, match="counties column 'kind': is needed"):
        score(values({"e": {"a1": 10, "a2": 0}}), rules, counties)


def test_a_ranked_county_outside_every_peer_group_is_an_error():
    from indicators.scoring import ScoringInputError

    rules = rules_dict([indicator("e", "efficacy", {})], peer_groups={"groups": {"A": ["a1"]}})
    with pytest.raises(ScoringInputError, match="'a2' is ranked but no peer group"):
        score(values({"e": {"a1": 10, "a2": 0}}), rules)


# ------------------------------------------------------------------------------------ frequency


def test_quarterly_indicator_is_left_out_in_other_months_and_weights_renormalise():
    rules = rules_dict(
        [
            indicator("m", "goalposts", GOAL, category="x", weight=30),
            indicator("q", "goalposts", GOAL, category="x", weight=10, frequency="quarterly"),
            indicator("q2", "goalposts", GOAL, category="y", weight=60, frequency="quarterly"),
        ],
        categories=[
            {"code": "x", "name": "x", "weight": 40, "aggregation": "sum", "decimals": None},
            {"code": "y", "name": "y", "weight": 60, "aggregation": "sum", "decimals": None},
        ],
    )
    data = pd.concat(
        [
            values({"m": {"A": 5}, "q": {"A": 10}, "q2": {"A": 10}}, period="2025-05"),
            values({"m": {"A": 5}, "q": {"A": 10}, "q2": {"A": 10}}, period="2025-06"),
        ]
    )
    result = score(data, rules)
    may = result.indicators[result.indicators["period"] == "2025-05"]
    assert dict(zip(may["indicator"], may["flags"], strict=True)) == {
        "m": "", "q": "not_scheduled", "q2": "not_scheduled"
    }  # fmt: skip
    assert may["score"].isna().tolist() == [False, True, True]
    cats = result.categories.set_index(["period", "category"])["subtotal"]
    # May: x has only m scheduled: 40 * 0.5 = 20; y has none and drops out of the total
    assert cats[("2025-05", "x")] == pytest.approx(20) and np.isnan(cats[("2025-05", "y")])
    totals = result.counties.set_index("period")["total"]
    assert totals["2025-05"] == pytest.approx(100 * 20 / 40)
    # June: 15 + 10 = 25 in x, 60 in y
    assert cats[("2025-06", "x")] == pytest.approx(25) and totals["2025-06"] == pytest.approx(85)
