"""Rank stability under random weights: shape, reproducibility, and agreement with score()."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd
import pytest
from scoring_helpers import indicator, rules_dict

from indicators.scoring import parse_rules, rank_stability, score

PERIOD = "2025-06"
METHODS = [
    ("goalposts", {"lower": 0, "upper": 200}),
    ("efficacy", {"base": 0.6}),
    ("rank_points", {"step": 0.05, "floor": 0.5}),
    ("zscore", {"clip": 3}),
    ("target", {"target": 100, "cap": 1.2}),
]
POINT_METHODS = [
    ("stepped", {"target": 100, "base": 2, "per_step": 0.5, "step": 5, "step_unit": "percent"}),
    ("threshold_rank", {"threshold": 90, "threshold_points": 1, "step": 0.1}),
]


def city_rules(*, point_methods: bool = False, **top) -> dict:
    """8 categories of 3 indicators (24), one geometric category, integer and decimal weights."""
    methods = METHODS + (POINT_METHODS if point_methods else [])
    categories, indicators = [], []
    for k in range(8):
        weights = [4, 3.5, 4.5] if k % 2 else [5, 3, 4]
        categories.append(
            {
                "code": f"k{k}",
                "name": f"类别{k}",
                "weight": sum(weights),
                "aggregation": "geometric" if k == 3 else "sum",
                "decimals": 2,
            }
        )
        for j, w in enumerate(weights):
            method, params = methods[(3 * k + j) % len(methods)]
            indicators.append(
                indicator(f"i{k}{j}", method, params, category=f"k{k}", weight=w, decimals=1)
            )
    d = rules_dict(indicators, categories, indicator_decimals=2, **top)
    d["total"] = {"weight": 96, "points": 100, "aggregation": "sum", "decimals": 2}
    return d


def city_values(seed: int = 1, leader: str | None = None) -> pd.DataFrame:
    """12 ranked counties and an unranked zone "Z", values around 100 on every indicator."""
    rng = np.random.default_rng(seed)
    rows = []
    counties = [f"C{n:02d}" for n in range(1, 13)] + ["Z"]
    for k in range(8):
        for j in range(3):
            for c in counties:
                value = 100 + rng.normal(0, 15)
                if c == leader:
                    value = 180
                rows.append((c, f"i{k}{j}", PERIOD, round(value, 1), None))
    return pd.DataFrame(rows, columns=["county", "indicator", "period", "value", "prior_value"])


def city_counties() -> pd.DataFrame:
    rows = [(f"C{n:02d}", f"县{n}", "district" if n <= 4 else "county", True) for n in range(1, 13)]
    rows.append(("Z", "高新区", "zone", False))
    return pd.DataFrame(rows, columns=["county", "name", "kind", "ranked"])


def test_one_row_per_sample_and_ranked_county():
    result = rank_stability(
        city_values(), city_rules(), city_counties(), samples=40, spread=0.2, seed=3
    )
    assert list(result.samples.columns) == ["sample", "county", "rank", "total"]
    assert len(result.samples) == 40 * 12  # the unranked zone is left out
    assert set(result.samples["county"]) == {f"C{n:02d}" for n in range(1, 13)}
    assert sorted(result.samples["sample"].unique()) == list(range(40))
    assert result.samples["rank"].between(1, 12).all()
    assert (result.samples.groupby("sample")["rank"].min() == 1).all()
    summary = result.summary
    assert list(summary.columns) == [
        "county", "name", "group", "base_rank", "base_total",
        "min", "q1", "median", "q3", "max", "share_at_base", "firm",
    ]  # fmt: skip
    assert len(summary) == 12
    assert list(summary["base_rank"]) == list(range(1, 13))  # ordered by base rank
    assert (summary["min"] <= summary["q1"]).all() and (summary["q3"] <= summary["max"]).all()
    assert summary["share_at_base"].between(0, 1).all()
    assert (summary["firm"] == (summary["share_at_base"] >= 0.9)).all()
    assert (result.period, result.n_samples, result.spread, result.seed) == (PERIOD, 40, 0.2, 3)


def test_the_same_seed_gives_identical_output_whatever_the_chunks():
    args = (city_values(), city_rules(), city_counties())
    a = rank_stability(*args, samples=60, seed=11, chunk_size=7)
    b = rank_stability(*args, samples=60, seed=11, chunk_size=60)
    pd.testing.assert_frame_equal(a.samples, b.samples)
    pd.testing.assert_frame_equal(a.summary, b.summary)
    longer = rank_stability(*args, samples=90, seed=11)
    pd.testing.assert_frame_equal(longer.samples.iloc[: len(a.samples)], a.samples)


def test_different_seeds_give_different_samples():
    args = (city_values(), city_rules(), city_counties())
    a = rank_stability(*args, samples=100, seed=1)
    b = rank_stability(*args, samples=100, seed=2)
    assert not np.array_equal(a.samples["total"], b.samples["total"])
    assert not np.array_equal(a.samples["rank"], b.samples["rank"])


@pytest.mark.parametrize("point_methods", [False, True])
@pytest.mark.parametrize("rank_on", ["rounded", "unrounded"])
def test_spread_zero_gives_the_base_ranking_in_every_sample(point_methods, rank_on):
    rules = city_rules(point_methods=point_methods, rank_on=rank_on)
    result = rank_stability(city_values(), rules, city_counties(), samples=20, spread=0)
    base = score(city_values(), rules, city_counties()).counties.set_index("county")
    for code, ranks in result.samples.groupby("county")["rank"]:
        assert set(ranks) == {base.loc[code, "rank"]}
    totals = result.samples.groupby("county")["total"].first()
    assert totals.to_dict() == pytest.approx(base.loc[totals.index, "total"].to_dict())
    assert (result.summary["share_at_base"] == 1).all() and result.summary["firm"].all()


def test_a_county_far_ahead_stays_first():
    result = rank_stability(
        city_values(leader="C07"), city_rules(), city_counties(), samples=200, spread=0.5, seed=5
    )
    first = result.samples[result.samples["county"] == "C07"]["rank"]
    assert set(first) == {1}
    row = result.summary.set_index("county").loc["C07"]
    assert (row["base_rank"], row["max"], row["share_at_base"], row["firm"]) == (1, 1, 1.0, True)


def _sample_rules(rules: dict, factors: np.ndarray) -> dict:
    """The rule set of one sample, rescaled as the module doc says, built independently here."""
    cats, inds = rules["categories"], rules["indicators"]
    cw = np.array([c["weight"] for c in cats], float) * factors[: len(cats)]
    cw *= rules["total"]["weight"] / cw.sum()
    iw = np.array([i["weight"] for i in inds], float) * factors[len(cats) :]
    out = {**rules, "categories": [], "indicators": []}
    for k, c in enumerate(cats):
        members = [j for j, i in enumerate(inds) if i["category"] == c["code"]]
        scale = cw[k] / iw[members].sum()
        out["categories"].append({**c, "weight": float(cw[k])})
        for j in members:
            out["indicators"].append({**inds[j], "weight": float(iw[j] * scale)})
    return out


@pytest.mark.parametrize("rank_on", ["rounded", "unrounded"])
def test_each_sample_is_the_ranking_of_a_valid_rule_set_with_those_weights(rank_on):
    """Without methods whose parameters are in points, a sample is exactly score() under a
    rule set with the sample's weights, and that rule set passes the parser (weights add up)."""
    rules = city_rules(rank_on=rank_on)
    seed, n, spread = 21, 5, 0.3
    result = rank_stability(
        city_values(), rules, city_counties(), samples=n, spread=spread, seed=seed
    )
    factors = np.random.default_rng(seed).uniform(1 - spread, 1 + spread, size=(n, 8 + 24))
    ordered = sorted(rules["indicators"], key=lambda i: i["category"])
    assert [i["code"] for i in ordered] == [i["code"] for i in rules["indicators"]]
    for k in range(n):
        parsed = parse_rules(_sample_rules(rules, factors[k]))  # raises if weights don't add up
        expected = score(city_values(), parsed, city_counties()).counties
        expected = expected[expected["rank"].notna()].set_index("county")
        got = result.samples[result.samples["sample"] == k].set_index("county")
        assert got["rank"].to_dict() == expected.loc[got.index, "rank"].astype(int).to_dict()
        assert got["total"].to_dict() == pytest.approx(expected.loc[got.index, "total"].to_dict())


