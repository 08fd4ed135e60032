"""Explanations: the reference statistics, each method's formula with the numbers put in, and
points that equal the engine's exactly, computed from a row's basis, rank, flags and references."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from scoring_helpers import indicator, rules_dict, values
from scoring_strategies import scenario
from test_scoring_gaps import gap_case
from test_scoring_hdi import to_long

from indicators.scoring import (
    explain_improvement,
    explain_points,
    explain_result,
    explain_total,
    parse_rules,
    read_counties,
    read_rules,
    read_values,
    score,
)

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "docs" / "examples"
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def worked_example():
    return score(
        read_values(EXAMPLES / "worked_example_values.csv"),
        read_rules(EXAMPLES / "worked_example.json"),
        read_counties(EXAMPLES / "worked_example_counties.csv"),
    )


def assert_explanations_give_the_engines_points(result):
    """For every row: explain_points on the row's basis, scored_rank and flags and its group's
    reference row arrives at exactly the row's score (NaN when not scheduled)."""
    explained = explain_result(result)
    got = explained["points"].to_numpy()
    want = result.indicators["score"].to_numpy()
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    assert same.all(), explained[~same].head().to_string()
    assert (explained["formula"] == "").to_numpy().tolist() == np.isnan(want).tolist()


def one(method, params, *, weight=10, direction="higher", decimals=1):
    rules = rules_dict(
        [indicator("x", method, params, weight=weight, direction=direction, decimals=decimals)]
    )
    return parse_rules(rules).indicators[0]


REF = {"count": 5, "best": 12.0, "worst": 2.0, "mean": 7.3, "std": 3.1}


# ------------------------------------------------------------------------ reference statistics


def test_references_are_the_statistics_of_the_reference_counties_in_the_basis_units():
    refs = worked_example().references.set_index("indicator")
    assert refs.loc["gdp", ["count", "best", "worst", "mean"]].tolist() == [4, 8.0, 3.0, 6.25]
    # revenue: D's invalid base is not a reference value
    assert refs.loc["revenue", ["count", "best", "worst", "mean"]].tolist() == [3, 10, 0, 5]
    assert refs.loc["revenue", "std"] == pytest.approx(np.std([10.0, 0.0, 5.0]))
    # energy, lower is better: the best is the smallest; D is missing
    assert refs.loc["energy", ["count", "best", "worst"]].tolist() == [3, 0.45, 0.6]
    assert set(refs["group"]) == {"all"}


def test_references_per_peer_group_and_for_unranked_counties_in_no_group():
    rules = parse_rules(
        rules_dict(
            [indicator("a", "zscore", {}, frequency="monthly")],
            peer_groups={"by": "kind", "groups": {"urban": ["district"], "rural": ["county"]}},
        )
    )
    counties = pd.DataFrame(
        {
            "county": list("ABCDZ"),
            "name": list("ABCDZ"),
            "kind": ["district", "district", "county", "county", "zone"],
            "ranked": [True, True, True, True, False],
        }
    )
    result = score(values({"a": {"A": 1, "B": 3, "C": 10, "D": 20, "Z": 100}}), rules, counties)
    refs = result.references
    by_group = {
        (None if pd.isna(g) else g): row
        for g, row in zip(refs["group"], refs.to_dict("records"), strict=True)
    }
    assert by_group["urban"]["count"] == 2 and by_group["urban"]["mean"] == 2
    assert by_group["rural"]["count"] == 2 and by_group["rural"]["best"] == 20
    # the zone belongs to no group: it is compared with every ranked county, and is not one
    assert by_group[None]["count"] == 4 and by_group[None]["best"] == 20
    assert by_group[None]["mean"] == pytest.approx(8.5)
    assert_explanations_give_the_engines_points(result)


def test_references_of_an_indicator_that_is_not_scheduled_are_empty():
    rules = parse_rules(
        rules_dict(
            [
                indicator("m", "goalposts", {"lower": 0, "upper": 10}, weight=50),
                indicator("q", "efficacy", {}, weight=50, frequency="quarterly"),
            ]
        )
    )
    result = score(values({"m": {"A": 1, "B": 2}, "q": {"A": 1, "B": 2}}, "2025-05"), rules)
    q = result.references.set_index("indicator").loc["q"]
    assert q["count"] == 0 and np.isnan(q[["best", "worst", "mean", "std"]].astype(float)).all()
    assert_explanations_give_the_engines_points(result)


# ------------------------------------------------------------------------- formulas, by method


