"""Targets in the engine: each county's own target and the schedule for the target and stepped
methods (docs/rules.md 3.13, whose worked example the first tests check number by number)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scoring_helpers import by_county, indicator, rules_dict, values
from test_scoring_gaps import assert_every_gap_matches_scoring_from_scratch

from indicators.scoring import (
    InputFileError,
    RulesError,
    ScoringInputError,
    explain_points,
    explain_result,
    gaps,
    parse_rules,
    rank_stability,
    read_rules,
    read_targets,
    read_values,
    rules_to_dict,
    score,
    score_files,
)

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
RULES = EXAMPLES / "targets_example.json"
VALUES = EXAMPLES / "targets_example_values.csv"
TARGETS = EXAMPLES / "targets_example_targets.csv"
A, B, C = "360102", "360121", "360122"
QUARTERS = tuple(float(p) / 100 for p in ("6.6667 13.3333 20 28.3333 36.6667 45 53.3333 "
                                          "61.6667 70 80 90 100").split())  # fmt: skip


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def targets_with(tmp_path: Path, replace: tuple[str, str]) -> Path:
    return write(tmp_path, "targets.csv", TARGETS.read_text(encoding="utf-8").replace(*replace))


# --------------------------------------------------------------- the worked example (3.13)


@pytest.fixture(scope="module")
def example():
    result, _ = score_files(RULES, VALUES, targets_path=TARGETS)
    return result


def test_worked_example_scores_each_county_against_its_own_target(example):
    ind = example.indicators
    assert by_county(ind, "basis", indicator="gdp") == {A: 7.2, B: 7.0, C: 5.2}
    # A and B have their own growth targets, C takes the rule's 6.5
    assert by_county(ind, "target", indicator="gdp") == {A: 6.0, B: 7.0, C: 6.5}
    # min(7.2 / 6, 1.2) / 1.2 = 1; 7.0 / 7 / 1.2 = 0.8333; 5.2 / 6.5 / 1.2 = 0.6667
    assert by_county(ind, "score", indicator="gdp") == {A: 10.0, B: 8.33, C: 6.67}


def test_worked_example_scores_investment_against_the_share_due_by_june(example):
    ind = example.indicators
    # A: 200 split 20/45/70/100, 45 % due by June = 90; B: 300 by month/12 = 150;
    # C: no row, the rule's 240 by month/12 = 120
    assert by_county(ind, "target", indicator="fai") == {A: 90.0, B: 150.0, C: 120.0}
    # completion / time progress: A 40.5 % / 45 % = 0.9, B 54 % / 50 % = 1.08, C 60 % / 50 % = 1.2
    assert by_county(ind, "score", indicator="fai") == {A: 7.5, B: 9.0, C: 10.0}


def test_worked_example_totals_and_ranks(example):
    assert by_county(example.counties, "total") == {A: 17.5, B: 17.33, C: 16.67}
    assert by_county(example.counties, "rank") == {A: 1, B: 2, C: 3}


def test_worked_example_explanations_show_each_countys_target(example):
    formulas = explain_result(example).set_index(["county", "indicator"])["formula"]
    assert formulas[(A, "gdp")] == "10 × min(7.2 ÷ 6, 1.2) ÷ 1.2 = 10.00"
    assert formulas[(B, "gdp")] == "10 × min(7.0 ÷ 7, 1.2) ÷ 1.2 = 8.33"
    assert formulas[(C, "gdp")] == "10 × min(5.2 ÷ 6.5, 1.2) ÷ 1.2 = 6.67"
    assert formulas[(A, "fai")] == "10 × min(81.0 ÷ 90, 1.2) ÷ 1.2 = 7.50"
    assert formulas[(B, "fai")] == "10 × min(162.0 ÷ 150, 1.2) ÷ 1.2 = 9.00"
    points = explain_result(example)["points"].to_numpy()
    assert (points == example.indicators["score"].to_numpy()).all()


def test_worked_example_without_the_targets_file_uses_the_rules_targets():
    result = score(read_values(VALUES), read_rules(RULES))
    ind = result.indicators
    assert by_county(ind, "target", indicator="gdp") == {A: 6.5, B: 6.5, C: 6.5}
    assert by_county(ind, "score", indicator="gdp") == {A: 9.23, B: 8.97, C: 6.67}
    # still by the calendar: 240 x 6/12 = 120 for everyone; A 81 / 120 = 0.675 -> 5.63
    assert by_county(ind, "target", indicator="fai") == {A: 120.0, B: 120.0, C: 120.0}
    assert by_county(ind, "score", indicator="fai") == {A: 5.63, B: 10.0, C: 10.0}
    assert by_county(result.counties, "total") == {A: 14.86, B: 18.97, C: 16.67}
    assert by_county(result.counties, "rank") == {A: 3, B: 1, C: 2}


def test_the_example_rules_round_trip_exactly():
    d = json.loads(RULES.read_text(encoding="utf-8"))
    assert rules_to_dict(parse_rules(d)) == d
    assert parse_rules(rules_to_dict(parse_rules(d))) == parse_rules(d)


# ------------------------------------------------------------------------- the Python API


def growth_rules(method="target", params=None, **kw):
    params = params or {"target": 6.5, "own_target": True}
    return rules_dict(
        [indicator("gdp", method, params, weight=10, basis={"type": "growth"}, decimals=1, **kw)],
        indicator_decimals=2,
    )


GDP = values({"gdp": {"A": (107.2, 100), "B": (107, 100), "C": (105.2, 100)}})


def frame(rows, schedule=False):
    columns = ["county", "indicator", "target"] + (["schedule"] if schedule else [])
    return pd.DataFrame(rows, columns=columns)


def test_counties_without_a_row_fall_back_to_the_rules_target():
    own = frame([("A", "gdp", 6.0), ("city", "gdp", 5.0), ("A", "other", 1.0)])
    ind = score(GDP, growth_rules(), targets=own).indicators
    # the city and an indicator the rules do not score are ignored
    assert by_county(ind, "target") == {"A": 6.0, "B": 6.5, "C": 6.5}
    assert by_county(ind, "score") == {"A": 10.0, "B": 8.97, "C": 6.67}


def test_without_own_target_the_frame_is_not_used():
    rules = growth_rules(params={"target": 6.5})
    own = frame([("A", "gdp", 6.0), ("B", "gdp", 7.0)])
    with_frame = score(GDP, rules, targets=own).indicators
    without = score(GDP, rules).indicators
    pd.testing.assert_frame_equal(with_frame, without)
    assert by_county(without, "target") == {"A": 6.5, "B": 6.5, "C": 6.5}


def test_methods_without_a_target_have_an_empty_target_column():
    rules = rules_dict([indicator("x", "rank_points", {"step": 0.1})])
    ind = score(values({"x": {"A": 1, "B": 2}}), rules).indicators
    assert ind["target"].isna().all()


def test_stepped_counts_steps_from_each_countys_own_target():
    params = {"target": 6.5, "base": 6, "per_step": 1, "step": 0.5, "step_unit": "points"}
    rules = growth_rules("stepped", {**params, "own_target": True})
    own = frame([("A", "gdp", 6.0), ("B", "gdp", 7.0)])
    result = score(GDP, rules, targets=own)
    # A: (7.2 - 6) / 0.5 = 2.4 -> 2 steps up; B: on target; C: (5.2 - 6.5) / 0.5 = -2.6 -> -2
    assert by_county(result.indicators, "score") == {"A": 8.0, "B": 6.0, "C": 4.0}
    formulas = explain_result(result).set_index("county")["formula"]
    assert formulas["A"] == "(7.2 − 6) ÷ 0.5 = 2.4; 6 + 1 × 2 = 8.00"
    assert formulas["C"] == "(5.2 − 6.5) ÷ 0.5 = −2.6; 6 − 1 × 2 = 4.00"


def test_stepped_by_schedule_takes_percent_steps_of_the_share_due():
    params = {"target": 240, "base": 6, "per_step": 1, "step": 10, "step_unit": "percent"}
    rules = rules_dict(
        [
            indicator(
                "fai", "stepped", {**params, "own_target": True, "by_schedule": True}, weight=10
            )
        ],
        indicator_decimals=2,
    )
    own = frame([("A", "fai", 200, QUARTERS)], schedule=True)
    data = values({"fai": {"A": 81, "B": 144}})
    ind = score(data, rules, targets=own).indicators
    # A: 90 due, a step is 9: 81 is one step short; B: 120 due, a step is 12: two steps over
    assert by_county(ind, "target") == {"A": 90.0, "B": 120.0}
    assert by_county(ind, "score") == {"A": 5.0, "B": 8.0}


def test_lower_is_better_divides_the_own_target_by_the_value():
    rules = rules_dict(
        [indicator("energy", "target", {"target": 0.5, "own_target": True}, weight=20,
                   direction="lower", decimals=2)],
        indicator_decimals=2,
    )  # fmt: skip
    own = frame([("A", "energy", 0.45)])
    ind = score(values({"energy": {"A": 0.45, "B": 0.45}}), rules, targets=own).indicators
    # A: 0.45 / 0.45 = 1 -> 20 / 1.2; B: 0.5 / 0.45 = 1.1111 -> 18.52
    assert by_county(ind, "score") == {"A": 16.67, "B": 18.52}


def test_by_schedule_follows_the_month_of_each_period():
    rules = rules_dict(
        [indicator("fai", "target", {"target": 120, "by_schedule": True}, weight=10,
                   frequency="quarterly")],
        indicator_decimals=2,
    )  # fmt: skip
    data = pd.concat(
        [values({"fai": {"A": 24, "B": 30}}, "2025-03"), values({"fai": {"A": 54}}, "2025-06")]
    )
    own = frame([("B", "fai", 999, QUARTERS)], schedule=True)  # own_target is off: 120 for all
    result = score(data, rules, targets=own)
    target = result.indicators.set_index(["period", "county"])["target"]
    # A: 120 x 3/12 = 30, then 120 x 6/12 = 60; B: 120 x 20 % = 24 in March
    assert target[("2025-03", "A")] == 30.0 and target[("2025-06", "A")] == 60.0
    assert target[("2025-03", "B")] == 24.0
    score_of = result.indicators.set_index(["period", "county"])["score"]
    assert score_of[("2025-03", "A")] == 6.67  # 24 / 30 = 0.8 -> 0.8 / 1.2
    assert score_of[("2025-06", "A")] == 7.5  # 54 / 60 = 0.9
    assert score_of[("2025-03", "B")] == 10.0  # 30 / 24 = 1.25 -> capped at 1.2


def test_a_scheduled_target_is_kept_to_ten_decimals():
    rules = rules_dict(
        [indicator("fai", "target", {"target": 200, "by_schedule": True}, weight=10)],
        indicator_decimals=2,
    )
    own = frame([("A", "fai", 200, (0.05, 0.1, 0.2, 0.3, 0.35, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1))],
                schedule=True)  # fmt: skip
    ind = score(values({"fai": {"A": 108}}), rules, targets=own).indicators
    assert ind["target"].iloc[0] == 90.0  # 200 x 0.45 exactly as written
    assert ind["score"].iloc[0] == 10.0  # 108 / 90 = 1.2, the cap


def test_explain_points_takes_the_rows_target():
    rule = parse_rules(growth_rules()).indicators[0]
    e = explain_points(rule, basis=7.2, rank=1, target=6.0)
    assert e.formula == "10 × min(7.2 ÷ 6, 1.2) ÷ 1.2 = 10.00" and e.inputs["target"] == 6.0
    assert explain_points(rule, basis=7.2, rank=1).formula.startswith("10 × min(7.2 ÷ 6.5,")
    assert explain_points(rule, basis=7.2, rank=1, target=float("nan")).inputs["target"] == 6.5


def test_explaining_a_result_stored_without_a_target_column_uses_the_rules_target(example):
    from dataclasses import replace

    old = replace(example, indicators=example.indicators.drop(columns="target"))
    formulas = explain_result(old).set_index(["county", "indicator"])["formula"]
    assert formulas[(A, "gdp")] == "10 × min(7.2 ÷ 6.5, 1.2) ÷ 1.2 = 9.23"


# -------------------------------------------------------------------------------- the rules


def test_by_schedule_is_refused_on_a_growth_basis_or_a_ratio():
    rules = growth_rules(params={"target": 6.5, "by_schedule": True})
    with pytest.raises(RulesError) as info:
        parse_rules(rules)
    assert info.value.errors == [
        "indicators[0].params.by_schedule: needs a value basis (a year-to-date total that "
        "accumulates over the months), not a growth basis"
    ]
    ratio = rules_dict(
        [indicator("rd", "stepped",
                   {"target": 2, "base": 5, "per_step": 1, "step": 1, "step_unit": "points",
                    "by_schedule": True},
                   weight=10, basis={"type": "ratio", "denominator": "gdp", "factor": 100})]
    )  # fmt: skip
    with pytest.raises(RulesError, match=r"indicators\[0\]\.params\.by_schedule: .*ratio basis"):
        parse_rules(ratio)
    # false is fine on any basis
    parse_rules(growth_rules(params={"target": 6.5, "by_schedule": False}))


def test_the_new_params_are_booleans_and_belong_to_the_target_methods():
    with pytest.raises(RulesError, match=r"params.own_target: must be true or false, got 1"):
        parse_rules(growth_rules(params={"target": 6.5, "own_target": 1}))
    with pytest.raises(RulesError, match=r"params.own_target: unknown field"):
        parse_rules(growth_rules("rank_points", {"step": 0.1, "own_target": True}))


@pytest.mark.parametrize(
    "params",
    [
        {"target": 6.5},
        {"target": 6.5, "own_target": False},
        {"target": 6.5, "cap": 1.5, "own_target": True, "by_schedule": False},
    ],
)
def test_rules_with_and_without_the_new_params_round_trip_exactly(params):
    d = growth_rules(params=params)
    back = rules_to_dict(parse_rules(d))
    assert back == d and back["indicators"][0]["params"] == params  # emitted as given
    assert json.dumps(back) == json.dumps(d)


# ----------------------------------------------------------------------- the targets frame


@pytest.mark.parametrize(
    "targets, message",
    [
        (pd.DataFrame({"county": ["A"], "indicator": ["gdp"]}),
         "targets column 'target': missing column"),
        (frame([("A", "gdp", None)]), "targets row 1, column 'target': is empty"),
        (frame([("A", "gdp", 6.0), ("A", "gdp", 6.5)]), "targets row 2: duplicate row"),
        (frame([("A", "gdp", "x")]), "targets row 1, column 'target': 'x' is not a number"),
        (frame([("A", "gdp", 0.0)]),
         'targets row 1, column \'target\': must be greater than 0 for indicator "gdp"'),
        (frame([("A", "gdp", 6.0, (0.5, 1.0))], schedule=True),
         "targets row 1, column 'schedule': a schedule has 12 cumulative shares"),
        (frame([("A", "gdp", 6.0, "20/45/70/100")], schedule=True),
         "targets row 1, column 'schedule': must be twelve cumulative shares"),
        (frame([("A", "gdp", 6.0)]).assign(target_kind="value"),
         "targets row 1, column 'target_kind': a value target does not fit indicator \"gdp\""),
    ],
)  # fmt: skip
def test_a_bad_targets_frame_names_row_and_column(targets, message):
    with pytest.raises(ScoringInputError) as info:
        score(GDP, growth_rules(), targets=targets)
    assert str(info.value).startswith(message)


def test_a_matching_target_kind_is_accepted():
    own = frame([("A", "gdp", 6.0)]).assign(target_kind="growth")
    assert by_county(score(GDP, growth_rules(), targets=own).indicators, "target")["A"] == 6.0


def test_nothing_due_in_a_scored_month_cannot_be_scored_by_the_schedule():
    rules = rules_dict([indicator("fai", "target", {"target": 100, "by_schedule": True})])
    late = (0, 0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1)
    own = frame([("A", "fai", 100, late)], schedule=True)
    with pytest.raises(ScoringInputError, match=r"row 1, column 'schedule': nothing is due by"):
        score(values({"fai": {"A": 5}}, "2025-02"), rules, targets=own)
    assert score(values({"fai": {"A": 5}}, "2025-03"), rules, targets=own).indicators[
        "target"
    ].iloc[0] == pytest.approx(20)


# ---------------------------------------------------------------- gaps and rank stability


def targets_case():
    rng = np.random.default_rng(11)
    codes = [f"c{k}" for k in range(8)]
    stepped = {"target": 6, "base": 12, "per_step": 2, "step": 0.5, "step_unit": "points"}
    rules = parse_rules(
        rules_dict(
            [
                indicator("gdp", "target", {"target": 6.5, "own_target": True}, weight=30,
                          basis={"type": "growth"}, decimals=1),
                indicator("fai", "target", {"target": 240, "own_target": True,
                                            "by_schedule": True}, weight=25, decimals=1),
                indicator("tax", "stepped", {**stepped, "own_target": True}, weight=25,
                          basis={"type": "growth"}, decimals=1),
                indicator("rev", "efficacy", {}, weight=20, decimals=1),
            ],
            indicator_decimals=2,
            total={"decimals": 2},
        )
    )  # fmt: skip
    data = {
        "gdp": {c: (float(rng.uniform(103, 110)), 100.0) for c in codes},
        "fai": {c: float(rng.uniform(60, 160)) for c in codes},
        "tax": {c: (float(rng.uniform(100, 112)), 100.0) for c in codes},
        "rev": {c: float(rng.uniform(10, 30)) for c in codes},
    }
    own = pd.DataFrame(
        [(c, "gdp", float(rng.choice([5.5, 6.0, 7.0])), None) for c in codes[:6]]
        + [(c, "fai", float(rng.choice([200, 300])), QUARTERS) for c in codes[2:]]
        + [(c, "tax", float(rng.choice([4.0, 8.0])), None) for c in codes[::2]],
        columns=["county", "indicator", "target", "schedule"],
    )
    return values(data), rules, own


def test_every_gap_with_own_targets_matches_scoring_from_scratch():
    frame_, rules, own = targets_case()
    out = gaps(frame_, rules, targets=own)
    assert len(out) > 10
    assert_every_gap_matches_scoring_from_scratch(out, frame_, rules, None, targets=own)
    # the points a gap brings depend on the targets: not the same as without them
    plain = gaps(frame_, rules)
    assert not np.allclose(out["new_total"], plain["new_total"])


def test_explanations_give_the_engines_points_with_own_targets_and_schedules():
    frame_, rules, own = targets_case()
    result = score(frame_, rules, targets=own)
    explained = explain_result(result)
    assert (explained["points"].to_numpy() == result.indicators["score"].to_numpy()).all()
    fai = result.indicators["indicator"] == "fai"
    # c2.. have 200 or 300 split by quarter (45 % due by June), c0 and c1 the rule's 240 x 6/12
    due = result.indicators.loc[fai, "target"].tolist()
    assert due[:2] == [120.0, 120.0] and set(due[2:]) <= {90.0, 135.0}


def test_rank_stability_scores_with_the_targets():
    frame_, rules, own = targets_case()
    stable = rank_stability(frame_, rules, targets=own, samples=5, spread=0)
    ranks = dict(zip(stable.summary["county"], stable.summary["base_rank"], strict=True))
    assert ranks == by_county(score(frame_, rules, targets=own).counties, "rank")
    assert ranks != by_county(score(frame_, rules).counties, "rank")  # the targets count
    assert (stable.summary["min"] == stable.summary["base_rank"]).all()


# ------------------------------------------------------------------------------ the files


def test_read_targets_turns_schedules_into_twelve_shares(tmp_path):
    targets = read_targets(TARGETS)
    assert targets["target"].tolist() == [6.0, 7.0, 200.0, 300.0]
    schedules = targets["schedule"].tolist()
    assert schedules[0] is None and schedules[3] is None
    assert schedules[2] == QUARTERS  # the quarters spread evenly over their months
    monthly = "county,indicator,target,schedule\nA,fai,100,5 10 20 30 40 50 60 70 80 90 95 100\n"
    got = read_targets(write(tmp_path, "t.csv", monthly))["schedule"].iloc[0]
    assert got == (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0)
    no_schedule = read_targets(write(tmp_path, "t.csv", "county,indicator,target\nA,fai,100\n"))
    assert "schedule" not in no_schedule


@pytest.mark.parametrize(
    "replace, message",
    [
        (("360121,gdp,7.0,", "360121,gdp,seven,"),
         "targets.csv row 2 (line 3), column 'target': 'seven' is not a number"),
        (("360121,gdp,7.0,", "360121,gdp,,"),
         "targets.csv row 2 (line 3), column 'target': is empty"),
        (("360121,gdp", ",gdp"), "targets.csv row 2 (line 3), column 'county': is empty"),
        (("20/45/70/100", "20/45/70"),
         "targets.csv row 3 (line 4), column 'schedule': a schedule has 4 cumulative percents"),
        (("20/45/70/100", "20/45/40/100"),
         "targets.csv row 3 (line 4), column 'schedule': '20/45/40/100': a schedule is "
         "cumulative, it never falls"),
        (("20/45/70/100", "20/45/70/90"),
         "targets.csv row 3 (line 4), column 'schedule': '20/45/70/90': the whole target is "
         "due by December"),
        (("county,indicator,target", "county,indicator,goal"),
         "targets.csv, column 'target': missing column (the header has: county, indicator, goal"),
    ],
)  # fmt: skip
def test_a_bad_targets_file_names_file_row_and_column(tmp_path, replace, message):
    with pytest.raises(InputFileError) as info:
        read_targets(targets_with(tmp_path, replace))
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    "replace, message",
    [
        (("360121,gdp,7.0,", "360199,gdp,7.0,"),
         "targets.csv row 2 (line 3), column 'county': county '360199' is not among the "
         "counties scored"),
        (("360121,gdp,7.0,", "360102,gdp,7.0,"), "targets.csv row 2 (line 3): duplicate row"),
        (("360121,gdp,7.0,", "360121,gdp,-1,"),
         "targets.csv row 2 (line 3), column 'target': must be greater than 0"),
    ],
)  # fmt: skip
def test_problems_found_while_scoring_name_the_targets_file(tmp_path, replace, message):
    with pytest.raises(InputFileError) as info:
        score_files(RULES, VALUES, targets_path=targets_with(tmp_path, replace))
    assert str(info.value).startswith(message)


@pytest.fixture
def django_ready():
    apps = pytest.importorskip("django.apps").apps
    if not apps.ready:
        pytest.skip("Django is not set up (run with pytest-django and scorecard.settings)")


def test_score_csv_command_scores_against_the_targets_file(django_ready, tmp_path):
    from django.core.management import call_command

    out = tmp_path / "scores.csv"
    call_command(
        "score_csv",
        "--rules", str(RULES), "--values", str(VALUES), "--targets", str(TARGETS),
        "--out", str(out),
    )  # fmt: skip
    written = pd.read_csv(out, dtype={"county": str}, encoding="utf-8-sig")
    assert written["score.gdp"].tolist() == [10.0, 8.33, 6.67]
    assert written["score.fai"].tolist() == [7.5, 9.0, 10.0]
    assert written["total"].tolist() == [17.5, 17.33, 16.67]


def test_score_csv_command_fails_on_a_bad_targets_file(django_ready, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    bad = targets_with(tmp_path, ("20/45/70/100", "20/45/70"))
    with pytest.raises(CommandError) as info:
        call_command(
            "score_csv", rules=str(RULES), values=str(VALUES), targets=str(bad),
            out=str(tmp_path / "o.csv"),
        )  # fmt: skip
    assert str(info.value) == (
        "targets.csv row 3 (line 4), column 'schedule': a schedule has 4 cumulative percents "
        "(by quarter) or 12 (by month), not 3"
    )
    assert not (tmp_path / "o.csv").exists()
