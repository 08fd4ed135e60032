"""Benchmark progress against targets and early warnings for a province year.

200 counties x 60 indicators x 12 months (144,000 rows): value and growth targets, flows with
custom schedules, levels, lower-is-better indicators, a few missing values. Times
indicators.scoring.progress.progress() plus warnings() over the whole year, and as the anchor a
bare pandas merge of the same rows with the same targets and a groupby-mean (what any
computation over these frames must at least do), measured in the same run. Target: under 1 s.
Run: `python bench/bench_progress.py [--repeat N]`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from indicators.scoring.progress import city_rows, progress, warnings  # noqa: E402

COUNTIES, INDICATORS, MONTHS = 200, 60, 12
QUARTERLY = tuple(float(x) for x in np.repeat([0.2, 0.45, 0.7, 1.0], 3))


def frames(seed: int = 2026) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    counties = [f"c{c:03d}" for c in range(COUNTIES)]
    names = [f"i{j:02d}" for j in range(INDICATORS)]
    kinds = np.array(["flow", "flow", "stock", "rate"])[np.arange(INDICATORS) % 4]
    directions = np.where(np.arange(INDICATORS) % 7 == 6, "lower", "higher")
    indicators = pd.DataFrame({"indicator": names, "kind": kinds, "direction": directions})
    index = pd.MultiIndex.from_product(
        [counties, names, range(1, MONTHS + 1)], names=["county", "indicator", "month"]
    )
    rows = index.to_frame(index=False)
    level = rng.uniform(10, 1000, size=len(rows))
    flow = np.isin(rows["indicator"], [n for n, k in zip(names, kinds, strict=True) if k == "flow"])
    rows["value"] = np.where(flow, level * rows["month"] / 12, level)
    rows["prior_value"] = rows["value"] / rng.normal(1.06, 0.05, size=len(rows))
    rows.loc[rng.random(len(rows)) < 0.01, "value"] = np.nan
    rows["prior_annual"] = np.where(flow, level / 1.06, np.nan)
    pairs = pd.MultiIndex.from_product([counties, names], names=["county", "indicator"])
    targets = pairs.to_frame(index=False)
    growth = targets["indicator"].map(dict(zip(names, np.arange(INDICATORS) % 3 == 0, strict=True)))
    targets["target_kind"] = np.where(growth, "growth", "value")
    targets["target"] = np.where(growth, 6.5, rng.uniform(10, 1000, size=len(targets)))
    custom = targets["indicator"].isin(names[:8])
    targets["schedule"] = [QUARTERLY if c else None for c in custom]
    return rows, targets, indicators


def run(rows, targets, indicators) -> pd.DataFrame:
    summable = set(indicators.loc[indicators["kind"] != "rate", "indicator"])
    everyone = pd.concat([rows, city_rows(rows, summable)], ignore_index=True)
    measured = progress(everyone, targets, indicators)
    city = measured[measured["county"] == "city"].groupby("indicator")["growth"].last()
    return warnings(measured, indicators, city.to_dict())


def anchor(rows, targets) -> pd.DataFrame:
    merged = rows.merge(targets, on=["county", "indicator"], how="left")
    return merged.groupby(["indicator", "month"])[["value", "prior_value"]].mean()


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows, targets, indicators = frames()
    result = run(rows, targets, indicators)
    levels = result["level"].value_counts().to_dict()
    print(
        f"progress + warnings: {COUNTIES} counties x {INDICATORS} indicators x {MONTHS} months "
        f"= {len(rows):,} rows; levels {levels}"
    )
    took = best_of(lambda: run(rows, targets, indicators), args.repeat)
    base = best_of(lambda: anchor(rows, targets), args.repeat)
    print(f"progress + warnings, province year: {took:7.3f} s   (target < 1 s)")
    print(f"bare merge + groupby-mean, same rows: {base:5.3f} s")
    print(f"ratio progress / merge-groupby:     {took / base:7.2f}")


if __name__ == "__main__":
    main()
