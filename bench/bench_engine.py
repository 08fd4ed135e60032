"""Benchmark the scoring engine on a synthetic national-scale year.

2,850 counties x 60 indicators x 12 months (about 2.05 million value rows), mixed bases (value,
growth, ratio), all seven methods, quarterly indicators, lower-is-better indicators, about 1% of
values missing, peer groups by kind and unranked functional zones outside every group.

Prints the engine time for the whole year, its peak memory (tracemalloc, in a separate run,
because tracing slows allocation), the process peak RSS, the time of a bare pandas groupby-rank
over the same frame, and the ratio. Run: `python bench/bench_engine.py [--repeat N]
[--categorical] [--baseline-commit C]` (--categorical passes county/indicator/period as pandas
categoricals). --baseline-commit C also times the engine of commit C (its tree from `git archive`,
in a process of its own, on the same synthetic year), alternating with ours, so that a change is
compared with the code before it under the same load. It also times the year with exemptions
(不考核, pro rata): a fifth of the districts exempted from four indicators.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indicators.scoring import gaps, parse_rules, score  # noqa: E402

N_COUNTIES = 2850
PROVINCE_COUNTIES = 200
N_INDICATORS = 60
N_CATEGORIES = 6
YEAR = 2025
METHOD_CYCLE = [
    ("rank_points", {"step": 0.02, "floor": 0.4}),
    ("efficacy", {"base": 0.6}),
    ("goalposts", {"lower": -10, "upper": 20}),
    ("target", {"target": 6, "cap": 1.2}),
    ("stepped", {"target": 6, "step": 1, "step_unit": "points", "per_step": 0.5}),
    ("threshold_rank", {"threshold": 5, "step": 0.01, "floor": 0.3}),
    ("zscore", {"clip": 3}),
]


def make_rules() -> dict:
    per_cat = N_INDICATORS // N_CATEGORIES
    indicators = []
    for j in range(N_INDICATORS):
        method, params = METHOD_CYCLE[j % len(METHOD_CYCLE)]
        weight = 100 / N_INDICATORS
        params = dict(params)
        if method == "stepped":
            params["base"] = round(weight * 0.6, 6)
        if method == "threshold_rank":
            params["threshold_points"] = round(weight * 0.4, 6)
        if j % 10 == 7:  # a ratio basis: this indicator over the next one, in percent
            basis = {
                "type": "ratio",
                "denominator": f"i{(j + 1) % N_INDICATORS:02d}",
                "factor": 100,
            }
            if method in ("goalposts", "target", "stepped", "threshold_rank"):
                method, params = "efficacy", {"base": 0.6}
        elif j % 3 == 0:
            basis = {"type": "value"}
        else:
            basis = {"type": "growth"}
        indicators.append(
            {
                "code": f"i{j:02d}",
                "name": f"indicator {j}",
                "category": f"c{j // per_cat}",
                "weight": weight,
                "basis": basis,
                "direction": "lower" if j % 11 == 5 else "higher",
                "decimals": 1 if basis["type"] != "value" else 2,
                "method": method,
                "params": params,
                "frequency": "quarterly" if j % 8 == 3 else "monthly",
            }
        )
    # weights as exact decimals: 60 x 100/60 does not add up exactly, so use per-category sums
    for k in range(N_CATEGORIES):
        members = [i for i in indicators if i["category"] == f"c{k}"]
        for i in members:
            i["weight"] = 100 / N_CATEGORIES / len(members)
    cat_weight = 100 / N_CATEGORIES
    rules = {
        "format": "scorecard-rules/1",
        "name": "synthetic national year",
        "year": YEAR,
        "version": 1,
        "total": {"weight": 100, "points": 100, "aggregation": "sum", "decimals": 2},
        "indicator_decimals": 2,
        "rank_on": "rounded",
        "missing_share_max": 0.2,
        "tiers": {"leading": 0.3333, "lagging": 0.3333},
        "peer_groups": {
            "by": "kind",
            "groups": {"urban": ["district"], "county": ["county", "county_city"]},
        },
        "period_weights": {"3": 15, "6": 25, "9": 25, "12": 35},
        "bonus": {"bonus_cap": 5, "penalty_cap": 5},
        "improvement": None,
        "categories": [
            {
                "code": f"c{k}",
                "name": f"category {k}",
                "weight": cat_weight,
                "aggregation": "sum",
                "decimals": 2,
            }
            for k in range(N_CATEGORIES)
        ],  # fmt: skip
        "indicators": indicators,
    }
    return rules


def make_counties(rng: np.random.Generator) -> pd.DataFrame:
    kinds = rng.choice(
        ["district", "county", "county_city", "zone"], size=N_COUNTIES, p=[0.3, 0.5, 0.15, 0.05]
    )
    return pd.DataFrame(
        {
            "county": [f"{100000 + k:06d}" for k in range(N_COUNTIES)],
            "name": [f"county {k}" for k in range(N_COUNTIES)],
            "kind": kinds,
            "ranked": kinds != "zone",
        }
    )


def make_values(
    rng: np.random.Generator, counties: pd.DataFrame, categorical: bool
) -> pd.DataFrame:
    periods = [f"{YEAR}-{m:02d}" for m in range(1, 13)]
    n = len(periods) * N_COUNTIES * N_INDICATORS
    p_idx = np.repeat(np.arange(len(periods)), N_COUNTIES * N_INDICATORS)
    c_idx = np.tile(np.repeat(np.arange(N_COUNTIES), N_INDICATORS), len(periods))
    i_idx = np.tile(np.arange(N_INDICATORS), len(periods) * N_COUNTIES)
    level = rng.lognormal(3, 1, size=(N_COUNTIES, N_INDICATORS))[c_idx, i_idx]
    month = p_idx + 1
    prior = level * month
    value = prior * (1 + rng.normal(0.06, 0.05, size=n))
    value = np.round(value, 2)
    prior = np.round(prior, 2)
    value[rng.random(n) < 0.01] = np.nan
    prior[rng.random(n) < 0.001] = 0.0  # invalid bases
    codes = np.array([f"i{j:02d}" for j in range(N_INDICATORS)], dtype=object)
    county_codes = counties["county"].to_numpy(dtype=object)
    period_arr = np.array(periods, dtype=object)
    if categorical:
        columns = {
            "county": pd.Categorical.from_codes(c_idx, categories=county_codes),
            "indicator": pd.Categorical.from_codes(i_idx, categories=codes),
            "period": pd.Categorical.from_codes(p_idx, categories=period_arr),
        }
    else:
        columns = {
            "county": county_codes[c_idx],
            "indicator": codes[i_idx],
            "period": period_arr[p_idx],
        }
    return pd.DataFrame({**columns, "value": value, "prior_value": prior})


def timed(fn, repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


ROOT = Path(__file__).resolve().parents[1]
AT_COMMIT = """
import importlib.util, sys
sys.path.insert(0, {tree!r})
path = {tree!r} + "/bench/bench_engine.py"
spec = importlib.util.spec_from_file_location("bench_at_commit", path)
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
rng = m.np.random.default_rng(20250101)
rules = m.parse_rules(m.make_rules())
counties = m.make_counties(rng)
values = m.make_values(rng, counties, False)
best, _ = m.timed(lambda: m.score(values, rules, counties), {repeat})
print(best)
"""


def engine_at_commit(tree: str, repeat: int) -> float:
    """The best of `repeat` scorings of the year by the engine in `tree`, in a process of its
    own."""
    out = subprocess.run(
        [sys.executable, "-c", AT_COMMIT.format(tree=tree, repeat=repeat)],
        check=True,
        capture_output=True,
        text=True,
        cwd=tree,
    )
    return float(out.stdout.strip().splitlines()[-1])


def compare_with_commit(commit: str, rounds: int = 4) -> None:
    """Our engine and commit's, alternating (each goes first every other round), `rounds` times
    each (best of 2 per round), each in a process of its own that builds the same synthetic
    year."""
    with tempfile.TemporaryDirectory() as tree:
        archive = subprocess.run(
            ["git", "archive", commit], cwd=ROOT, check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", tree], input=archive, check=True)
        ours, theirs = [], []
        for k in range(rounds):  # both in a fresh process of their own, on the same year,
            first, second = (tree, str(ROOT)) if k % 2 == 0 else (str(ROOT), tree)  # by turns
            times = {first: engine_at_commit(first, 2), second: engine_at_commit(second, 2)}
            theirs.append(times[tree])
            ours.append(times[str(ROOT)])
    a, b = statistics.median(ours), statistics.median(theirs)
    print(
        f"engine of commit {commit}, same year, alternating with ours ({rounds} rounds, median "
        f"of best-of-2): {b:7.3f} s;  ours {a:7.3f} s;  ratio ours / {commit}: {a / b:5.3f}"
    )


def exemptions_for(rules: dict, counties: pd.DataFrame) -> pd.DataFrame:
    """A fifth of the districts exempted from the first indicator of four categories."""
    districts = counties.loc[counties["kind"] == "district", "county"].to_numpy()[::5]
    codes = [i["code"] for i in rules["indicators"] if i["code"] in ("i01", "i11", "i21", "i31")]
    return pd.DataFrame(
        [(c, code) for c in districts for code in codes], columns=["county", "indicator"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--categorical", action="store_true", help="categorical label columns")
    parser.add_argument(
        "--baseline-commit", default="", help="also time the engine of this commit, alternating"
    )
    args = parser.parse_args()

    rng = np.random.default_rng(20250101)
    rules = parse_rules(make_rules())
    counties = make_counties(rng)
    values = make_values(rng, counties, args.categorical)
    print(
        f"values: {len(values):,} rows ({N_COUNTIES} counties x {N_INDICATORS} indicators x 12 "
        f"months), label columns {'categorical' if args.categorical else 'object (str)'}"
    )

    engine_s, result = timed(lambda: score(values, rules, counties), args.repeat)
    baseline_s, _ = timed(
        lambda: values.groupby(["period", "indicator"], observed=True)["value"].rank(
            method="min", ascending=False
        ),
        args.repeat,
    )
    # the floor: a two-pass argsort of the same rows (by value, then stably by period and
    # indicator), on integer group codes made beforehand: what any ranking must at least sort
    group = pd.MultiIndex.from_arrays([values["period"], values["indicator"]]).codes
    group_code = group[0].astype(np.int64) * 1000 + group[1]
    value_array = values["value"].to_numpy()

    def two_pass_argsort():
        order = np.argsort(value_array, kind="stable")
        return order[np.argsort(group_code[order], kind="stable")]

    floor_s, _ = timed(two_pass_argsort, args.repeat)
    tracemalloc.start()
    score(values, rules, counties)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    n_ranked = result.counties["rank"].notna().sum()  # type: ignore[union-attr]
    print(f"result: {len(result.indicators):,} indicator rows, {n_ranked:,} ranked county-periods")
    print(f"engine, whole year:            {engine_s:7.3f} s   (target < 5 s)")
    print(f"bare groupby-rank, same frame: {baseline_s:7.3f} s")
    print(f"ratio engine / groupby-rank:   {engine_s / baseline_s:7.2f}     (target <= 1.0)")
    print(f"floor, same run: two-pass argsort of the same rows: {floor_s:7.3f} s")
    print(f"ratio engine / floor argsort:  {engine_s / floor_s:7.2f}")
    print(f"engine peak memory (traced):   {peak / 2**20:7.0f} MiB (target < 1536 MiB)")
    print(f"process peak RSS (all of it):  {rss_mb:7.0f} MiB")
    if args.baseline_commit and not args.categorical:
        compare_with_commit(args.baseline_commit)
    raw = make_rules()
    exempt = exemptions_for(raw, counties)
    pro_rata = parse_rules({**raw, "missing_data": {"exemptions": "pro_rata"}})
    exempt_s, _ = timed(lambda: score(values, pro_rata, counties, exemptions=exempt), args.repeat)
    print(
        f"with {len(exempt):,} exemptions (pro rata): {exempt_s:7.3f} s   ratio to the plain "
        f"year {exempt_s / engine_s:5.2f}"
    )

    # Gap to the next place for one month: every county x indicator variant, at 200, 400 and
    # 800 counties and nationally, each beside one score() of the same month in the same run.
    print("gaps, one month x 60 indicators (best of 3; one score() of the same month beside it):")
    times = {}
    for n in (PROVINCE_COUNTIES, 400, 800, N_COUNTIES):
        part = counties.iloc[:n]
        month = values[(values["period"] == f"{YEAR}-06") & values["county"].isin(part["county"])]
        one_s, _ = timed(lambda: score(month, rules, part), 3)  # noqa: B023
        gaps_s, gap_rows = timed(lambda: gaps(month, rules, part), 1 if n > 800 else 3)  # noqa: B023
        times[n] = gaps_s
        target = (
            "target <= 10" if n == PROVINCE_COUNTIES else "target < 60 s" if n == N_COUNTIES else ""
        )
        print(
            f"  {n:5d} counties: {gaps_s:7.3f} s  ({len(gap_rows):,} gaps)   one score() "
            f"{one_s * 1000:6.1f} ms   ratio {gaps_s / one_s:6.1f}   {target}"
        )
    print(
        f"  growth 200 -> 400 counties: {times[400] / times[PROVINCE_COUNTIES]:.2f}x "
        f"(target <= 2.5);  400 -> 800: {times[800] / times[400]:.2f}x"
    )


if __name__ == "__main__":
    main()
