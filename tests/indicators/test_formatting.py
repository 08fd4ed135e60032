"""One text per figure: half-up rounding, the indicator's decimals and unit, fixed growth and
points forms. Pure functions of unsaved model instances: no database."""

from decimal import Decimal

import pytest
from django.utils import translation

from indicators.formatting import (
    basis_text,
    basis_unit,
    count_text,
    growth_text,
    number_text,
    points_number,
    points_text,
    rank_change_text,
    round_half_up,
    share_text,
    signed_points_text,
    value_text,
)
from indicators.models import Indicator, RuleSetIndicator, Unit


def indicator(unit: str = Unit.YI_YUAN, decimals: int = 2) -> Indicator:
    return Indicator(code="x", name="指标", name_en="Indicator", unit=unit, decimals=decimals)


def rule(basis: str, ind: Indicator | None = None, **fields) -> RuleSetIndicator:
    return RuleSetIndicator(indicator=ind or indicator(), basis=basis, **fields)


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (2.675, 2, "2.68"),  # binary 2.67499999…: f"{2.675:.2f}" gives 2.67
        (1.005, 2, "1.01"),  # binary 1.00499999…
        (0.125, 2, "0.13"),  # exact in binary: half-even would give 0.12
        (0.5, 0, "1"),
        (2.5, 0, "3"),  # half-even would give 2
        (Decimal("2.675"), 2, "2.68"),
        (Decimal("6.5"), 2, "6.50"),
        (-2.675, 2, "-2.68"),  # halves away from zero
        (Decimal("-0.125"), 2, "-0.13"),
        (Decimal("-0.001"), 2, "0.00"),  # no negative zero
        (Decimal("1234.5"), 2, "1234.50"),
        (Decimal("1E+3"), 2, "1000.00"),  # never exponent notation
        (359, 0, "359"),
    ],
)
def test_number_text_rounds_half_up(value, places, text):
    assert number_text(value, places) == text
    assert round_half_up(value, places) == Decimal(text)


def test_none_reads_as_a_dash_everywhere():
    ind = indicator()
    assert number_text(None, 2) == "–"
    assert value_text(None, ind) == "–"
    assert growth_text(None) == "–"
    assert basis_text(None, rule("growth", ind)) == "–"
    assert points_text(None) == "–" and points_number(None) == "–"
    assert count_text(None, Unit.ENTERPRISES) == "–"
    assert share_text(None) == "–"


@pytest.mark.parametrize(
    ("unit", "decimals", "value", "text"),
    [
        (Unit.YI_YUAN, 2, Decimal("1234.5"), "1234.50 亿元"),
        (Unit.WAN_YUAN, 0, Decimal("86234.5"), "86235 万元"),
        (Unit.YUAN, 0, Decimal("52310"), "52310 元"),
        (Unit.WAN_USD, 0, Decimal("-120.5"), "-121 万美元"),
        (Unit.YI_USD, 2, Decimal("3.456"), "3.46 亿美元"),
        (Unit.PERCENT, 1, Decimal("94.45"), "94.5%"),  # no space before %, as every growth
        (Unit.COUNT, 0, Decimal("12"), "12 个"),
        (Unit.ENTERPRISES, 2, Decimal("359"), "359 家"),  # whole things: never decimals
        (Unit.PERSONS, 1, Decimal("1280.4"), "1280 人"),
        (Unit.TCE_PER_WAN_YUAN, 3, 0.4125, "0.413 吨标准煤/万元"),
        (Unit.DAYS, 0, Decimal("300"), "300 天"),
        (Unit.POINTS, 2, Decimal("7.5"), "7.50 分"),
    ],
)
def test_value_text_takes_the_indicators_decimals_and_unit(unit, decimals, value, text):
    assert value_text(value, indicator(unit, decimals)) == text


def test_growth_has_two_decimals_and_keeps_its_sign():
    assert growth_text(Decimal("6.5")) == "6.50%"
    assert growth_text(Decimal("-3.2")) == "-3.20%"
    assert growth_text(Decimal("11.75")) == "11.75%"
    assert growth_text(Decimal(17) / 3) == "5.67%"
    assert growth_text(1.005) == "1.01%"
    assert growth_text(0) == "0.00%"


