"""Every benchmark of the project, one after another, and one table of what they printed.

`make bench` runs this: each script in BENCHMARKS runs in its own process (its own database,
as each documents), its output is echoed, and docs/benchmarks.md is written with the machine it
ran on (processor, cores, memory, Python, PostgreSQL, the load average before and after) and
each script's output, so that a figure quoted anywhere comes with its run. Exits 1 when a
script fails or reports a missed target.
"""

from __future__ import annotations

import datetime
import os
import platform
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "benchmarks.md"
BENCHMARKS = [
    # the engine before exemptions and missing-data policies, timed beside ours
    ("engine", "bench/bench_engine.py --baseline-commit 258bdfd"),
    ("progress", "bench/bench_progress.py"),
    ("recompute", "bench/bench_recompute.py"),
    ("stability", "bench/bench_stability.py"),
    ("pages", "bench/bench_pages.py"),
    ("bulk entry", "bench/bench_entry.py"),
    ("load", "bench/bench_load.py"),
]


def _processor() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _postgres() -> str:
    try:
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
        with conn.cursor() as cur:
            cur.execute("SHOW server_version")
            version = cur.fetchone()[0]
        conn.close()
        return version
    except Exception as exc:  # the benchmarks themselves will say what is wrong
        return f"unreachable ({exc.__class__.__name__})"


def machine() -> list[str]:
    return [
        f"- when: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- processor: {_processor()}, {os.cpu_count()} cores; memory {_memory()}",
        f"- Python {platform.python_version()}, PostgreSQL {_postgres()}, {platform.platform()}",
        f"- load average before the run: {os.getloadavg()[0]:.1f}",
    ]


def main() -> int:
    header = machine()
    sections = []
    status = 0
    for name, script in BENCHMARKS:
        print(f"== {name}: {script}", flush=True)
        clock = time.perf_counter()
        run = subprocess.run(
            [sys.executable, *shlex.split(script)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        elapsed = time.perf_counter() - clock
        print(run.stdout, end="", flush=True)
        if run.returncode:
            print(run.stderr[-4000:], file=sys.stderr)
            status = 1
        verdict = "ok" if run.returncode == 0 else f"exit {run.returncode}"
        title = f"## {name} (`{script}`, {elapsed:.0f} s, {verdict})"
        sections.append(f"{title}\n\n```\n{run.stdout.rstrip()}\n```\n")
    header.append(f"- load average after the run: {os.getloadavg()[0]:.1f}")
    OUT.write_text(
        "# Benchmarks\n\n"
        "Written by `make bench` (`bench/run_all.py`): every benchmark of the project in one run "
        "on one machine. Each anchor is measured in the same run as the figure it anchors; "
        "timings on a 2-core machine move by 10-30 % from run to run.\n\n"
        + "\n".join(header)
        + "\n\n"
        + "\n".join(sections),
        encoding="utf-8",
    )
    print(f"wrote {OUT.relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    sys.exit(main())
