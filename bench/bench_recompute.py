"""End-to-end recompute of one demo-city period on PostgreSQL: read approved values, score,
write the run and its results, switch `is_current`.

Uses its own database (default postgres://postgres@127.0.0.1:5432/scorecard_bench, overridable
with BENCH_DATABASE_URL), migrates it and loads the demo city when it is empty, then recomputes
one period (default 2026-09) with --force N times and prints the median and 95th percentile.
Run: `python bench/bench_recompute.py [--period 2026-09] [--repeat 30]` (make bench runs it).

The anchor, the recompute of commit 806a226 measured in the same run, uses a database of its own
named after this one (scorecard_bench_806a226). --baseline-commit C also recomputes with the
code of commit C (its tree from `git archive`, in a process of its own on <database>_C), one
recompute of it between each two of ours, so that before and after a change are timed under the
same load. --profile prints where one recompute's time goes (cProfile, the steps and the SQL
statements) instead of timing it.
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
    demo city in a database of its own, named after this bench's), or None when the tree cannot
    be had (no git history)."""
    root = Path(benchdb.ROOT)
    with tempfile.TemporaryDirectory(prefix="scorecard-anchor-") as tree:
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", commit], capture_output=True, check=False
        )
        if archive.returncode != 0:
            print(f"  (anchor commit {commit} not available: {archive.stderr.decode().strip()})")
            return None
        subprocess.run(["tar", "-x", "-C", tree], input=archive.stdout, check=True)
        url = f"{benchdb.DEMO_DATABASE_URL}_{commit}"  # scorecard_bench_806a226 by default
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


# A process recomputing with another commit's code: sets up its database as this bench does
# (benchdb of that tree), then times one forced recompute for each line it reads.
WORKER = """
import sys, time
sys.path.insert(0, "bench")
import benchdb
benchdb.configure(benchdb.DEMO_DATABASE_URL)
period = benchdb.demo_period(sys.argv[1])
from rankings import services
from rankings.models import RankingRun
def once():
    start = time.perf_counter()
    services.ranking_recompute(period=period, trigger=RankingRun.Trigger.COMMAND, force=True)
    return (time.perf_counter() - start) * 1000
once()
print("ready", flush=True)
for _line in sys.stdin:
    print(f"{once():.3f}", flush=True)
"""


@contextmanager
def recompute_worker(commit: str, period: str):
    """A function timing one recompute of `period` by the code of `commit` (in its own process
    and database, <this bench's database>_<commit>), or None when no commit is given or its
    tree cannot be had."""
    if not commit:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="scorecard-baseline-") as tree:
        archive = subprocess.run(
            ["git", "-C", str(benchdb.ROOT), "archive", commit], capture_output=True, check=False
        )
        if archive.returncode != 0:
            print(f"  (baseline commit {commit} not available: {archive.stderr.decode().strip()})")
            yield None
            return
        subprocess.run(["tar", "-x", "-C", tree], input=archive.stdout, check=True)
        env = {**os.environ, "BENCH_DATABASE_URL": f"{benchdb.DEMO_DATABASE_URL}_{commit}"}
        worker = subprocess.Popen(
            [sys.executable, "-c", WORKER, period],
            cwd=tree,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert worker.stdin is not None and worker.stdout is not None
        stdin, stdout = worker.stdin, worker.stdout
        try:
            if stdout.readline().strip() != "ready":
                raise RuntimeError(f"the recompute of commit {commit} did not start")

            def measure() -> float:
                stdin.write("go\n")
                stdin.flush()
                return float(stdout.readline())

            yield measure
        finally:
            stdin.close()
            worker.wait(timeout=60)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", default="2026-09")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--anchor-commit",
        default=BEFORE_TARGETS,
        help="the commit whose recompute is the anchor ('' to skip)",
    )
    parser.add_argument(
        "--baseline-commit",
        default="",
        help="also time the recompute of this commit, interleaved with ours",
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile recomputes instead of timing them"
    )
    args = parser.parse_args()
    if args.profile:
        return profile(benchdb.demo_period(args.period), args.repeat)
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
    timings, before, plain, baseline = [], [], [], []
    with recompute_worker(args.baseline_commit, args.period) as other:
        for _ in range(args.repeat):
            with without_progress(), orm_writer():
                before.append(once()[0])
            with without_progress():
                plain.append(once()[0])
            if other is not None:
                baseline.append(other())
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
    if baseline:
        print(
            f"  baseline, same run, interleaved with ours: the recompute at commit "
            f"{args.baseline_commit}: median {statistics.median(baseline):7.1f} ms; ratio "
            f"{median / statistics.median(baseline):.2f}"
        )
    print(f"  load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


# What profile() reports apart: the steps of a recompute, by the function that runs each
# (module path, function name), and whose code each is.
STEPS = [
    ("rules: ruleset_published_for_year", "indicators/selectors.py", "ruleset_published_for_year"),
    ("rules: ruleset_as_dict", "indicators/selectors.py", "ruleset_as_dict"),
    ("rules: parse_rules", "indicators/scoring/parsing.py", "parse_rules"),
    ("read: engine_inputs", "rankings/selectors/inputs.py", "engine_inputs"),
    ("read: progress_inputs", "rankings/selectors/progress.py", "progress_inputs"),
    ("checksum: inputs_checksum", "rankings/services/recompute.py", "inputs_checksum"),
    ("engine: score", "indicators/scoring/engine.py", "score"),
    ("engine: gaps", "indicators/scoring/gaps.py", "gaps"),
    ("progress_frame (with its engine)", "rankings/services/progress.py", "progress_frame"),
    ("annual_frame (with annual_of)", "rankings/services/annual.py", "annual_frame"),
    ("write: _write_run", "rankings/services/recompute.py", "_write_run"),
    ("  of which explain_result", "indicators/scoring/explain.py", "explain_result"),
    (
        "  of which COPY (server)",
        "~",
        "<method 'copy_expert' of 'psycopg2.extensions.cursor' objects>",
    ),
    (
        "COMMIT (deferred foreign keys, WAL)",
        "~",
        "<method 'commit' of 'psycopg2.extensions.connection' objects>",
    ),
]


def profile(period, repeat: int) -> int:
    """Profile `repeat` forced recomputes of `period` (cProfile) and print each step's share,
    the busiest functions, and the SQL statements of one recompute."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rankings import services
    from rankings.models import RankingRun

    def once() -> None:
        services.ranking_recompute(period=period, trigger=RankingRun.Trigger.COMMAND, force=True)

    once()  # warm up
    with CaptureQueriesContext(connection) as queries:
        once()
    start = time.perf_counter()
    for _ in range(repeat):
        once()
    plain = (time.perf_counter() - start) * 1000 / repeat
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        once()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]

    def cumulative(path: str, name: str) -> float:
        return sum(
            row[3] for (file, _line, func), row in stats.items() if func == name and path in file
        )

    total = cumulative("rankings/services/recompute.py", "ranking_recompute")
    print(
        f"recompute {period.key}: {plain:.1f} ms a run unprofiled; under cProfile "
        f"{total * 1000 / repeat:.1f} ms a run ({repeat} runs), by step:"
    )
    for label, path, name in STEPS:
        took = cumulative(path, name)
        print(f"  {label:40s} {took * 1000 / repeat:7.2f} ms  {100 * took / total:5.1f} %")
    print("busiest functions (own time):")
    pstats.Stats(profiler).sort_stats("tottime").print_stats(12)
    print(f"{len(queries.captured_queries)} SQL statements in one recompute:")
    for query in queries.captured_queries:
        print(f"  {float(query['time']) * 1000:6.2f} ms  {query['sql'][:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
