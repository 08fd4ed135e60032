"""Exemptions (不考核) and missing-data policies: the hand examples of docs/rules.md §11, and
properties (coverage.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scoring_helpers import indicator, rules_dict, values
from test_scoring_gaps import assert_every_gap_matches_scoring_from_scratch, gap_case

from indicators.scoring import gaps, parse_rules, rank_stability, rules_to_dict, score
from indicators.scoring.grid import ScoringInputError
from indicators.scoring.rules import RulesError

GOALPOSTS = {"lower": 0, "upper": 100}  # s = value / 100: every point can be checked by hand


def example_rules(exemptions="pro_rata", level="category", people="zero", **missing):
    """The docs/rules.md §11 rule set: econ 60 (gdp 30, ind 20, grain 10), people 40 (inc 20,
    jobs 20), goalposts 0..100, points at 2 decimals."""
    return parse_rules(
        rules_dict(
            [
                indicator("gdp", "goalposts", GOALPOSTS, category="econ", weight=30),
                indicator("ind", "goalposts", GOALPOSTS, category="econ", weight=20),
                indicator("grain", "goalposts", GOALPOSTS, category="econ", weight=10),
                indicator("inc", "goalposts", GOALPOSTS, category="people", weight=20),
                indicator("jobs", "goalposts", GOALPOSTS, category="people", weight=20),
            ],
            categories=[
                {"code": "econ", "name": "econ", "weight": 60, "aggregation": "sum", "decimals": 2},
                {
                    "code": "people",
                    "name": "people",
                    "weight": 40,
                    "aggregation": "sum",
                    "decimals": 2,
                    "missing": people,
                },
            ],  # fmt: skip
            indicator_decimals=2,
            total={"decimals": 2},
            missing_share_max=0.4,
            missing_data={
                "exemptions": exemptions,
                "pro_rata_level": level,
                "imputation_group": "region",
                **missing,
            },
        )
    )


COUNTIES = pd.DataFrame(
    {
        "county": ["X1", "X2", "X3", "X4"],
        "name": ["X1", "X2", "X3", "X4"],
        "region": ["north", "north", "south", "south"],
    }
)
VALUES = values(
    {
        "gdp": {"X1": 80, "X2": 50, "X3": 70, "X4": 60},
        "ind": {"X1": 60, "X2": 40, "X3": 90, "X4": 30},
        "grain": {"X2": 30, "X3": 50, "X4": 20},  # X1 is exempt
        "inc": {"X1": 90, "X2": 60, "X4": 40},  # X3 reports nothing in people
        "jobs": {"X1": 70, "X4": 50},  # X2 misses jobs
    }
)
EXEMPT = pd.DataFrame({"county": ["X1"], "indicator": ["grain"], "reason": ["城区无耕地"]})


def run(rules, exemptions=EXEMPT, counties=COUNTIES, frame=VALUES):
    return score(frame, rules, counties, exemptions=exemptions)


def totals(result) -> dict[str, float]:
    return dict(zip(result.counties["county"], result.counties["total"], strict=True))


def cell(result, county, code, column="score", table="indicators"):
    frame = getattr(result, table)
    key = "indicator" if table == "indicators" else "category"
    row = frame[(frame["county"] == county) & (frame[key] == code)]
    assert len(row) == 1
    return row.iloc[0][column]


# ----------------------------------------------------------------------------- hand examples


def test_pro_rata_by_category_gives_the_exempt_weight_the_categorys_points_rate():
    """X1: gdp 24 + ind 12 = 36 of 50 -> rate 0.72 -> grain 10 x 0.72 = 7.20; total 75.20."""
    r = run(example_rules())
    assert cell(r, "X1", "grain") == 7.2
    assert cell(r, "X1", "grain", "normalised") == pytest.approx(0.72)
    assert cell(r, "X1", "grain", "flags") == "exempt"
    assert cell(r, "X1", "econ", "subtotal", "categories") == 43.2
    assert totals(r)["X1"] == 75.2
    # the other counties as without any exemption
    plain = run(example_rules(), exemptions=None)
    assert {k: v for k, v in totals(r).items() if k != "X1"} == {
        k: v for k, v in totals(plain).items() if k != "X1"
    }


def test_pro_rata_at_the_total_level_takes_the_rate_of_every_other_indicator():
    """X1: (24 + 12 + 18 + 14) / (30 + 20 + 20 + 20) = 68 / 90 -> grain 7.5556 -> 7.56."""
    r = run(example_rules(level="total"))
    assert cell(r, "X1", "grain") == 7.56
    assert totals(r)["X1"] == 75.56


def test_redistribute_spreads_the_weight_over_the_categorys_other_indicators():
    """X1: econ 60 over gdp and ind: gdp 30 x 60/50 = 36 -> 28.80, ind 24 -> 14.40."""
    r = run(example_rules(exemptions="redistribute"))
    assert cell(r, "X1", "gdp") == 28.8
    assert cell(r, "X1", "ind") == 14.4
    assert np.isnan(cell(r, "X1", "grain"))
    assert cell(r, "X1", "grain", "flags") == "exempt"
    assert cell(r, "X1", "econ", "subtotal", "categories") == 43.2
    assert totals(r)["X1"] == 75.2
    assert cell(r, "X2", "gdp") == 15.0  # no exemption: points out of the own weight


def test_zero_scores_the_exempt_indicator_0_of_its_weight_without_calling_it_missing():
    r = run(example_rules(exemptions="zero"))
    assert cell(r, "X1", "grain") == 0
    assert cell(r, "X1", "grain", "flags") == "exempt"
    assert totals(r)["X1"] == 68.0


def test_zero_missing_policy_is_todays_rule():
    """X2 misses jobs: people (12 + 0) = 12; X3 reports nothing in people: 0."""
    r = run(example_rules())
    assert cell(r, "X2", "people", "subtotal", "categories") == 12
    assert totals(r)["X2"] == 38.0
    assert totals(r)["X3"] == 44.0
    assert cell(r, "X2", "jobs", "flags") == "missing"


def test_available_averages_over_the_reported_indicators_and_leaves_out_an_empty_category():
    """X2: people 40 x 0.6 = 24, total 26 + 24 = 50. X3: people left out, total 100 x 44/60."""
    r = run(example_rules(people="available"))
    assert cell(r, "X2", "people", "subtotal", "categories") == 24
    assert totals(r)["X2"] == 50.0
    assert np.isnan(cell(r, "X3", "people", "subtotal", "categories"))
    assert totals(r)["X3"] == 73.33
    assert cell(r, "X2", "jobs", "flags") == "missing"  # still 缺报, only weighed differently
    assert cell(r, "X2", "jobs") == 0


def test_impute_group_fills_an_empty_category_with_its_regions_mean():
    """X3's people takes X4's (its region's only reporter): 8 + 10 = 18; total 44 + 18 = 62."""
    r = run(example_rules(people="impute_group"))
    assert cell(r, "X3", "people", "subtotal", "categories") == 18
    assert cell(r, "X3", "people", "flags", "categories") == "imputed"
    assert totals(r)["X3"] == 62.0
    assert totals(r)["X2"] == 50.0  # a category with something reported: as "available"
    assert cell(r, "X3", "inc", "flags") == "missing"


def test_exemptions_do_not_count_in_the_missing_share_unless_the_rules_say_so():
    """X2, exempted from grain and ind, misses jobs: 1 of its 3 assessed indicators (0.33, not
    above 0.4); counting exemptions as missing, 3 of 5 (0.6): incomplete, no total."""
    two = pd.DataFrame({"county": ["X2", "X2"], "indicator": ["grain", "ind"]})
    r = run(example_rules(), exemptions=two)
    # econ at gdp's rate 15 / 30: 15 + ind 10 + grain 5 = 30; people 12
    assert totals(r)["X2"] == 42.0
    assert "incomplete" not in result_flags(r, "X2")
    counted = run(example_rules(count_exempt=True), exemptions=two)
    assert np.isnan(totals(counted)["X2"])
    assert "incomplete" in result_flags(counted, "X2")


def test_imputed_categories_count_toward_the_missing_share_unless_the_rules_say_not():
    strict = example_rules(people="impute_group")
    lenient = example_rules(people="impute_group", count_imputed=False)
    frame = VALUES[~((VALUES["county"] == "X3") & (VALUES["indicator"] == "grain"))]
    assert np.isnan(totals(run(strict, frame=frame))["X3"])  # 3 of 5 missing
    assert totals(run(lenient, frame=frame))["X3"] == pytest.approx(39 + 18)


def result_flags(result, county):
    row = result.counties[result.counties["county"] == county]
    return str(row.iloc[0]["flags"])


# ----------------------------------------------------------------------- rules and inputs


def test_the_rule_set_round_trips_exactly_with_and_without_the_section():
    rules = example_rules(people="impute_group", count_exempt=True)
    d = rules_to_dict(rules)
    assert d["missing_data"] == {
        "exemptions": "pro_rata",
        "pro_rata_level": "category",
        "imputation_group": "region",
        "count_exempt": True,
        "count_imputed": True,
    }
    assert d["categories"][1]["missing"] == "impute_group"
    assert "missing" not in d["categories"][0]
    assert parse_rules(d) == rules and rules_to_dict(parse_rules(d)) == d
    plain = rules_dict([indicator("a", "goalposts", GOALPOSTS)])
    assert "missing_data" not in rules_to_dict(parse_rules(plain))


@pytest.mark.parametrize(
    "change, path",
    [
        ({"missing_data": {"exemptions": "half"}}, "missing_data.exemptions"),
        ({"missing_data": {"pro_rata_level": "city"}}, "missing_data.pro_rata_level"),
        ({"missing_data": {"imputation_group": "Region!"}}, "missing_data.imputation_group"),
        ({"missing_data": {"imputation_group": "county"}}, "missing_data.imputation_group"),
        ({"missing_data": {"count_exempt": "yes"}}, "missing_data.count_exempt"),
        ({"missing_data": {"extra": 1}}, "missing_data.extra"),
        ({"missing_data": [1]}, "missing_data"),
        ({"category_missing": "impute_group"}, "categories[0].missing"),
        ({"category_missing": "mean"}, "categories[0].missing"),
    ],
)
def test_bad_missing_data_sections_are_refused_with_their_path(change, path):
    d = rules_dict([indicator("a", "goalposts", GOALPOSTS)])
    if "category_missing" in change:
        d["categories"][0]["missing"] = change["category_missing"]
    else:
        d.update(change)
    with pytest.raises(RulesError) as e:
        parse_rules(d)
    assert any(err.startswith(path) for err in e.value.errors), e.value.errors


def test_imputing_needs_the_grouping_column_in_the_counties_table():
    with pytest.raises(ScoringInputError, match="region"):
        run(example_rules(people="impute_group"), counties=COUNTIES.drop(columns="region"))


def test_an_exemption_for_an_unknown_county_is_refused_and_unscored_indicators_are_ignored():
    bad = pd.DataFrame({"county": ["X9"], "indicator": ["grain"]})
    with pytest.raises(ScoringInputError, match="X9"):
        run(example_rules(), exemptions=bad)
    ignored = pd.DataFrame({"county": ["X1"], "indicator": ["not_scored"]})
    assert totals(run(example_rules(), exemptions=ignored)) == totals(
        run(example_rules(), exemptions=None)
    )


def test_a_value_reported_for_an_exempt_indicator_is_not_scored_nor_a_reference():
    frame = pd.concat(
        [VALUES, values({"grain": {"X1": 100}})], ignore_index=True
    )  # X1 reports grain anyway: it would lead the indicator
    r = run(example_rules(exemptions="zero"), frame=frame)
    assert cell(r, "X1", "grain") == 0
    assert totals(r) == totals(run(example_rules(exemptions="zero")))


def test_without_exemptions_and_policies_the_result_is_the_plain_engines():
    """The default policy is today's: a missing_data section alone changes nothing."""
    plain = parse_rules(
        {k: v for k, v in rules_to_dict(example_rules()).items() if k != "missing_data"}
    )
    a = score(VALUES, plain, COUNTIES)
    b = score(VALUES, example_rules(), COUNTIES, exemptions=None)
    pd.testing.assert_frame_equal(a.counties, b.counties)
    pd.testing.assert_frame_equal(a.indicators, b.indicators)


# ------------------------------------------------------------------------------- properties

POLICIES = st.sampled_from(["pro_rata", "redistribute", "zero"])
LEVELS = st.sampled_from(["category", "total"])


def random_case(draw, n=6):
    codes = [f"k{i}" for i in range(n)]
    data = {}
    for code in ("gdp", "ind", "grain", "inc", "jobs"):
        data[code] = {
            c: draw(st.floats(0, 100, allow_nan=False).map(lambda v: round(v, 2)))
            for c in codes
            if draw(st.booleans()) or code == "gdp"
        }
    exempt = [(c, code) for c in codes for code in ("grain", "inc") if draw(st.integers(0, 4)) == 0]
    counties = pd.DataFrame(
        {"county": codes, "name": codes, "region": [draw(st.sampled_from("ab")) for _ in codes]}
    )
    exemptions = pd.DataFrame(exempt or [("k0", "grain")], columns=["county", "indicator"])
    return values(data), counties, exemptions


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), POLICIES, LEVELS, st.sampled_from(["zero", "available", "impute_group"]))
def test_permuting_the_counties_changes_nothing(data, policy, level, people):
    frame, counties, exemptions = random_case(data.draw)
    rules = example_rules(policy, level, people, count_exempt=data.draw(st.booleans()))
    rules = parse_rules({**rules_to_dict(rules), "missing_share_max": 1})
    order = data.draw(st.permutations(range(len(counties))))
    a = run(rules, exemptions, counties, frame)
    b = run(rules, exemptions.iloc[::-1], counties.iloc[list(order)], frame.iloc[::-1])
    cols = ["county", "total", "base_total", "rank"]
    left = a.counties[cols].astype({"county": str}).set_index("county").sort_index()
    right = b.counties[cols].astype({"county": str}).set_index("county").sort_index()
    pd.testing.assert_frame_equal(left, right)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), POLICIES, LEVELS, st.sampled_from(["zero", "available"]))
