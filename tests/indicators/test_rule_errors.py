"""The engine's rule-set errors as officials read them: placed and reworded, never decided here."""

import pytest
from django.utils import translation

from indicators.rule_errors import explain, reword
from indicators.scoring import RulesError, parse_rules
from tests.indicators.scoring.scoring_helpers import indicator, rules_dict


@pytest.mark.parametrize(
    ("engine", "shown"),
    [
        ("params.target: must be greater than 0, got -1", "params.target：必须大于 0"),
        ("params.step: is required", "params.step：必须填写"),
        (
            "params.floor: must be between 0 and 1 (a share of the points)",
            "params.floor：必须在 0 和 1 之间",
        ),
        (
            "params.base: must be between 0 and the weight 8",
            "params.base：必须在 0 和本指标权重 8 之间",
        ),
        (
            "params.foo: unknown field (allowed: cap, target)",
            "params.foo：不认识的字段（可用：cap, target）",
        ),
        ('weight: must be a number, got "x"', 'weight：必须是数字（现为 "x"）'),
        ("something the table does not know", "something the table does not know"),
    ],
)
def test_common_engine_phrases_read_in_chinese(engine, shown):
    assert reword(engine) == shown


def test_and_in_english_through_the_catalogue():
    with translation.override("en"):
        assert (
            reword("params.target: must be greater than 0")
            == "params.target: must be greater than 0"
        )
        assert reword("params.step: is required") == "params.step: is required"


def test_a_parameter_error_is_placed_on_its_indicator_and_reworded():
    data = rules_dict([indicator("gdp", "target", {"target": -1}, basis={"type": "growth"})])
    with pytest.raises(RulesError) as caught:
        parse_rules(data)
    (error,) = explain(caught.value.errors, data)
    assert (error.level, error.index) == ("indicator", 0)
    assert error.message == "“gdp”：params.target：必须大于 0"
