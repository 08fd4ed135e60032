"""One hand-computed example (or a few) per scoring method, both directions."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scoring_helpers import by_county, indicator, rules_dict, values

from indicators.scoring import parse_rules, score
from indicators.scoring.ranking import rank_against, rank_wide


def run(method, params, data, *, weight=100, direction="higher", decimals=None, **top):
    rules = parse_rules(
        rules_dict(
            [indicator("x", method, params, weight=weight, direction=direction, decimals=decimals)],
            **top,
        )
    )
    result = score(values({"x": data}), rules)
    return result, by_county(result.indicators, "score")


def test_rank_points_steps_down_from_full_marks_with_competition_ranks_and_a_floor():
    result, pts = run(
        "rank_points", {"step": 0.1, "floor": 0.75}, {"A": 10, "B": 8, "C": 8, "D": 3, "E": 1}
    )
    assert by_county(result.indicators, "rank") == {"A": 1, "B": 2, "C": 2, "D": 4, "E": 5}
    # 1, 0.9, 0.9, 1 - 3 * 0.1 = 0.7 -> floor 0.75, 0.6 -> 0.75
    assert pts == pytest.approx({"A": 100, "B": 90, "C": 90, "D": 75, "E": 75})


def test_rank_points_lower_is_better_ranks_the_smallest_first():
    result, pts = run(
        "rank_points", {"step": 0.1}, {"A": 1.2, "B": 0.8, "C": 1.0}, direction="lower"
    )
    assert by_county(result.indicators, "rank") == {"A": 3, "B": 1, "C": 2}
    assert pts == pytest.approx({"A": 80, "B": 100, "C": 90})


def test_efficacy_puts_the_worst_at_base_and_the_best_at_full_marks():
    _, pts = run("efficacy", {}, {"A": 10, "B": 5, "C": 0})  # base 0.6 by default
    assert pts == pytest.approx({"A": 100, "B": 80, "C": 60})


def test_efficacy_lower_is_better_is_reversed():
    _, pts = run("efficacy", {"base": 0.5}, {"A": 10, "B": 5, "C": 0}, direction="lower")
    assert pts == pytest.approx({"A": 50, "B": 75, "C": 100})


def test_efficacy_with_fixed_worst_and_best_scores_outside_them_and_clamps():
    _, pts = run("efficacy", {"worst": 2, "best": 12}, {"A": 10, "B": 5, "C": 0, "D": 20})
    # A 0.6 + 0.4 * 8/10 = 0.92; B 0.6 + 0.4 * 3/10 = 0.72; C 0.6 + 0.4 * -2/10 = 0.52; D > best
    assert pts == pytest.approx({"A": 92, "B": 72, "C": 52, "D": 100})
    _, pts = run("efficacy", {"worst": 2, "best": 3}, {"A": 0, "B": 3})
    assert pts == pytest.approx({"A": 0, "B": 100})  # 0.6 + 0.4 * (-2) < 0 -> 0


def test_efficacy_all_equal_gives_full_marks_not_a_division_by_zero():
    _, pts = run("efficacy", {}, {"A": 7, "B": 7, "C": 7})
    assert pts == pytest.approx({"A": 100, "B": 100, "C": 100})


def test_goalposts_linear_and_truncated():
    _, pts = run("goalposts", {"lower": 20, "upper": 85}, {"A": 52.5, "B": 90, "C": 10})
    assert pts == pytest.approx({"A": 50, "B": 100, "C": 0})


def test_goalposts_on_a_log_scale():
    _, pts = run(
        "goalposts", {"lower": 100, "upper": 10000, "log": True}, {"A": 1000, "B": 100, "C": -5}
    )
    assert pts == pytest.approx({"A": 50, "B": 0, "C": 0})


def test_goalposts_lower_is_better():
    _, pts = run("goalposts", {"lower": 0, "upper": 10}, {"A": 2, "B": 12}, direction="lower")
    assert pts == pytest.approx({"A": 80, "B": 0})


def test_target_completion_ratio_capped():
    _, pts = run("target", {"target": 8, "cap": 1.2}, {"A": 8, "B": 12, "C": 4, "D": -1})
    # 1/1.2, min(1.5, 1.2)/1.2, 0.5/1.2, negative -> 0
    assert pts == pytest.approx({"A": 100 / 1.2, "B": 100, "C": 50 / 1.2, "D": 0})


def test_target_lower_is_better_uses_target_over_value():
    _, pts = run(
        "target", {"target": 0.5}, {"A": 0.4, "B": 0.5, "C": 1.0, "D": 0}, direction="lower"
    )
    assert pts == pytest.approx({"A": 100, "B": 100 / 1.2, "C": 50 / 1.2, "D": 100})


def test_stepped_points_per_full_step_around_the_target_clamped():
    params = {"target": 8, "base": 6, "per_step": 1, "step": 0.5, "step_unit": "points",
              "max_up": 4, "max_down": 3}  # fmt: skip
    _, pts = run("stepped", params, {"A": 8, "B": 9.2, "C": 12, "D": 7.2, "E": 2}, weight=10)
    # A at target 6; B +2.4 steps -> +2; C +8 -> capped +4; D -1.6 -> -1; E -12 -> capped -3
    assert pts == pytest.approx({"A": 6, "B": 8, "C": 10, "D": 5, "E": 3})


def test_stepped_full_steps_are_judged_on_decimals_not_on_float_noise():
    params = {"target": 8, "base": 5, "per_step": 1, "step": 0.1, "step_unit": "points"}
    # 8.7 - 8 = 0.6999999999999993 in binary: still 7 full steps of 0.1
    _, pts = run("stepped", params, {"A": 8.7, "B": 8.3, "C": 7.3}, weight=20)
    assert pts == pytest.approx({"A": 12, "B": 8, "C": 0})  # C: -7 steps -> 5 - 7 < 0 -> max_down 5


def test_stepped_step_in_percent_of_the_target():
    params = {"target": 8, "base": 6, "per_step": 1, "step": 10, "step_unit": "percent"}
    # a step is 10% of 8 = 0.8
    _, pts = run("stepped", params, {"A": 9.6, "B": 7.9, "C": 6.4}, weight=10)
    assert pts == pytest.approx({"A": 8, "B": 6, "C": 4})


def test_stepped_lower_is_better_gains_below_the_target():
    params = {"target": 5, "base": 6, "per_step": 1, "step": 1, "step_unit": "points"}
    _, pts = run("stepped", params, {"A": 3, "B": 7}, weight=10, direction="lower")
    assert pts == pytest.approx({"A": 8, "B": 4})


def test_threshold_rank_gives_threshold_points_then_rank_points_among_those_above():
    params = {"threshold": 8, "threshold_points": 4, "step": 0.1}
    _, pts = run("threshold_rank", params, {"A": 10, "B": 9, "C": 8, "D": 7}, weight=10)
    # A 4 + 6 * 1; B 4 + 6 * 0.9; C reaches 8.0 exactly: 4 + 6 * 0.8; D below: 0
    assert pts == pytest.approx({"A": 10, "B": 9.4, "C": 8.8, "D": 0})


def test_threshold_rank_lower_is_better():
    params = {"threshold": 0.5, "threshold_points": 6, "step": 0.5}
    _, pts = run(
        "threshold_rank", params, {"A": 0.3, "B": 0.5, "C": 0.7}, weight=10, direction="lower"
    )
    assert pts == pytest.approx({"A": 10, "B": 8, "C": 0})


def test_zscore_population_standard_deviation_and_clip():
    data = {"A": 2, "B": 4, "C": 4, "D": 4, "E": 5, "F": 5, "G": 7, "H": 9}  # mean 5, std 2
    _, pts = run("zscore", {"clip": 3}, data)
    assert pts["A"] == pytest.approx(100 * (-1.5 + 3) / 6)
    assert pts["E"] == pytest.approx(50)
    assert pts["H"] == pytest.approx(100 * (2 + 3) / 6)
    _, pts = run("zscore", {"clip": 1}, data)
    assert pts["H"] == pytest.approx(100) and pts["A"] == pytest.approx(0)


def test_zscore_lower_is_better_and_all_equal():
    _, pts = run("zscore", {}, {"A": 1, "B": 3}, direction="lower")  # z = -1 and 1, reversed
    assert pts == pytest.approx({"A": 100 * 4 / 6, "B": 100 * 2 / 6})
    _, pts = run("zscore", {}, {"A": 3, "B": 3})
    assert pts == pytest.approx({"A": 100, "B": 100})


@pytest.mark.parametrize(
    "method, params",
    [
        ("rank_points", {"step": 0.1}),
        ("efficacy", {}),
        ("goalposts", {"lower": 0, "upper": 10}),
        ("target", {"target": 5}),
        ("stepped", {"target": 5, "base": 50, "per_step": 5, "step": 1, "step_unit": "points"}),
        ("threshold_rank", {"threshold": 5, "threshold_points": 40, "step": 0.1}),
        ("zscore", {}),
    ],
)
def test_every_method_gives_scores_within_the_weight(method, params):
    result, pts = run(method, params, {"A": 1, "B": 4, "C": 6, "D": 9, "E": 15})
    assert all(0 <= p <= 100 for p in pts.values())
    norm = by_county(result.indicators, "normalised")
    assert all(0 <= s <= 1 for s in norm.values())


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 3),
    st.integers(1, 40),
    st.integers(0, 2**32 - 1),
)
def test_wide_set_ranks_equal_the_sorted_ranks(rows, width, seed):
    """rank_wide() (sort and binary search, for wide comparison sets) gives rank_against()'s
    ranks and worst reference place, with ties, missing values and non-reference entries."""
    rng = np.random.default_rng(seed)
    score = rng.integers(0, 6, size=(rows, 2, width)).astype(float)
    score[rng.random(score.shape) < 0.2] = np.nan
    valid = ~np.isnan(score)
    ref = valid & (rng.random(score.shape) < 0.8)
    wanted = rng.random(width) < 0.7
    expected = rank_against(score, valid, ref)
    rank, worst = rank_wide(score, valid, ref, wanted)
    np.testing.assert_array_equal(rank[..., wanted], expected[..., wanted])
    assert np.isnan(rank[..., ~wanted]).all()
    worst_ref = np.max(expected, axis=-1, keepdims=True, where=ref, initial=-np.inf)
    np.testing.assert_array_equal(worst, np.where(np.isfinite(worst_ref), worst_ref, np.nan))