def test_bonuses_and_improvement_points_count_in_every_sample():
    rules = city_rules(
        bonus={"bonus_cap": 3, "penalty_cap": 3},
        improvement={"points_per_place": 0.5, "cap": 2},
    )
    bonuses = pd.DataFrame(
        [("C12", PERIOD, 2.0, "x"), ("C12", PERIOD, 4.0, "y"), ("C01", PERIOD, -5.0, "z")],
        columns=["county", "period", "points", "reason"],
    )
    base_ranks = {f"C{n:02d}": 13 - n for n in range(1, 13)}
    kwargs = {"bonuses": bonuses, "base_ranks": base_ranks}
    result = rank_stability(city_values(), rules, city_counties(), samples=10, spread=0, **kwargs)
    base = score(city_values(), rules, city_counties(), **kwargs).counties.set_index("county")
    assert base.loc["C12", "bonus"] == 3  # capped
    assert base["improvement"].abs().sum() > 0
    ranks = result.samples[result.samples["sample"] == 0].set_index("county")["rank"]
    assert ranks.to_dict() == base.loc[ranks.index, "rank"].astype(int).to_dict()


def test_peer_groups_rank_within_each_group():
    rules = city_rules(
        peer_groups={"by": "kind", "groups": {"城区": ["district"], "县": ["county"]}}
    )
    result = rank_stability(city_values(), rules, city_counties(), samples=30, seed=2)
    assert list(result.summary["group"][:4]) == ["城区"] * 4
    assert list(result.summary["base_rank"]) == [1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8]
    districts = result.samples[result.samples["county"].isin(["C01", "C02", "C03", "C04"])]
    assert districts["rank"].max() <= 4