@pytest.mark.parametrize(
    "rule, row, formula, points",
    [
        # the step share 0.0625 of 8 points is 0.5 points per place
        (one("rank_points", {"step": 0.0625}, weight=8), (5, 2), "8 − 0.5 × 1 = 7.50", 7.5),
        (
            one("rank_points", {"step": 0.2, "floor": 0.3}, weight=8),
            (5, 6),
            "max(8 − 1.6 × 5, 2.4) = 2.40",
            2.4,
        ),
        (
            one("efficacy", {}, direction="lower"),
            (5, 3),
            "10 × (0.6 + 0.4 × (2.0 − 5.0) ÷ (2.0 − 12.0)) = 7.20",
            7.2,
        ),
        (
            one("efficacy", {"worst": 2, "best": 3}),
            (0, 5),
            "10 × max(0, 0.6 + 0.4 × (0.0 − 2.0) ÷ (3.0 − 2.0)) = 0.00",
            0,
        ),
        (
            one("goalposts", {"lower": 100, "upper": 75000, "log": True}, decimals=None),
            (1335.2, 1),
            "10 × (ln(1335.2) − ln(100)) ÷ (ln(75000) − ln(100)) = 3.91",
            3.91,
        ),
        (
            one("goalposts", {"lower": 20, "upper": 70}, direction="lower"),
            (75, 1),
            "10 × max(0, (70 − 75.0) ÷ (70 − 20)) = 0.00",
            0,
        ),
        (
            one("target", {"target": 0.5, "cap": 1.2}, direction="lower", decimals=2),
            (0.45, 1),
            "10 × min(0.5 ÷ 0.45, 1.2) ÷ 1.2 = 9.26",
            9.26,
        ),
        (
            one(
                "stepped",
                {"target": 8, "base": 6, "per_step": 0.5, "step": 10, "step_unit": "percent"},
            ),
            (9.9, 1),
            "(9.9 − 8) ÷ 0.8 = 2.375; 6 + 0.5 × 2 = 7.00",
            7,
        ),
        (
            one(
                "stepped",
                {
                    "target": 8,
                    "base": 6,
                    "per_step": 1,
                    "step": 1,
                    "step_unit": "points",
                    "max_down": 3,
                },
            ),
            (3.5, 1),
            "(3.5 − 8) ÷ 1 = −4.5; max(3, 6 − 1 × 4) = 3.00",
            3,
        ),
        (
            one("threshold_rank", {"threshold": 8, "threshold_points": 4, "step": 0.05}),
            (8.5, 3),
            "8.5 ≥ 8; 4 + (6 − 0.3 × 2) = 9.40",
            9.4,
        ),
        (
            one("threshold_rank", {"threshold": 8, "threshold_points": 4, "step": 0.05}),
            (6.5, 3),
            "6.5 < 8; 0 = 0.00",
            0,
        ),
        (
            one("zscore", {"clip": 2}),
            (11.0, 1),
            "(11.0 − 7.3) ÷ 3.1 = 1.1935; 10 × (1.1935 + 2) ÷ 4 = 7.98",
            7.98,
        ),
        (
            one("zscore", {"clip": 2}, direction="lower"),
            (1.0, 1),
            "(7.3 − 1.0) ÷ 3.1 = 2.0323; 10 × min(1, (2.0323 + 2) ÷ 4) = 10.00",
            10,
        ),
    ],
)
def test_each_method_shows_its_formula_with_the_numbers_put_in(rule, row, formula, points):
    e = explain_points(rule, basis=row[0], rank=row[1], flags="", reference=REF, decimals=2)
    assert (e.method, e.case, e.formula, e.points) == (rule.method, "scored", formula, points)
    assert e.inputs["basis"] == row[0] and e.inputs["weight"] == float(rule.weight)


def test_all_equal_or_nothing_to_compare_with_gives_full_marks():
    for method in ("efficacy", "zscore"):
        e = explain_points(one(method, {}), basis=3, rank=1, reference=None)
        assert (e.formula, e.points) == ("10 × 1 = 10.00", 10)


def test_an_invalid_basis_is_explained_with_the_worst_reference_value_and_place():
    result = worked_example()
    d = explain_result(result, county="360181").set_index("indicator")
    assert d.loc["revenue", "case"] == "invalid_base"
    assert d.loc["revenue", "formula"] == "30 × (0.6 + 0.4 × (0.0 − 0.0) ÷ (10.0 − 0.0)) = 18.00"
    rule = result.rules.indicators[0]  # gdp, rank points: the worst place is scored
    e = explain_points(rule, basis=math.nan, rank=4, flags="invalid_base", reference=REF)
    assert (e.case, e.formula, e.inputs["basis"]) == (
        "invalid_base",
        "max(30 − 3 × 3, 15) = 21.00",
        2,
    )
    none = explain_points(rule, basis=math.nan, rank=math.nan, flags="invalid_base")
    assert (none.case, none.formula, none.points) == ("invalid_base", "0.00", 0)