def test_an_exemption_never_changes_another_countys_score_on_non_relative_methods(
    data, policy, level, people
):
    frame, counties, exemptions = random_case(data.draw)
    rules = parse_rules(
        {**rules_to_dict(example_rules(policy, level, people)), "missing_share_max": 1}
    )
    extra = data.draw(st.sampled_from(counties["county"].tolist()))
    more = pd.concat(
        [exemptions, pd.DataFrame({"county": [extra], "indicator": ["jobs"]})], ignore_index=True
    )
    before, after = (
        totals(run(rules, exemptions, counties, frame)),
        totals(run(rules, more, counties, frame)),
    )
    for county in before:
        if county != extra:
            assert before[county] == after[county] or (
                np.isnan(before[county]) and np.isnan(after[county])
            )


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=2, max_size=2),
    st.sampled_from(["inc", "jobs"]),
)
def test_with_available_a_missing_value_at_the_category_mean_leaves_the_category_unchanged(
    reported, missing_code
):
    """The people category with a third indicator, care: with one of the three missing,
    reporting it at the mean share of the other two changes nothing."""
    d = rules_to_dict(example_rules(people="available"))
    d["indicators"].append(indicator("care", "goalposts", GOALPOSTS, category="people",
                                     weight=10))  # fmt: skip
    d["categories"][1]["weight"] = 50
    d["total"]["weight"] = 110
    d["indicator_decimals"] = None
    for c in d["categories"]:
        c["decimals"] = None
    d["total"]["decimals"] = None
    rules = parse_rules(d)
    other = "jobs" if missing_code == "inc" else "inc"
    data = {"gdp": {"Y": 50}, other: {"Y": reported[0]}, "care": {"Y": reported[1]}}
    without = score(values(data), rules)
    w = {"inc": 20, "jobs": 20, "care": 10}
    mean = (w[other] * reported[0] + w["care"] * reported[1]) / (w[other] + w["care"])
    data[missing_code] = {"Y": mean}
    with_it = score(values(data), rules)
    a = cell(without, "Y", "people", "subtotal", "categories")
    b = cell(with_it, "Y", "people", "subtotal", "categories")
    assert a == pytest.approx(b, rel=1e-12, abs=1e-12)


