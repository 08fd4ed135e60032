"""End-to-end recompute of one demo-city period on PostgreSQL: read approved values, score,
write the run and its results, switch `is_current`.

Uses its own database (default postgres://postgres@127.0.0.1:5432/scorecard_bench, overridable
with BENCH_DATABASE_URL), migrates it and loads the demo city when it is empty, then recomputes
one period (default 2026-09) with --force N times and prints the median and 95th percentile.
Run: `python bench/bench_recompute.py [--period 2026-09] [--repeat 30]` (make bench runs it).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

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


# The last commit before targets, progress and warnings were added to the recompute: its own
# recompute, run from its own tree on its own database, is "today's" recompute the issue that
# added them compares with.
BEFORE_TARGETS = "806a226"


def recompute_at_commit(commit: str, period: str, repeat: int) -> float | None:
    """The median recompute of `period` by the code of `commit` (its own bench script, its own
    demo city in a database of its own), or None when the tree cannot be had (no git history)."""
    root = Path(benchdb.ROOT)
    with tempfile.TemporaryDirectory(prefix="scorecard-anchor-") as tree:
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", commit], capture_output=True, check=False
        )
        if archive.returncode != 0:
            print(f"  (anchor commit {commit} not available: {archive.stderr.decode().strip()})")
            return None
        subprocess.run(["tar", "-x", "-C", tree], input=archive.stdout, check=True)
        url = benchdb.DEMO_DATABASE_URL.rsplit("/", 1)[0] + f"/scorecard_bench_{commit}"
        env = {**os.environ, "BENCH_DATABASE_URL": url}
        out = subprocess.run(
            [sys.executable, "bench/bench_recompute.py", "--period", period]
            + ["--repeat", str(repeat)],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    found = re.search(r"median\s+([0-9.]+) ms", out)
    return float(found.group(1)) if found else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", default="2026-09")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--anchor-commit",
        default=BEFORE_TARGETS,
        help="the commit whose recompute is the anchor ('' to skip)",
    )
    args = parser.parse_args()
    anchors = []
    if args.anchor_commit:  # before our runs, and again after them (machine load drifts)
        anchors.append(recompute_at_commit(args.anchor_commit, args.period, args.repeat))
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
    if args.anchor_commit:
        anchors.append(recompute_at_commit(args.anchor_commit, args.period, args.repeat))
    if all(a is not None for a in anchors) and anchors:
        then = statistics.mean([a for a in anchors if a is not None])
        print(
            f"  anchor, same run: the recompute at commit {args.anchor_commit} (before targets), "
            f"its own median {anchors[0]:.1f} ms before ours and {anchors[1]:.1f} ms after; "
            f"ratio {median / then:.2f} (target: at most 1.00)"
        )
    print(
        f"  today's code without progress, warnings, plan or year, written by the ORM (as "
        f"before targets), same run: median {statistics.median(before):7.1f} ms; "
        f"ratio {median / statistics.median(before):.2f}"
    )
    print(
        f"  without progress, warnings, plan and year (same writer, same run): median "
        f"{statistics.median(plain):7.1f} ms; ratio {median / statistics.median(plain):.2f}"
        f"  ({run.progress.count()} progress rows, {run.annual.count()} year rows)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
