"""After the total: bonuses, improvement, vetoes, tiers, rank change, the annual result, and
input errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scoring_helpers import by_county, indicator, rules_dict, values

from indicators.scoring import ScoringInputError, annual, parse_rules, score

GOAL = {"lower": 0, "upper": 10}


def simple_rules(**top):
    return parse_rules(rules_dict([indicator("a", "goalposts", GOAL)], **top))


def test_bonuses_and_penalties_are_summed_then_capped_separately():
    rules = simple_rules(bonus={"bonus_cap": 5, "penalty_cap": 5})
    bonuses = pd.DataFrame(
        [
            ("A", "2025-06", 3, "重大项目"),
            ("A", "2025-06", 4, "招商引资"),  # 7 -> capped at 5
            ("B", "2025-06", -2, "安全生产"),
            ("B", "2025-06", -4, "环保督察"),  # -6 -> capped at -5
            ("C", "2025-06", 3, "重大项目"),
            ("C", "2025-06", -2, "安全生产"),  # bonus 3 and penalty 2: +1
            ("D", "2025-07", 1, "other period: ignored"),
        ],
        columns=["county", "period", "points", "reason"],
    )
    result = score(values({"a": {"A": 5, "B": 5, "C": 5, "D": 4}}), rules, bonuses=bonuses)
    assert by_county(result.counties, "bonus") == {"A": 5, "B": 0, "C": 3, "D": 0}
    assert by_county(result.counties, "penalty") == {"A": 0, "B": -5, "C": -2, "D": 0}
    assert by_county(result.counties, "base_total") == {"A": 50, "B": 50, "C": 50, "D": 40}
    assert by_county(result.counties, "total") == {"A": 55, "B": 45, "C": 51, "D": 40}
    assert by_county(result.counties, "rank") == {"A": 1, "B": 3, "C": 2, "D": 4}


def test_bonus_for_an_unknown_county_is_an_error():
    bonuses = pd.DataFrame([("X", "2025-06", 1)], columns=["county", "period", "points"])
    with pytest.raises(ScoringInputError, match="bonuses row 1, column 'county': unknown county"):
        score(values({"a": {"A": 5}}), simple_rules(), bonuses=bonuses)


def test_improvement_points_for_places_gained_against_base_ranks_capped():
    rules = simple_rules(
        improvement={
            "points_per_place": 0.5,
            "cap": 1,
            "penalty_per_place": 0.25,
            "penalty_cap": 0.5,
        }
    )
    # 50, 49.9, 49, 40, 30: first-pass ranks 1-5
    data = values({"a": {"A": 5, "B": 4.99, "C": 4.9, "D": 4, "E": 3}})
    base_ranks = {"A": 3, "B": 5, "C": 2, "D": 1, "E": 4}
    result = score(data, rules, base_ranks=base_ranks)
    # gained: A 2 places -> 1 (the cap); B 3 -> 1.5 capped at 1; C lost 1 -> -0.25;
    # D lost 3 -> -0.75 capped at -0.5; E lost 1 -> -0.25
    assert by_county(result.counties, "improvement") == {
        "A": 1, "B": 1, "C": -0.25, "D": -0.5, "E": -0.25
    }  # fmt: skip
    assert by_county(result.counties, "total") == pytest.approx(
        {"A": 51, "B": 50.9, "C": 48.75, "D": 39.5, "E": 29.75}
    )
    assert by_county(result.counties, "rank") == {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5}
    assert by_county(result.counties, "base_rank") == base_ranks
    assert by_county(result.counties, "first_rank") == {"A": 1, "B": 2, "C": 3, "D": 4, "E": 5}


def test_improvement_compares_places_among_the_counties_ranked_in_both():
    rules = simple_rules(improvement={"points_per_place": 0.5, "cap": 1, "penalty_per_place": 0.25})
    data = values({"a": {"A": 5, "B": 4.99, "C": 4.9, "D": 4}})  # 50, 49.9, 49, 40: ranks 1-4
    # last year's 5th place: among these four, B was 4th (A 1, D 1, C 3, B 4)
    base_ranks = {"A": 1, "B": 5, "C": 2, "D": 1}
    result = score(data, rules, base_ranks=base_ranks)
    c = result.counties.set_index("county")
    assert c["base_rank"].to_dict() == {"A": 1, "B": 4, "C": 3, "D": 1}
    assert c["first_rank"].to_dict() == {"A": 1, "B": 2, "C": 3, "D": 4}
    # B gained 2 places -> 1; C kept 3rd -> 0; D lost 3 -> -0.75
    assert c["improvement"].to_dict() == {"A": 0, "B": 1, "C": 0, "D": -0.75}
    assert c["total"].to_dict() == pytest.approx({"A": 50, "B": 50.9, "C": 49, "D": 39.25})
    assert c["rank"].to_dict() == {"A": 2, "B": 1, "C": 3, "D": 4}


def test_base_ranks_are_ignored_when_the_rules_have_no_improvement():
    result = score(values({"a": {"A": 5, "B": 4}}), simple_rules(), base_ranks={"A": 9, "B": 1})
    assert by_county(result.counties, "improvement") == {"A": 0, "B": 0}


def test_vetoed_county_keeps_score_and_rank_but_is_never_leading():
    result = score(values({"a": {"A": 9, "B": 5, "C": 1}}), simple_rules(), vetoes=["A"])
    c = result.counties.set_index("county")
    assert c.loc["A", "rank"] == 1 and c.loc["A", "total"] == 90
    assert c.loc["A", "tier"] == "vetoed" and c.loc["A", "flags"] == "vetoed"
    assert c.loc["B", "tier"] == "middle" and c.loc["C", "tier"] == "lagging"


def test_a_veto_for_a_county_not_being_scored_marks_nothing():
    result = score(values({"a": {"A": 9}}), simple_rules(), vetoes=["X"])
    assert result.counties["flags"].tolist() == [""]


@pytest.mark.parametrize(
    "data, leading, lagging",
    [
        ([9, 8, 7, 6, 5, 4, 3, 2, 1], "ABC", "GHI"),
        ([9, 8, 7, 7, 5, 4, 3, 2, 2], "ABCD", "GHI"),  # tie at 3rd: both leading
        ([9, 8, 7, 6, 5, 4, 4, 2, 1], "ABC", "HI"),  # tie at 6th/7th: neither lagging
    ],
)
def test_tiers_take_a_third_each_by_rank_ties_falling_on_the_better_side(data, leading, lagging):
    result = score(values({"a": dict(zip("ABCDEFGHI", data, strict=True))}), simple_rules())
    tiers = by_county(result.counties, "tier")
    assert "".join(sorted(c for c, t in tiers.items() if t == "leading")) == leading
    assert "".join(sorted(c for c, t in tiers.items() if t == "lagging")) == lagging


def test_rank_change_against_the_previous_period_and_previous_ranks():
    data = pd.concat(
        [
            values({"a": {"A": 9, "B": 5, "C": 1}}, period="2025-01"),
            values({"a": {"A": 1, "B": 5, "C": 9}}, period="2025-02"),
            values({"a": {"A": 1, "B": 9, "C": 5}}, period="2025-03"),
        ]
    )
    result = score(data, simple_rules(), previous_ranks={"A": 3, "B": 2})
    c = result.counties.set_index(["period", "county"])
    # C had no previous place: among A and B, B was ahead and now A is
    assert c.loc[("2025-01", "A"), "rank_change"] == 1
    assert c.loc[("2025-01", "B"), "rank_change"] == -1
    assert np.isnan(c.loc[("2025-01", "C"), "rank_change"])
    assert c.loc[("2025-02", "A"), "rank_change"] == -2
    assert c.loc[("2025-03", "B"), "rank_change"] == 1
    assert c.loc[("2025-03", "C"), "rank_change"] == -1


def test_annual_weights_the_period_totals_renormalised_over_the_periods_present():
    rules = simple_rules(period_weights={"3": 15, "6": 25, "9": 25, "12": 35}, missing_share_max=0)
    data = pd.concat(
        [
            values({"a": {"A": 4, "B": 6, "C": 5}}, period="2025-03"),
            values({"a": {"A": 8, "B": 6, "C": 5}}, period="2025-05"),  # no weight: not counted
            values({"a": {"A": 8, "B": 6}}, period="2025-06"),  # C missing: incomplete
        ]
    )
    result = score(data, rules)
    year = annual(result).set_index("county")
    assert year.loc["A", "total"] == pytest.approx((15 * 40 + 25 * 80) / 40)  # 65
    assert year.loc["B", "total"] == pytest.approx(60)
    assert np.isnan(year.loc["C", "total"]) and "incomplete" in year.loc["C", "flags"]
    assert year.loc["A", "rank"] == 1 and year.loc["B", "rank"] == 2
    assert year.loc["A", "flags"] == "partial" and year.loc["A", "periods"] == "2025-03,2025-06"


def test_annual_without_period_weights_is_an_error():
    with pytest.raises(ValueError, match="no period_weights"):
        annual(score(values({"a": {"A": 4}}), simple_rules()))


# ---------------------------------------------------------------------------------- input errors


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda v: pd.concat([v, v.iloc[[1]]]), r"values row 4: duplicate row"),
        (
            lambda v: v.assign(period=["2025-06", "2025-13", "2025-06"]),
            r'row 2, column .period.: "2025-13" is not a period',
        ),
        (
            lambda v: v.assign(period=["2025-06", "2024-06", "2025-06"]),
            r"outside the rules' year 2025",
        ),
        (lambda v: v.drop(columns="value"), r"values column 'value': missing column"),
        (
            lambda v: v.assign(value=["1", "x", "2"]),
            r"values row 2, column 'value': 'x' is not a number",
        ),
        (lambda v: v.assign(county=["A", None, "C"]), r"values row 2, column 'county': is empty"),
        (lambda v: v.iloc[:0], r"values: has no rows"),
    ],
)
def test_bad_values_frames_name_the_row_and_column(mutate, message):
    with pytest.raises(ScoringInputError, match=message):
        score(mutate(values({"a": {"A": 5, "B": 4, "C": 3}})), simple_rules())


def test_values_for_a_county_missing_from_the_counties_table_is_an_error():
    counties = pd.DataFrame({"county": ["A", "B"], "name": ["a", "b"]})
    with pytest.raises(
        ScoringInputError, match=r"values row 3, column 'county': county 'C' is not"
    ):
        score(values({"a": {"A": 5, "B": 4, "C": 3}}), simple_rules(), counties)


def test_counties_without_values_are_missing_everything():
    counties = pd.DataFrame({"county": ["A", "B", "N"], "name": ["a", "b", "new"]})
    result = score(values({"a": {"A": 5, "B": 4}}), simple_rules(missing_share_max=0.5), counties)
    c = result.counties.set_index("county")
    assert c.loc["N", "flags"] == "incomplete" and np.isnan(c.loc["N", "total"])
    assert list(c.index) == ["A", "B", "N"]  # the counties table's order


def test_categorical_label_columns_work_like_strings():
    plain = values({"a": {"A": 5, "B": 4, "C": 3}})
    cat = plain.astype({"county": "category", "indicator": "category", "period": "category"})
    a, b = score(plain, simple_rules()), score(cat, simple_rules())
    pd.testing.assert_frame_equal(a.counties, b.counties)
    cat.loc[1, "county"] = None
    with pytest.raises(ScoringInputError, match="values row 2, column 'county': is empty"):
        score(cat, simple_rules())


def test_rows_of_indicators_that_the_rules_do_not_use_are_ignored():
    result = score(values({"a": {"A": 5}, "other": {"A": 1}}), simple_rules())
    assert result.indicators["indicator"].tolist() == ["a"]
