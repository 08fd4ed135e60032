"""UNDP's Human Development Index 2022 as a rule set: every published value (3 decimals) and every
published rank must come out of the ordinary engine, through score() and the offline command."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from indicators.scoring import parse_rules, read_rules, score, score_files

ROOT = Path(__file__).resolve().parents[3]
RULES = ROOT / "docs" / "examples" / "hdi_2022.json"
DATA = ROOT / "tests" / "data"
INPUTS = {
    "le": "life_expectancy",
    "eys": "expected_years_schooling",
    "mys": "mean_years_schooling",
    "gni": "gni_per_capita_ppp",
}


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    return pd.read_csv(DATA / "hdi_2022.csv", dtype={"iso3": str})


def to_long(wide: pd.DataFrame) -> pd.DataFrame:
    long = wide.melt(id_vars="iso3", value_vars=list(INPUTS.values()), value_name="value")
    long["indicator"] = long["variable"].map({v: k for k, v in INPUTS.items()})
    long["period"] = "2022-12"
    long["prior_value"] = None
    return long.rename(columns={"iso3": "county"})[
        ["county", "indicator", "period", "value", "prior_value"]
    ]


def check_against_published(totals: pd.Series, ranks: pd.Series, published: pd.DataFrame):
    assert len(totals) == len(published) == 193
    expected = published.set_index("iso3")
    mismatched = [c for c in expected.index if totals[c] != expected.loc[c, "published_hdi"]]
    assert mismatched == []
    wrong_rank = [c for c in expected.index if ranks[c] != expected.loc[c, "published_rank"]]
    assert wrong_rank == []


def test_rule_set_is_the_documented_undp_method():
    rules = parse_rules(json.loads(RULES.read_text(encoding="utf-8")))
    assert rules.total.aggregation == "geometric" and rules.total.decimals == 3
    assert float(rules.total.weight) == 3 and rules.total.points_value == 1
    assert {i.method for i in rules.indicators} == {"goalposts"}
    assert [i.code for i in rules.indicators if i.param("log")] == ["gni"]
    assert all(i.decimals is None for i in rules.indicators)


def test_score_reproduces_every_published_hdi_value_and_rank(published):
    result = score(to_long(published), read_rules(RULES))
    c = result.counties.set_index(result.counties["county"].astype(str))
    check_against_published(c["total"], c["rank"], published)
    # the education index is the arithmetic mean of its two schooling indices
    che = result.categories[
        (result.categories["county"] == "CHE") & (result.categories["category"] == "education")
    ]
    assert che["subtotal"].iloc[0] == pytest.approx((16.5837307 / 18 + 13.90406622 / 15) / 2)


def test_offline_files_reproduce_every_published_hdi_value_and_rank(published, tmp_path):
    out = tmp_path / "hdi_scores.csv"
    score_files(RULES, DATA / "hdi_2022_values.csv", out, DATA / "hdi_2022_counties.csv")
    written = pd.read_csv(out, dtype={"county": str}, encoding="utf-8-sig").set_index("county")
    check_against_published(written["total"], written["rank"], published)
    assert written.loc["HKG", "name"] == "Hong Kong, China (SAR)"
