"""End-to-end recompute of one demo-city period on PostgreSQL: read approved values, score,
write the run and its results, switch `is_current`.

Uses its own database (default postgres://postgres@127.0.0.1:5432/scorecard_bench, overridable
with BENCH_DATABASE_URL), migrates it and loads the demo city when it is empty, then recomputes
one period (default 2026-09) with --force N times and prints the median and 95th percentile.
Run: `python bench/bench_recompute.py [--period 2026-09] [--repeat 30]` (make bench runs it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from contextlib import contextmanager

import benchdb

benchdb.configure(benchdb.DEMO_DATABASE_URL)


@contextmanager
def without_progress():
    """The recompute with its progress, warning, plan and year steps taken out."""
    import pandas as pd

    from rankings.selectors.progress import ProgressInputs
    from rankings.services import recompute

    nothing = ProgressInputs(None, pd.DataFrame(), pd.DataFrame(), frozenset(), pd.DataFrame())
    saved = (recompute.progress_inputs, recompute.progress_frame, recompute.annual_frame)
    recompute.progress_inputs = lambda *a, **k: nothing
    recompute.progress_frame = lambda *a, **k: None
    recompute.annual_frame = lambda *a, **k: None
    try:
        yield
    finally:
        recompute.progress_inputs, recompute.progress_frame, recompute.annual_frame = saved


@contextmanager
def orm_writer():
    """Result rows written by the ORM's bulk_create (the writer before COPY), as on SQLite."""
    from scorecard import bulk

    saved = bulk.copy_supported
    bulk.copy_supported = lambda: False
    try:
        yield
    finally:
        bulk.copy_supported = saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", default="2026-09")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    period = benchdb.demo_period(args.period)
    from rankings import services
    from rankings.models import RankingRun

    services.ranking_recompute(
        period=period, trigger=RankingRun.Trigger.COMMAND, force=True
    )  # warm up

    def once() -> tuple[float, object]:
        start = time.perf_counter()
        outcome = services.ranking_recompute(
            period=period, trigger=RankingRun.Trigger.COMMAND, force=True
        )
        assert outcome.status == "computed"
        return (time.perf_counter() - start) * 1000, outcome

    # The anchors, measured in the same run, alternating: the recompute as it was before
    # targets (no progress, warnings, catch-up plan or year so far; rows written by the ORM),
    # and today's writer without those steps (what they cost).
    timings, before, plain = [], [], []
    for _ in range(args.repeat):
        with without_progress(), orm_writer():
            before.append(once()[0])
        with without_progress():
            plain.append(once()[0])
        took, outcome = once()  # last, so that the unchanged check below finds its checksum
        timings.append(took)
    start = time.perf_counter()
    unchanged = services.ranking_recompute(period=period, trigger=RankingRun.Trigger.COMMAND)
    unchanged_ms = (time.perf_counter() - start) * 1000
    assert unchanged.status == "unchanged"
    timings.sort()
    p95 = timings[max(0, int(round(0.95 * len(timings))) - 1)]
    run = outcome.run
    rows = run.county_results.count() + run.category_results.count()
    rows += run.indicator_results.count()
    print(
        f"recompute {period.key} of the demo city on PostgreSQL, end to end "
        f"({rows} result rows, {args.repeat} runs)"
    )
    print(
        f"  median {statistics.median(timings):7.1f} ms   p95 {p95:7.1f} ms   "
        f"min {timings[0]:7.1f} ms   (target: under 100 ms, issue 15)"
    )
    print(f"  unchanged inputs (checksum hit, nothing written): {unchanged_ms:.1f} ms")
    median = statistics.median(timings)
    print(
        f"  anchor: the recompute before targets (no progress, warnings, plan or year; "
        f"ORM writer), same run: median {statistics.median(before):7.1f} ms; "
        f"ratio {median / statistics.median(before):.2f} (target: at most 1.00)"
    )
    print(
        f"  without progress, warnings, plan and year (same writer, same run): median "
        f"{statistics.median(plain):7.1f} ms; ratio {median / statistics.median(plain):.2f}"
        f"  ({run.progress.count()} progress rows, {run.annual.count()} year rows)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