def test_a_basis_reads_in_its_own_terms():
    gdp = indicator(Unit.YI_YUAN, 2)
    unemployment = indicator(Unit.PERCENT, 2)
    rd = indicator(Unit.YI_YUAN, 2)
    assert basis_text(Decimal("6.5"), rule("growth", gdp, decimals=1)) == "6.50%"
    assert basis_text(Decimal("1234.5"), rule("value", gdp, decimals=1)) == "1234.50 亿元"
    assert basis_text(Decimal("3.2"), rule("value", unemployment, decimals=2)) == "3.20%"
    share = rule("ratio", rd, decimals=2, factor=Decimal("100.0000"))
    assert basis_text(Decimal("2.2"), share) == "2.20%"
    assert basis_unit(share) == "%"
    per = rule("ratio", rd, decimals=3, factor=Decimal("1"))
    assert basis_text(Decimal("0.1235"), per) == "0.124 亿元"  # not a percentage: the unit
    assert basis_unit(per) == "亿元"
    unrounded = rule("ratio", rd, decimals=None, factor=None)
    assert basis_text(Decimal("0.456"), unrounded) == "0.46 亿元"
    assert basis_unit(rule("growth", gdp)) == "%"


def test_a_target_reads_like_the_basis_it_is_compared_with():
    """7 % as a growth target, 2.2 as a ratio target, 5 as a level target: the figure the
    basis column shows beside them has the same decimals and unit."""
    growth = rule("growth", indicator(), decimals=1)
    assert basis_text(Decimal("7"), growth) == basis_text(Decimal("7.0"), growth) == "7.00%"
    ratio = rule("ratio", indicator(), decimals=2, factor=100)
    assert basis_text(Decimal("2.2"), ratio) == "2.20%"
    level = rule("value", indicator(Unit.PERCENT, 1), decimals=1)
    assert basis_text(Decimal("5"), level) == "5.0%"


def test_points_and_rank_changes():
    assert points_text(Decimal("7.5")) == "7.50 分"
    assert points_text(Decimal("-1.005")) == "-1.01 分"
    assert points_number(Decimal("96")) == "96.00"
    assert rank_change_text(2) == ("up", "↑2")
    assert rank_change_text(-1) == ("down", "↓1")
    assert rank_change_text(0) == ("", "–")
    assert rank_change_text(None) == ("", "–")


def test_parts_added_to_a_total_carry_their_sign():
    assert signed_points_text(Decimal("2")) == "+2.00"
    assert signed_points_text(Decimal("-1.505")) == "-1.51"
    assert signed_points_text(Decimal("0")) == "–"
    assert signed_points_text(None) == "–"


def test_counts_never_show_decimals():
    assert count_text(Decimal("359.5"), Unit.ENTERPRISES) == "360 家"
    assert count_text(12, Unit.PERSONS) == "12 人"


def test_shares_are_percentages_rounded_half_up():
    assert share_text(0.675) == "68%"
    assert share_text(0.665) == "67%"  # 66.5: half-even would give 66
    assert share_text(Decimal("0.5"), 1) == "50.0%"


def test_english_labels():
    with translation.override("en"):
        assert value_text(Decimal("1234.5"), indicator(Unit.YI_YUAN)) == "1234.50 100 million yuan"
        assert value_text(Decimal("359"), indicator(Unit.ENTERPRISES, 0)) == "359 enterprises"
        assert value_text(Decimal("94.45"), indicator(Unit.PERCENT, 1)) == "94.5%"
        assert count_text(12, Unit.PERSONS) == "12 persons"
        assert points_text(Decimal("7.5")) == "7.50 pts"
        assert growth_text(Decimal("-3.2")) == "-3.20%"
        per = rule("ratio", indicator(Unit.TCE_PER_WAN_YUAN, 3), decimals=3, factor=1)
        assert basis_text(Decimal("0.5"), per) == "0.500 tce per 10,000 yuan"
        assert basis_unit(per) == "tce per 10,000 yuan"
