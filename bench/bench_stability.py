"""Rank stability of one demo-city period: 300 random weightings (±20%) of the 2026 rule set.

Uses the same database as bench_recompute.py (default
postgres://postgres@127.0.0.1:5432/scorecard_bench, overridable with BENCH_DATABASE_URL), created,
migrated and loaded with the demo city on first use. Prints the engine alone (frames already read)
and the whole job as the Celery task runs it (read the approved values, bonus items and vetoes,
compute in chunks writing the progress, store the result).
Run: `python bench/bench_stability.py [--period 2026-09] [--samples 300] [--repeat 5]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from decimal import Decimal

import benchdb

benchdb.configure(benchdb.DEMO_DATABASE_URL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", default="2026-09")
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    period = benchdb.demo_period(args.period)
    from indicators.scoring import rank_stability
    from indicators.selectors import ruleset_published_for_year
    from rankings.models import StabilityJob
    from rankings.services import stability

    ruleset = ruleset_published_for_year(period.year)

    def new_job() -> StabilityJob:
        return StabilityJob.objects.create(
            ruleset=ruleset, period=period, samples=args.samples, spread=Decimal("0.2"), seed=0
        )

    probe = new_job()
    inputs = stability._inputs(probe)
    n_counties = int(inputs["counties"]["ranked"].sum())
    with_total = len(rank_stability(**inputs, samples=1).summary)
    rank_stability(**inputs, samples=10)  # warm up

    engine, job_ms = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        rank_stability(**inputs, samples=args.samples, spread=0.2, seed=0)
        engine.append((time.perf_counter() - start) * 1000)
        job = new_job()
        start = time.perf_counter()
        job = stability.stability_compute(job=job)
        job_ms.append((time.perf_counter() - start) * 1000)
        assert job.status == "succeeded", job.error
    StabilityJob.objects.filter(period=period, ruleset=ruleset).delete()

    print(
        f"rank stability of {period.key}, demo city ({n_counties} ranked counties, {with_total} "
        f"with a total, {len(inputs['rules'].indicators)} indicators), "
        f"{args.samples} samples at ±20%"
    )
    print(f"  engine alone:       median {statistics.median(engine):7.1f} ms")
    print(
        f"  whole job (task):   median {statistics.median(job_ms):7.1f} ms   "
        f"max {max(job_ms):7.1f} ms   (target: under 10 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