# ------------------------------------------------------------- gaps and stability honour them


@pytest.mark.parametrize("policy", ["pro_rata", "redistribute", "zero"])
@pytest.mark.parametrize("missing", ["zero", "available", "impute_group"])
def test_every_gap_with_exemptions_and_policies_matches_scoring_from_scratch(policy, missing):
    frame, rules, counties, bonuses = gap_case(np.random.default_rng(11), threshold=False)
    d = rules_to_dict(rules)
    d["missing_data"] = {"exemptions": policy, "imputation_group": "region"}
    d["categories"][1]["missing"] = missing
    rules = parse_rules(d)
    counties = counties.assign(region=["n", "n", "s", "s", "n", "n", "s", "s", "s"])
    exemptions = pd.DataFrame({"county": ["c0", "c5"], "indicator": ["tax", "energy"]})
    # c3 reports nothing in category b (rd and energy)
    frame = frame[~((frame["county"] == "c3") & frame["indicator"].isin(["rd", "energy"]))]
    out = gaps(frame, rules, counties, bonuses=bonuses, exemptions=exemptions)
    assert len(out) > 10
    assert not ((out["county"] == "c0") & (out["indicator"] == "tax")).any()
    assert_every_gap_matches_scoring_from_scratch(
        out, frame, rules, counties, bonuses=bonuses, exemptions=exemptions
    )


