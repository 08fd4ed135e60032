"""Rule sets: validation with messages that name the field, weight checks, exact round trip."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest
from scoring_helpers import indicator, rules_dict

from indicators.scoring import RulesError, parse_rules, rules_to_dict

ROOT = Path(__file__).resolve().parents[3]

SPEC_EXAMPLE = {
    "format": "scorecard-rules/1",
    "name": "2025年度县区经济发展考核办法",
    "year": 2025,
    "version": 1,
    "total": {"weight": 100, "points": 100, "aggregation": "sum", "decimals": 2},
    "indicator_decimals": 2,
    "rank_on": "rounded",
    "missing_share_max": 0.2,
    "tiers": {"leading": 0.3333, "lagging": 0.3333},
    "peer_groups": None,
    "period_weights": None,
    "bonus": {"bonus_cap": 5, "penalty_cap": 5},
    "improvement": None,
    "categories": [
        {"code": "growth", "name": "主要经济指标", "weight": 40, "aggregation": "sum",
         "decimals": 2},
        {"code": "green", "name": "生态环境", "weight": 60, "aggregation": "geometric",
         "decimals": 1},
    ],
    "indicators": [
        {"code": "gdp", "name": "地区生产总值", "category": "growth", "weight": 10,
         "basis": {"type": "growth"}, "direction": "higher", "decimals": 1,
         "method": "rank_points", "params": {"step": 0.05, "floor": 0.5}, "frequency": "monthly"},
        {"code": "rev", "name": "一般公共预算收入", "category": "growth", "weight": 30,
         "basis": {"type": "value"}, "direction": "higher", "decimals": 2,
         "method": "efficacy", "params": {"base": 0.6, "worst": None, "best": 1000},
         "frequency": "quarterly"},
        {"code": "energy", "name": "单位GDP能耗", "category": "green", "weight": 35.5,
         "basis": {"type": "ratio", "denominator": "gdp", "factor": 10000}, "direction": "lower",
         "decimals": 3, "method": "stepped",
         "params": {"target": 0.5, "base": 20, "per_step": 1, "step": 2, "step_unit": "percent",
                    "max_up": 5, "max_down": 10},
         "frequency": "monthly"},
        {"code": "forest", "name": "森林覆盖率", "category": "green", "weight": 24.5,
         "basis": {"type": "value"}, "direction": "higher", "decimals": None,
         "method": "threshold_rank",
         "params": {"threshold": 40, "threshold_points": 10, "step": 0.1, "floor": 0.2},
         "frequency": "monthly"},
    ],
}  # fmt: skip


def errors_of(d) -> list[str]:
    with pytest.raises(RulesError) as info:
        parse_rules(d)
    return info.value.errors


def test_spec_example_round_trips_exactly():
    rules = parse_rules(SPEC_EXAMPLE)
    back = rules_to_dict(rules)
    assert back == SPEC_EXAMPLE
    assert json.dumps(back, ensure_ascii=False) == json.dumps(SPEC_EXAMPLE, ensure_ascii=False)
    assert parse_rules(back) == rules


@pytest.mark.parametrize("name", ["hdi_2022.json", "worked_example.json"])
def test_committed_examples_round_trip_exactly(name):
    d = json.loads((ROOT / "docs" / "examples" / name).read_text(encoding="utf-8"))
    assert rules_to_dict(parse_rules(d)) == d


def test_omitted_fields_take_documented_defaults_and_then_round_trip():
    minimal = {
        "format": "scorecard-rules/1",
        "year": 2025,
        "total": {"weight": 10},
        "categories": [{"code": "c", "weight": 10}],
        "indicators": [
            {"code": "x", "category": "c", "weight": 10, "basis": {"type": "value"},
             "method": "zscore"}
        ],
    }  # fmt: skip
    rules = parse_rules(minimal)
    assert rules.total.points_value == 10 and rules.total.decimals == 2
    assert rules.indicator_decimals == 2 and rules.rank_on == "rounded"
    assert rules.indicators[0].direction == "higher" and rules.indicators[0].decimals is None
    assert rules.indicators[0].param("clip") == 3.0
    canonical = rules_to_dict(rules)
    assert rules_to_dict(parse_rules(canonical)) == canonical
    assert parse_rules(canonical) == rules


def test_numbers_keep_their_type_through_the_round_trip():
    d = copy.deepcopy(SPEC_EXAMPLE)
    d["categories"][0]["weight"] = Decimal("40.0")
    back = rules_to_dict(parse_rules(d))
    assert isinstance(back["categories"][0]["weight"], Decimal)
    assert isinstance(back["indicators"][2]["weight"], float)
    assert isinstance(back["total"]["weight"], int)


# ---------------------------------------------------------------------------------- weight sums


def test_indicator_weights_not_adding_up_to_the_category_weight_name_category_and_amount():
    d = copy.deepcopy(SPEC_EXAMPLE)
    d["indicators"][1]["weight"] = 25  # growth: 10 + 25 = 35, not 40
    assert errors_of(d) == [
        'categories[0] "growth": indicator weights add up to 35, not the category weight 40 '
        "(5 short)"
    ]


def test_category_weights_not_adding_up_to_the_total_name_the_total_and_amount():
    d = copy.deepcopy(SPEC_EXAMPLE)
    d["total"]["weight"] = 99.5
    assert errors_of(d) == [
        "total.weight: category weights add up to 100, not total.weight 99.5 (0.5 over)"
    ]


def test_weights_are_added_as_the_decimals_written_not_as_binary_floats():
    # 0.1 + 0.2 != 0.3 in binary; 33.3 + 33.3 + 33.4 == 100 only as decimals
    parse_rules(
        rules_dict(
            [indicator("a", "zscore", weight=0.1), indicator("b", "zscore", weight=0.2)],
            categories=[{"code": "main", "name": "m", "weight": 0.3}],
        )
    )
    parse_rules(
        rules_dict(
            [
                indicator(c, "zscore", category=c, weight=w)
                for c, w in zip("abc", [33.3, 33.3, 33.4], strict=True)
            ],
            categories=[
                {"code": c, "weight": w} for c, w in zip("abc", [33.3, 33.3, 33.4], strict=True)
            ],
            total={"weight": 100},
        )
    )


def test_both_levels_are_reported_together():
    d = copy.deepcopy(SPEC_EXAMPLE)
    d["indicators"][0]["weight"] = 11
    d["categories"][1]["weight"] = 59
    errors = errors_of(d)
    assert errors[0].startswith('categories[0] "growth": indicator weights add up to 41')
    assert errors[1].startswith('categories[1] "green": indicator weights add up to 60')
    assert (
        errors[2] == "total.weight: category weights add up to 99, not total.weight 100 (1 short)"
    )


# ----------------------------------------------------------------------- fields and their paths


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (
            lambda d: d["indicators"][3].update(weight=-1),
            "indicators[3].weight: must be greater than 0, got -1",
        ),
        (
            lambda d: d["indicators"][0].update(method="magic"),
            "indicators[0].method: must be one of",
        ),
        (
            lambda d: d["indicators"][0]["params"].pop("step"),
            "indicators[0].params.step: is required",
        ),
        (
            lambda d: d["indicators"][0]["params"].update(stpe=1),
            "indicators[0].params.stpe: unknown field",
        ),
        (
            lambda d: d["indicators"][2]["params"].update(max_up=20),
            "indicators[2].params.max_up: base + max_up = 40 exceeds the weight 35.5",
        ),
        (
            lambda d: d["indicators"][2]["params"].update(step_unit="%"),
            "indicators[2].params.step_unit: must be one of percent, points",
        ),
        (
            lambda d: d["indicators"][1]["params"].update(worst=2000),
            "indicators[1].params.best: must be better than worst",
        ),
        (
            lambda d: d["indicators"][2]["basis"].pop("denominator"),
            "indicators[2].basis.denominator: is required",
        ),
        (
            lambda d: d["indicators"][0].update(basis={"type": "growth", "factor": 2}),
            'indicators[0].basis.factor: is only allowed with "type": "ratio"',
        ),
        (
            lambda d: d["indicators"][0].update(category="nope"),
            'indicators[0].category: unknown category "nope"',
        ),
        (
            lambda d: d["indicators"][1].update(code="gdp"),
            'indicators[1].code: duplicate indicator code "gdp"',
        ),
        (
            lambda d: d["indicators"][1].update(decimals=1.5),
            "indicators[1].decimals: must be a whole number",
        ),
        (
            lambda d: d["indicators"][1].update(frequency="weekly"),
            "indicators[1].frequency: must be one of",
        ),
        (
            lambda d: d["indicators"][1].update(weight=True),
            "indicators[1].weight: must be a number, got true",
        ),
        (lambda d: d.update(format="scorecard-rules/2"), 'format: must be "scorecard-rules/1"'),
        (lambda d: d.update(colour="red"), "colour: unknown field"),
        (lambda d: d.pop("year"), "year: is required"),
        (lambda d: d.update(rank_on="exact"), "rank_on: must be one of"),
        (lambda d: d.update(missing_share_max=1.5), "missing_share_max: must be at most 1"),
        (
            lambda d: d.update(tiers={"leading": 0.6, "lagging": 0.5}),
            "tiers: leading + lagging must not exceed 1",
        ),
        (
            lambda d: d.update(
                peer_groups={"by": "kind", "groups": {"a": ["county"], "b": ["county"]}}
            ),
            'peer_groups.groups.b: "county" is already in group "a"',
        ),
        (
            lambda d: d.update(peer_groups={"by": "kind", "groups": {"a": ["city"]}}),
            'peer_groups.groups.a: unknown county kind "city"',
        ),
        (
            lambda d: d.update(period_weights={"13": 1}),
            'period_weights.13: keys must be months "1" to "12"',
        ),
        (lambda d: d.update(improvement={"cap": 2}), "improvement.points_per_place: is required"),
        (lambda d: d["total"].update(aggregation="max"), "total.aggregation: must be one of"),
        (lambda d: d.update(categories=[]), "categories: must be a non-empty list"),
    ],
)
def test_invalid_fields_are_reported_with_their_path(mutate, expected):
    d = copy.deepcopy(SPEC_EXAMPLE)
    mutate(d)
    errors = errors_of(d)
    assert any(e.startswith(expected) for e in errors), errors


def test_all_field_errors_are_reported_at_once_and_in_the_message():
    d = copy.deepcopy(SPEC_EXAMPLE)
    d["indicators"][0]["weight"] = "ten"
    d["indicators"][3]["direction"] = "up"
    with pytest.raises(RulesError) as info:
        parse_rules(d)
    assert len(info.value.errors) == 2
    assert "indicators[0].weight" in str(info.value) and "indicators[3].direction" in str(
        info.value
    )


def test_not_an_object_at_all():
    assert errors_of([1, 2]) == ["rules: must be an object, got a list"]
