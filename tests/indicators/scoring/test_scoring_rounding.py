"""Half-up rounding at published precision, robust to binary noise."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.scoring import round_decimal, round_half_up


@pytest.mark.parametrize(
    "x, decimals, expected",
    [
        (2.675, 2, 2.68),  # the double is 2.67499999999999982...
        (1.005, 2, 1.01),
        (0.125, 2, 0.13),
        (2.5, 0, 3.0),
        (-2.5, 0, -3.0),  # halves go away from zero
        (-0.004, 2, 0.0),  # and never "-0.0"
        (8.000000000000007, 1, 8.0),
        (7.999999999999985, 1, 8.0),
        (1234567.895, 2, 1234567.9),
        (0.9665234, 3, 0.967),
        (123.456, None, 123.456),
    ],
)
def test_known_values(x, decimals, expected):
    got = round_half_up(np.array([x]), decimals)[0]
    assert got == expected and str(got) == str(expected)
    assert round_decimal(x, decimals) == expected


def test_one_ulp_below_a_half_is_noise_and_rounds_up():
    x = np.nextafter(1234567.895, 0)  # 1234567.8949999998, as arithmetic might leave it
    assert round_half_up(np.array([x]), 2)[0] == 1234567.9
    assert round_half_up(np.array([1234567.8949]), 2)[0] == 1234567.89  # a real digit is not


def test_many_significant_digits_are_not_pushed_over_a_unit():
    assert round_half_up(np.array([12345678.9012341]), 6)[0] == 12345678.901234


def test_nan_and_infinity_pass_through_and_huge_values_are_left_alone():
    out = round_half_up(np.array([np.nan, np.inf, -np.inf, 1e300, 2.0**60 + 0.0]), 2)
    assert np.isnan(out[0]) and out[1] == np.inf and out[2] == -np.inf
    assert out[3] == 1e300 and out[4] == 2.0**60


@given(
    st.decimals(min_value=-(10**7), max_value=10**7, places=6, allow_nan=False),
    st.integers(min_value=0, max_value=5),
)
def test_matches_decimal_rounding_of_the_written_number(d, decimals):
    expected = float(d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    assert round_half_up(np.array([float(d)]), decimals)[0] == expected


@given(
    st.integers(min_value=1, max_value=10**6),
    st.integers(min_value=1, max_value=10**6),
    st.integers(min_value=0, max_value=3),
)
def test_growth_rates_round_as_exact_arithmetic_would(v10, p10, decimals):
    """(v / p - 1) * 100 for values with one decimal: float noise must not move a rounding."""
    v, p = v10 / 10, p10 / 10
    with localcontext() as ctx:
        ctx.prec = 50
        exact = (Decimal(v10) / Decimal(p10) - 1) * 100
        expected = float(exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    assert round_half_up(np.array([(v / p - 1.0) * 100.0]), decimals)[0] == expected


@given(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.one_of(st.none(), st.integers(min_value=0, max_value=8)),
)
def test_the_scalar_rounding_is_the_array_rounding_to_the_bit(x, decimals):
    from indicators.scoring.rounding import round_half_up_scalar

    vector = float(round_half_up(np.array([x]), decimals)[0])
    scalar = round_half_up_scalar(x, decimals)
    assert (math.isnan(vector) and math.isnan(scalar)) or (
        scalar == vector and math.copysign(1, scalar) == math.copysign(1, vector)
    )
