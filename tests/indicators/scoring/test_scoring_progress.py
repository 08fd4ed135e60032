"""Progress against targets and the calendar, and warnings, on cases worked out by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from indicators.scoring.progress import (
    PROGRESS_COLUMNS,
    WarningRules,
    check_schedule,
    linear_schedule,
    progress,
    warnings,
)

INDICATORS = pd.DataFrame(
    {
        "indicator": ["revenue", "invest", "gdp", "firms", "energy"],
        "kind": ["flow", "flow", "flow", "stock", "rate"],
        "direction": ["higher", "higher", "higher", "higher", "lower"],
    }
)
# investment 20/45/70/100 % by quarter, spread evenly over each quarter's months
QUARTERLY = (
    0.2 / 3,
    0.4 / 3,
    0.2,
    0.2 + 0.25 / 3,
    0.2 + 0.5 / 3,
    0.45,
    0.45 + 0.25 / 3,
    0.45 + 0.5 / 3,
    0.7,
    0.7 + 0.1,
    0.7 + 0.2,
    1.0,
)


def one(row: dict, target: dict | None = None) -> pd.Series:
    rows = pd.DataFrame([row])
    columns = ["county", "indicator", "target_kind", "target", "schedule"]
    targets = pd.DataFrame(
        [{"county": row["county"], "indicator": row["indicator"], **target}] if target else [],
        columns=columns,
    )
    frame = progress(rows, targets, INDICATORS)
    assert tuple(frame.columns) == PROGRESS_COLUMNS
    return frame.iloc[0]


def test_a_flow_behind_the_calendar_in_july():
    """DOMAIN.md: after July the calendar stands at 7/12 = 58.3%; 52% done is 6.3 points behind."""
    got = one(
        {"county": "a", "indicator": "revenue", "month": 7, "value": 52.0, "prior_value": 50.0},
        {"target_kind": "value", "target": 100.0, "schedule": None},
    )
    assert got["completion"] == pytest.approx(52.0)
    assert got["time_progress"] == pytest.approx(700 / 12)
    assert got["ahead"] == pytest.approx(52 - 700 / 12)  # −6.33 points
    assert got["shortfall"] == pytest.approx(700 / 12 - 52)  # 6.33 亿元 short of 58.33
    assert got["pace_needed"] == pytest.approx(48 / 5)  # 9.6 a month over Aug-Dec
    assert got["pace_so_far"] == pytest.approx(52 / 7)  # 7.43 a month so far
    assert got["growth"] == pytest.approx(4.0)
    judged = warnings(pd.DataFrame([got]), INDICATORS, {"revenue": 4.0}).iloc[0]
    assert judged["level"] == "red" and judged["far_behind"]  # 6.3 > 5 points behind


def test_a_custom_schedule_sets_what_is_due():
    got = one(
        {"county": "a", "indicator": "invest", "month": 6, "value": 80.0, "prior_value": 70.0},
        {"target_kind": "value", "target": 200.0, "schedule": QUARTERLY},
    )
    assert got["due"] == pytest.approx(0.45)
    assert (got["completion"], got["time_progress"], got["ahead"]) == (40.0, 45.0, -5.0)
    assert got["shortfall"] == pytest.approx(10.0)  # 90 due, 80 done
    assert got["pace_needed"] == pytest.approx(120 / 6)


def test_a_growth_target_compares_growth_with_the_target_growth():
    got = one(
        {
            "county": "a",
            "indicator": "gdp",
            "month": 9,
            "value": 107.0,
            "prior_value": 100.0,
            "prior_annual": 140.0,
        },
        {"target_kind": "growth", "target": 6.5, "schedule": None},
    )
    assert got["growth"] == pytest.approx(7.0)
    assert got["ahead"] == pytest.approx(0.5)  # half a point above the target growth
    assert got["completion"] == pytest.approx(7.0 / 6.5 * 100)
    assert math.isnan(got["time_progress"])
    assert got["shortfall"] == 0.0
    # the year needs 140 × 1.065 = 149.1; 42.1 over three months
    assert got["pace_needed"] == pytest.approx((149.1 - 107.0) / 3)


def test_a_growth_target_short_says_what_value_it_needs():
    got = one(
        {"county": "a", "indicator": "gdp", "month": 3, "value": 104.0, "prior_value": 100.0},
        {"target_kind": "growth", "target": 6.5, "schedule": None},
    )
    assert got["ahead"] == pytest.approx(-2.5)
    assert got["shortfall"] == pytest.approx(2.5)  # 106.5 needed
    assert math.isnan(got["pace_needed"])  # no annual value of last year given


def test_a_level_is_judged_against_the_target_itself():
    got = one(
        {"county": "a", "indicator": "firms", "month": 4, "value": 450.0, "prior_value": 400.0},
        {"target_kind": "value", "target": 500.0, "schedule": None},
    )
    assert (got["completion"], got["time_progress"], got["ahead"]) == (90.0, 100.0, -10.0)
    assert got["shortfall"] == 50.0
    assert math.isnan(got["pace_needed"]) and math.isnan(got["pace_so_far"])


def test_lower_is_better_turns_the_ratio_round():
    got = one(
        {"county": "a", "indicator": "energy", "month": 6, "value": 0.52, "prior_value": 0.55},
        {"target_kind": "value", "target": 0.5, "schedule": None},
    )
    assert got["completion"] == pytest.approx(0.5 / 0.52 * 100)
    assert got["ahead"] == pytest.approx(0.5 / 0.52 * 100 - 100)
    assert got["shortfall"] == pytest.approx(0.02)
    reduction = one(
        {"county": "a", "indicator": "energy", "month": 6, "value": 0.48, "prior_value": 0.5},
        {"target_kind": "growth", "target": -3.0, "schedule": None},
    )
    assert reduction["growth"] == pytest.approx(-4.0)
    assert reduction["ahead"] == pytest.approx(1.0)  # fell one point more than asked
    assert reduction["shortfall"] == 0.0


def test_december_needs_no_pace_and_a_row_without_target_has_no_progress():
    december = one(
        {"county": "a", "indicator": "revenue", "month": 12, "value": 90.0, "prior_value": 80.0},
        {"target_kind": "value", "target": 100.0, "schedule": None},
    )
    assert december["ahead"] == -10.0 and math.isnan(december["pace_needed"])
    free = one(
        {"county": "a", "indicator": "revenue", "month": 5, "value": 9.0, "prior_value": 10.0}
    )
    assert all(math.isnan(free[c]) for c in ("target", "completion", "ahead", "shortfall"))
    assert free["growth"] == pytest.approx(-10.0)


# ----------------------------------------------------------------------------- warnings


def judged(ahead, growth, city=5.0, indicator="revenue", value=1.0):
    frame = pd.DataFrame(
        {
            "county": ["a"],
            "indicator": [indicator],
            "month": [6],
            "value": [value],
            "growth": [growth],
            "ahead": [ahead],
        }
    )
    return warnings(frame, INDICATORS, {indicator: city}).iloc[0]


@pytest.mark.parametrize(
    "ahead, growth, level",
    [
        (0.0, 5.0, "green"),  # on the calendar, growth as the city's
        (2.0, 9.0, "green"),
        (-0.1, 9.0, "yellow"),  # just behind
        (-5.0, 9.0, "yellow"),  # up to 5 points behind
        (-5.01, 9.0, "red"),  # more than 5
        (1.0, 4.9, "yellow"),  # ahead, but growth below the city's
        (1.0, -0.1, "red"),  # shrinking
        (np.nan, 6.0, "green"),  # no target: growth alone
        (np.nan, 4.0, "yellow"),
        (np.nan, -1.0, "red"),
    ],
)
def test_warning_boundaries(ahead, growth, level):
    assert judged(ahead, growth)["level"] == level


def test_warning_reasons_are_flags_and_lower_is_better_is_turned_round():
    got = judged(-6.0, -2.0)
    assert (got["behind"], got["far_behind"], got["shrinking"], got["below_city"]) == (
        True,
        True,
        True,
        True,
    )
    # energy intensity falling 2% while the city's falls 1%: better than the city, not shrinking
    energy = judged(0.0, -2.0, city=-1.0, indicator="energy")
    assert energy["level"] == "green" and not energy["shrinking"] and not energy["below_city"]
    rising = judged(0.0, 0.5, city=-1.0, indicator="energy")
    assert rising["level"] == "red" and rising["shrinking"]


def test_a_row_not_reported_has_no_colour_and_rules_can_be_changed():
    assert judged(np.nan, np.nan, value=np.nan)["level"] is None
    strict = WarningRules(red_behind=2.0, yellow_below_city=False)
    frame = pd.DataFrame(
        {
            "county": ["a", "b"],
            "indicator": ["revenue"] * 2,
            "month": [6, 6],
            "value": [1.0, 1.0],
            "growth": [1.0, 1.0],
            "ahead": [-3.0, -1.0],
        }
    )
    assert list(warnings(frame, INDICATORS, {"revenue": 5.0}, strict)["level"]) == ["red", "yellow"]


def test_schedules_are_checked():
    assert check_schedule(linear_schedule()) == []
    assert check_schedule(QUARTERLY) == []
    assert check_schedule([0.5] * 11) != []
    assert check_schedule([0.1] * 11 + [0.9]) != []  # not the whole target by December
    assert check_schedule([0.5, 0.4] + [1.0] * 10) != []  # falls
    assert check_schedule([float("nan")] * 12) != []


def test_a_province_year_in_one_call():
    """200 counties × 60 indicators × 12 months: one frame in, one frame out (timed in bench)."""
    counties = [f"c{i}" for i in range(200)]
    names = [f"i{j}" for j in range(60)]
    indicators = pd.DataFrame({"indicator": names, "kind": "flow", "direction": "higher"})
    index = pd.MultiIndex.from_product(
        [counties, names, range(1, 13)], names=["county", "indicator", "month"]
    )
    rows = index.to_frame(index=False)
    rows["value"] = rows["month"] * 10.0
    rows["prior_value"] = rows["month"] * 9.5
    targets = pd.MultiIndex.from_product([counties, names], names=["county", "indicator"]).to_frame(
        index=False
    )
    targets["target_kind"], targets["target"], targets["schedule"] = "value", 125.0, None
    frame = progress(rows, targets, indicators)
    assert len(frame) == 200 * 60 * 12
    assert frame["ahead"].iloc[0] == pytest.approx(10 / 125 * 100 - 100 / 12)
    judged_ = warnings(frame, indicators, {n: 5.0 for n in names})
    assert set(judged_["level"]) == {"yellow"}  # 5.26% growth above the city's, 1.67 behind


def test_the_city_adds_up_what_adds_up_and_averages_the_rest():
    from indicators.scoring.progress import city_rows

    rows = pd.DataFrame(
        {
            "county": ["a", "b", "c", "a", "b"],
            "indicator": ["revenue"] * 3 + ["energy"] * 2,
            "month": [7] * 5,
            "value": [52.0, 40.0, 9.0, 0.5, 0.7],
            "prior_value": [50.0, 38.0, np.nan, 0.55, 0.65],
        }
    )
    city = city_rows(rows, {"revenue"}).set_index("indicator")
    # c has no prior value: left out of the sum, so that growth compares like with like
    assert (city.loc["revenue", "value"], city.loc["revenue", "prior_value"]) == (92.0, 88.0)
    assert city.loc["energy", "value"] == pytest.approx(0.6)
    assert set(city["county"]) == {"city"}
    assert city_rows(rows.iloc[0:0], {"revenue"}).empty


# ----------------------------------------------------------------------------- catch-up plan


def plan_of(row: dict, target: dict, prior_months=None) -> dict[int, float]:
    from indicators.scoring.progress import catch_up

    rows = pd.DataFrame([row])
    targets = pd.DataFrame([{"county": row["county"], "indicator": row["indicator"], **target}])
    frame = progress(rows, targets, INDICATORS)
    plan = catch_up(frame, targets, INDICATORS, prior_months)
    return dict(zip(plan["month"], plan["needed"], strict=True))


def test_a_flow_behind_spreads_the_rest_of_its_target_over_the_schedule_still_to_go():
    # 52 of 100 after July, linear: the other 48 in five equal parts
    plan = plan_of(
        {"county": "a", "indicator": "revenue", "month": 7, "value": 52.0, "prior_value": 50.0},
        {"target_kind": "value", "target": 100.0, "schedule": None},
    )
    assert list(plan) == [8, 9, 10, 11, 12]
    assert plan[8] == pytest.approx(52 + 48 / 5) and plan[12] == pytest.approx(100.0)
    # investment 80 of 200 after June, 20/45/70/100: 120 still to come, a quarter of it (25 of
    # the 55 points left) by September, the rest by December
    plan = plan_of(
        {"county": "a", "indicator": "invest", "month": 6, "value": 80.0, "prior_value": 70.0},
        {"target_kind": "value", "target": 200.0, "schedule": QUARTERLY},
    )
    assert plan[9] == pytest.approx(80 + 120 * 25 / 55) and plan[12] == pytest.approx(200.0)


def test_growth_targets_follow_last_years_months_and_met_targets_need_no_plan():
    prior = pd.DataFrame(
        {
            "county": "a",
            "indicator": "gdp",
            "month": [10, 11, 12],
            "prior_value": [110.0, 125.0, 140.0],
        }
    )
    plan = plan_of(
        {"county": "a", "indicator": "gdp", "month": 9, "value": 104.0, "prior_value": 100.0},
        {"target_kind": "growth", "target": 6.5, "schedule": None},
        prior,
    )
    assert plan == pytest.approx({10: 117.15, 11: 133.125, 12: 149.1})
    done = plan_of(
        {"county": "a", "indicator": "firms", "month": 4, "value": 520.0, "prior_value": 400.0},
        {"target_kind": "value", "target": 500.0, "schedule": None},
    )
    assert done == {}
    level = plan_of(
        {"county": "a", "indicator": "firms", "month": 8, "value": 460.0, "prior_value": 400.0},
        {"target_kind": "value", "target": 500.0, "schedule": None},
    )
    assert level == pytest.approx({9: 470.0, 10: 480.0, 11: 490.0, 12: 500.0})


def test_a_rule_set_sets_its_own_warning_lines_and_round_trips_them():
    from indicators.scoring import parse_rules, rules_to_dict
    from tests.indicators.scoring.scoring_helpers import indicator, rules_dict

    plain = rules_dict([indicator("revenue", "rank_points", {"step": 0.1})])
    assert "warnings" not in rules_to_dict(parse_rules(plain))  # optional: left out when unset
    strict = {**plain, "warnings": {"red_behind": 3, "yellow_behind": 1}}
    rules = parse_rules(strict)
    assert rules.warnings is not None and rules.warnings.red_behind == 3
    assert rules_to_dict(rules)["warnings"] == {
        "red_behind": 3,
        "yellow_behind": 1,
        "red_when_shrinking": True,
        "yellow_below_city": True,
    }
    frame = pd.DataFrame(
        {"county": ["a"] * 3, "indicator": ["revenue"] * 3, "month": [6] * 3,
         "value": [1.0] * 3, "growth": [6.0] * 3, "ahead": [-0.5, -2.0, -4.0]}
    )  # fmt: skip
    levels = list(warnings(frame, INDICATORS, {"revenue": 5.0}, rules.warnings)["level"])
    assert levels == ["green", "yellow", "red"]  # 0.5 is within the 1-point grace
    from indicators.scoring import RulesError

    for bad in ({"red_behind": -1}, {"yellow_behind": 6}, {"red_when_shrinking": "yes"}, {"x": 1}):
        with pytest.raises(RulesError):
            parse_rules({**plain, "warnings": bad})


def test_a_catch_up_plan_rechecked_from_any_of_its_milestones_gives_the_rest_of_itself():
    """Reaching month k's milestone and planning again from there gives the same later
    milestones, and the last one is the annual target: the plan is consistent with itself."""
    from indicators.scoring.progress import catch_up

    for schedule in (None, QUARTERLY):
        row = {"county": "a", "indicator": "invest", "month": 5, "value": 55.0, "prior_value": 50.0}
        target = {"target_kind": "value", "target": 200.0, "schedule": schedule}
        first = plan_of(row, target)
        assert first[12] == pytest.approx(200.0)
        for k in range(6, 12):
            again = plan_of({**row, "month": k, "value": first[k]}, target)
            assert again == pytest.approx({m: v for m, v in first.items() if m > k})
        # and at the milestone the progress is what the schedule asks of the rest
        targets = pd.DataFrame([{"county": "a", "indicator": "invest", **target}])
        at_12 = progress(
            pd.DataFrame([{**row, "month": 12, "value": first[12]}]), targets, INDICATORS
        )
        assert at_12["completion"].iloc[0] == pytest.approx(100.0)
        assert catch_up(at_12, targets, INDICATORS).empty