def test_stability_applies_the_policies_to_every_sample():
    """With no spread every sample is the base scoring, policies included."""
    rules = example_rules(people="impute_group")
    result = rank_stability(VALUES, rules, COUNTIES, samples=5, spread=0.0, exemptions=EXEMPT)
    base = run(rules)
    ranks = dict(zip(base.counties["county"], base.counties["rank"], strict=True))
    for row in result.samples.itertuples():
        assert row.rank == ranks[row.county]
    totals_ = totals(base)
    for row in result.samples.itertuples():
        assert row.total == pytest.approx(totals_[row.county])


# --------------------------------------------------------------------------- offline command

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


@pytest.fixture
def django_ready():
    apps = pytest.importorskip("django.apps").apps
    if not apps.ready:
        pytest.skip("Django is not set up (run with pytest-django and scorecard.settings)")


def test_score_csv_with_exemptions_and_a_grouping_column_reproduces_the_hand_example(
    django_ready, tmp_path
):
    """docs/examples/exemptions_example*: pro rata by category (X1's grain), people imputed by
    region (X3), the same figures as docs/rules.md §11."""
    from django.core.management import call_command

    out = tmp_path / "scores.csv"
    call_command(
        "score_csv",
        rules=str(EXAMPLES / "exemptions_example.json"),
        values=str(EXAMPLES / "exemptions_example_values.csv"),
        counties=str(EXAMPLES / "exemptions_example_counties.csv"),
        exemptions=str(EXAMPLES / "exemptions_example_exemptions.csv"),
        out=str(out),
    )
    written = pd.read_csv(out, encoding="utf-8-sig").set_index("county")
    assert written["total"].to_dict() == {"X1": 75.2, "X2": 50.0, "X3": 62.0, "X4": 44.0}
    assert written.loc["X1", "score.grain"] == 7.2
    assert written.loc["X1", "indicator_flags"] == "grain:exempt"
    assert written.loc["X3", "subtotal.people"] == 18
    assert written.loc["X3", "category_flags"] == "people:imputed"
    assert written.loc["X2", "indicator_flags"] == "jobs:missing"