def test_progress_is_reported_per_chunk_and_can_stop_the_work():
    seen = []
    rank_stability(
        city_values(), city_rules(), city_counties(), samples=120, chunk_size=50,
        progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert seen == [(50, 120), (100, 120), (120, 120)]

    class Stop(Exception):
        pass

    def stop(done, total):
        raise Stop

    with pytest.raises(Stop):
        rank_stability(city_values(), city_rules(), city_counties(), samples=120, progress=stop)


def test_refuses_several_periods_and_bad_arguments():
    two = pd.concat([city_values(), city_values().assign(period="2025-07")])
    with pytest.raises(ValueError, match="one period"):
        rank_stability(two, city_rules(), city_counties(), samples=5)
    with pytest.raises(ValueError, match="spread"):
        rank_stability(city_values(), city_rules(), city_counties(), spread=1.0)
    with pytest.raises(ValueError, match="samples"):
        rank_stability(city_values(), city_rules(), city_counties(), samples=0)


def test_three_hundred_samples_of_a_city_take_well_under_a_second():
    args = (city_values(), parse_rules(city_rules(point_methods=True)), city_counties())
    rank_stability(*args, samples=10)  # warm up
    start = time.perf_counter()
    rank_stability(*args, samples=300)
    assert time.perf_counter() - start < 1.0


def test_rules_as_a_dict_or_parsed_give_the_same_result():
    d = city_rules()
    a = rank_stability(city_values(), d, city_counties(), samples=15, seed=4)
    b = rank_stability(city_values(), parse_rules(d), city_counties(), samples=15, seed=4)
    pd.testing.assert_frame_equal(a.samples, b.samples)
    assert dataclasses.is_dataclass(a)
