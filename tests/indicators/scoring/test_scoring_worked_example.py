"""The worked example of docs/rules.md: the numbers printed there, checked."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from scoring_helpers import by_county

from indicators.scoring import read_counties, read_rules, read_values, score

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"
A, B, C, D = "360102", "360121", "360122", "360181"


@pytest.fixture(scope="module")
def result():
    return score(
        read_values(EXAMPLES / "worked_example_values.csv"),
        read_rules(EXAMPLES / "worked_example.json"),
        read_counties(EXAMPLES / "worked_example_counties.csv"),
    )


def test_bases(result):
    basis = by_county(result.indicators, "basis", indicator="gdp")
    assert basis == {A: 8.0, B: 8.0, C: 3.0, D: 6.0}
    revenue = by_county(result.indicators, "basis", indicator="revenue")
    assert [revenue[A], revenue[B], revenue[C]] == [10.0, 0.0, 5.0] and np.isnan(revenue[D])


@pytest.mark.parametrize(
    "code, ranks, points",
    [
        ("gdp", {A: 1, B: 1, C: 4, D: 3}, {A: 30, B: 30, C: 21, D: 24}),
        ("revenue", {A: 1, B: 3, C: 2, D: 3}, {A: 30, B: 18, C: 24, D: 18}),
        ("energy", {A: 1, B: 2, C: 3, D: np.nan}, {A: 18.52, B: 16.67, C: 13.89, D: 0}),
        ("forest", {A: 2, B: 1, C: 3, D: 4}, {A: 10, B: 16, C: 4, D: 0.2}),
    ],
)
def test_indicator_ranks_and_points(result, code, ranks, points):
    assert by_county(result.indicators, "rank", indicator=code) == pytest.approx(ranks, nan_ok=True)
    assert by_county(result.indicators, "score", indicator=code) == points


def test_flags(result):
    d = result.indicators[result.indicators["county"] == D]
    assert dict(zip(d["indicator"], d["flags"], strict=True)) == {
        "gdp": "", "revenue": "invalid_base", "energy": "missing", "forest": ""
    }  # fmt: skip
    # D is complete: 1 of 4 indicators missing is not more than missing_share_max 0.25
    assert by_county(result.counties, "flags")[D] == ""


def test_subtotals_totals_ranks_and_tiers(result):
    assert by_county(result.categories, "subtotal", category="growth") == {
        A: 60,
        B: 48,
        C: 45,
        D: 42,
    }
    assert by_county(result.categories, "subtotal", category="green") == {
        A: 28.52,
        B: 32.67,
        C: 17.89,
        D: 0.2,
    }
    assert by_county(result.counties, "total") == {A: 88.52, B: 80.67, C: 62.89, D: 42.2}
    assert by_county(result.counties, "rank") == {A: 1, B: 2, C: 3, D: 4}
    assert by_county(result.counties, "tier") == {
        A: "leading",
        B: "middle",
        C: "middle",
        D: "lagging",
    }