def test_score_csv_refuses_an_exemption_for_an_indicator_the_rules_do_not_score(
    django_ready, tmp_path
):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    bad = tmp_path / "exemptions.csv"
    bad.write_text("county,indicator,reason\nX1,grian,typo\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"exemptions.csv row 1 \(line 2\), column 'indicator'"):
        call_command(
            "score_csv",
            rules=str(EXAMPLES / "exemptions_example.json"),
            values=str(EXAMPLES / "exemptions_example_values.csv"),
            counties=str(EXAMPLES / "exemptions_example_counties.csv"),
            exemptions=str(bad),
            out=str(tmp_path / "out.csv"),
        )


# ---------------------------------------------------------------------------- explanations


@pytest.mark.parametrize(
    "policy, formula, points",
    [
        ("pro_rata", "10 × 0.72 = 7.20", 7.2),
        ("redistribute", "", None),
        ("zero", "10 × 0 = 0.00", 0.0),
    ],
)
def test_an_exempt_row_is_explained_as_such(policy, formula, points):
    from indicators.scoring import explain_result

    r = run(example_rules(exemptions=policy))
    ex = explain_result(r, county="X1").set_index("indicator")
    assert ex.loc["grain", "case"] == "exempt"
    assert ex.loc["grain", "formula"] == formula
    if points is not None:
        assert ex.loc["grain", "points"] == points
    # every explained figure is the engine's, also out of a redistributed weight
    scores = r.indicators[r.indicators["county"] == "X1"].set_index("indicator")["score"]
    for code in ("gdp", "ind", "inc", "jobs"):
        assert ex.loc[code, "points"] == scores[code]
    if policy == "redistribute":
        assert ex.loc["gdp", "formula"].startswith("36")