def test_missing_scores_zero_and_not_scheduled_has_no_points():
    rule = one("zscore", {})
    missing = explain_points(rule, basis=math.nan, rank=math.nan, flags="missing,not_ranked")
    assert (missing.case, missing.formula, missing.points) == ("missing", "0.00", 0)
    off = explain_points(rule, basis=3, rank=math.nan, flags=["not_scheduled"])
    assert off.case == "not_scheduled" and off.formula == "" and math.isnan(off.points)


def test_points_are_shown_at_the_rules_indicator_decimals():
    rule = one("rank_points", {"step": 1 / 3}, weight=10)
    assert explain_points(rule, basis=1, rank=2, decimals=2).formula.endswith("= 6.67")
    assert explain_points(rule, basis=1, rank=2, decimals=0).formula.endswith("= 7")
    unrounded = explain_points(rule, basis=1, rank=2, decimals=None)
    assert unrounded.formula.endswith("= 6.6667")
    assert unrounded.points == 10 * (1 - 1 / 3)  # weight x share, as the engine computes it


# ------------------------------------------------------------- the engine's points, every row


def test_explanations_give_the_engines_points_in_the_worked_example():
    assert_explanations_give_the_engines_points(worked_example())


def test_explanations_give_the_engines_points_for_the_hdi():
    rules = parse_rules(json.loads((EXAMPLES / "hdi_2022.json").read_text(encoding="utf-8")))
    published = pd.read_csv(ROOT / "tests" / "data" / "hdi_2022.csv", dtype={"iso3": str})
    assert_explanations_give_the_engines_points(score(to_long(published), rules))


@pytest.mark.parametrize("threshold", [False, True])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_explanations_give_the_engines_points_with_peer_groups_zones_and_ratios(seed, threshold):
    frame, rules, counties, bonuses = gap_case(np.random.default_rng(seed), threshold=threshold)
    frame.loc[frame.index[::7], "value"] = np.nan  # some missing values
    frame.loc[frame.index[3], "prior_value"] = 0.0  # an invalid base
    assert_explanations_give_the_engines_points(score(frame, rules, counties, bonuses=bonuses))


@SETTINGS
@given(scenario())
def test_explanations_give_the_engines_points_for_random_rules(case):
    rules, frame, counties = case
    assert_explanations_give_the_engines_points(score(frame, rules, counties))


# ------------------------------------------------------------------ improvement and the total


def test_improvement_and_total_explanations_use_the_stored_components():
    rules = parse_rules(
        rules_dict(
            [indicator("a", "goalposts", {"lower": 0, "upper": 10})],
            total={"decimals": 2},
            bonus={"bonus_cap": 3, "penalty_cap": 2},
            improvement={"points_per_place": 1, "cap": 2, "penalty_per_place": 0.5},
        )
    )
    bonuses = pd.DataFrame(
        [("A", "2025-06", 2), ("B", "2025-06", -1.5), ("C", "2025-06", 4)],
        columns=["county", "period", "points"],
    )
    data = values({"a": {"A": 5, "B": 4, "C": 3, "D": 8}})
    result = score(data, rules, bonuses=bonuses, base_ranks={"A": 4, "B": 2, "C": 1, "E": 3})
    c = result.counties.set_index("county")
    # first pass D 80, A 52, B 38.5, C 33; among A, B and C (D has no base rank, E is not
    # scored) last year C 1, B 2, A 3 and now A 1, B 2, C 3
    assert c.loc["A", ["base_rank", "first_rank", "improvement"]].tolist() == [3, 1, 2]
    assert c.loc["C", ["base_rank", "first_rank", "improvement"]].tolist() == [1, 3, -1]
    a = explain_improvement(rules, base_rank=3, first_rank=1)
    assert (a.formula, a.points) == ("(3 − 1) × 1 = 2.00", 2)
    capped = explain_improvement(rules, base_rank=4, first_rank=1)
    assert (capped.formula, capped.points) == ("min((4 − 1) × 1, 2) = 2.00", 2)
    lost = explain_improvement(rules, base_rank=1, first_rank=3)
    assert (lost.formula, lost.points) == ("−(3 − 1) × 0.5 = −1.00", -1)
    for county, row in c.iterrows():
        imp = explain_improvement(rules, base_rank=row["base_rank"], first_rank=row["first_rank"])
        assert imp.points == row["improvement"], county
        total = explain_total(
            rules,
            base_total=row["base_total"],
            bonus=row["bonus"],
            penalty=row["penalty"],
            improvement=row["improvement"],
        )
        assert total.points == row["total"], county
    text = explain_total(rules, base_total=30, bonus=3, penalty=0, improvement=-1)
    assert text.formula == "30.00 + 3.00 − 1.00 = 32.00"
    assert c.loc["C", "total"] == 32
