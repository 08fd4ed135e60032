"""Server time of the ranking pages at province scale on PostgreSQL.

Seeds its own database (default postgres://postgres@127.0.0.1:5432/scorecard_bench_pages,
overridable with BENCH_PAGES_DATABASE_URL; created fresh and dropped at the end) with 200 ranked
counties in two peer groups (urban districts; counties and county-level cities), 60 indicators in
8 categories, a published rule set for each of two years and, for each of the 24 months, a
current, published ranking run. The results, gaps to the next place (争先进位) included, come
from the scoring engine run on synthetic year-to-date values and are stored by the recompute's
own writer. Then, signed in as a city leader and as a county reporter, it requests the league table,
the rank heatmap and a county profile 100 times each (after a few warm-up requests) through
django.test.Client and prints the median and 95th percentile time, the median CPU time of the
process (less sensitive to other load on the machine), and the SQL queries per page.

Targets: league table and county profile median under 50 ms and p95 under 150 ms; every page a
fixed, small number of queries whatever the number of counties. Timings are reported (OK/OVER),
never failed on; a page answering other than 200 makes the script exit 1.
Run: `python bench/bench_pages.py [--repeat 100] [--keep] [--reuse]` (make bench runs it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings

import benchdb
import numpy as np
from benchdb import create_database, database_exists, drop_database
from province import (
    N_COUNTIES,
    N_INDICATORS,
    YEARS,
    _indicator_specs,
    make_values,
    seed_catalogue,
    seed_counties,
    seed_periods,
    seed_ruleset,
)

DATABASE_URL = os.environ.get(
    "BENCH_PAGES_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scorecard_bench_pages"
)
benchdb.configure(DATABASE_URL)

TARGET_MEDIAN_MS = 50
TARGET_P95_MS = 150


def seed_year(*, rng, year, ruleset, periods, counties, indicators, level, previous_ranks):
    """Score the year with the engine and store one current, published run per month through
    the recompute's own writer, with the engine's gaps to the next place (about 3.4 s a month
    at this scale). Returns December's ranks, the next year's previous ranks."""
    from django.utils import timezone

    from indicators.scoring import gaps, parse_rules, score
    from indicators.selectors import ruleset_as_dict
    from rankings.models import RankingRun
    from rankings.selectors.inputs import counties_frame
    from rankings.services.recompute import _write_run

    rules = parse_rules(ruleset_as_dict(ruleset))  # the stored rows, as the service reads them
    codes = [i.code for i in indicators]
    county_codes = [c.code for c in counties]
    values = make_values(rng, year, codes, level)
    values["county"] = np.array(county_codes, dtype=object)[values["county"].to_numpy()]
    values["indicator"] = np.array(codes, dtype=object)[values["indicator"].to_numpy()]
    frame = counties_frame()
    result = score(values, rules, frame, previous_ranks=previous_ranks or None)
    for period in sorted((p for p in periods if p.year == year), key=lambda p: p.month):
        month = values[values["period"] == period.key]
        run = _write_run(
            period=period,
            ruleset=ruleset,
            checksum=f"bench-{period.key}",
            trigger=RankingRun.Trigger.COMMAND,
            user=None,
            started=timezone.now(),
            clock=time.perf_counter(),
            result=result,
            gaps=gaps(month, rules, frame),
            grouped=True,
        )
        RankingRun.objects.filter(pk=run.pk).update(
            is_current=True, is_published=True, published_at=timezone.now()
        )
    cty = result.counties
    december = cty[(cty["period"] == f"{year}-12") & cty["rank"].notna()]
    return dict(zip(december["county"].astype(str), december["rank"].astype(int), strict=True))


def seed() -> None:
    from django.db import connection, transaction

    rng = np.random.default_rng(20260101)
    specs = _indicator_specs()
    with transaction.atomic():
        categories, indicators = seed_catalogue(specs)
        counties = seed_counties(rng)
        periods = seed_periods()
        level = rng.lognormal(3, 1, size=(len(counties), len(indicators)))
        previous_ranks: dict[str, int] = {}
        for year in YEARS:
            ruleset = seed_ruleset(year, categories, indicators, specs)
            previous_ranks = seed_year(
                rng=rng,
                year=year,
                ruleset=ruleset,
                periods=periods,
                counties=counties,
                indicators=indicators,
                level=level,
                previous_ranks=previous_ranks,
            )
            level = level * 1.06  # next year's base: this year's figures, roughly
        seed_users(counties)
    with connection.cursor() as cursor:  # as autovacuum would leave the tables
        cursor.execute("VACUUM ANALYZE")


def seed_users(counties) -> None:
    from django.contrib.auth.models import Group, User

    from counties.access import Role
    from counties.models import CountyMembership

    leader = User.objects.create_user("bench_leader")
    leader.groups.add(Group.objects.get_or_create(name=Role.LEADER.value)[0])
    reporter = User.objects.create_user("bench_reporter")
    reporter.groups.add(Group.objects.get_or_create(name=Role.REPORTER.value)[0])
    CountyMembership.objects.create(user=reporter, county=counties[N_COUNTIES // 2])


def is_seeded() -> bool:
    from counties.models import County
    from rankings.models import RankingRun

    runs = RankingRun.objects.filter(is_current=True, is_published=True).count()
    return County.objects.count() == N_COUNTIES and runs == 12 * len(YEARS)


# -- the requests -------------------------------------------------------------------------------


def measure(
    client, url: str, repeat: int, warmup: int = 3
) -> tuple[list[float], list[float], int, int, int]:
    """Wall-clock and CPU times in ms of `repeat` requests, the queries of one request, the
    page size, and the first status other than 200 (or 200). The CPU time is this process's
    only (not PostgreSQL's): on a busy machine it moves less than the wall-clock time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            return [], [], 0, 0, response.status_code
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    n_queries, size = len(queries), len(response.content)
    timings, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        if response.status_code != 200:
            return timings, cpu, n_queries, size, response.status_code
    return timings, cpu, n_queries, size, 200


def p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=100, help="timed requests per page")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a database kept by --keep (no seeding)"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    reuse = args.reuse and database_exists(DATABASE_URL)
    if not reuse:
        create_database(DATABASE_URL)

    import django

    # whitenoise looks for collectstatic's folder, which a benchmark does not need
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connections
    from django.test import Client

    from counties.models import County

    status = 0
    try:
        call_command("migrate", verbosity=0, interactive=False)
        seed_s = 0.0
        if not (reuse and is_seeded()):
            if reuse:
                print("the kept database is not a complete seed: use it without --reuse")
                return 1
            clock = time.perf_counter()
            seed()
            seed_s = time.perf_counter() - clock
        latest = YEARS[-1]
        county = County.objects.get(memberships__user__username="bench_reporter")
        pages = [
            ("league table", f"/rankings/?period={latest}-12", True),
            ("heatmap", f"/rankings/heatmap/?period={latest}-12", False),
            ("county profile", f"/rankings/county/{county.code}/?year={latest}", True),
        ]
        seeded = "reused" if reuse else f"seeded in {seed_s:.1f} s"
        print(
            f"ranking pages at province scale on PostgreSQL: {N_COUNTIES} counties x "
            f"{N_INDICATORS} indicators, {12 * len(YEARS)} months of runs ({seeded}); "
            f"{args.repeat} requests per page, load average {os.getloadavg()[0]:.1f}"
        )
        print(
            f"  {'role':<9}{'page':<16}{'median':>9}{'p95':>10}{'cpu':>9}{'queries':>9}"
            f"{'size':>9}   "
            f"target (median < {TARGET_MEDIAN_MS} ms, p95 < {TARGET_P95_MS} ms)"
        )
        for role, username in (("leader", "bench_leader"), ("reporter", "bench_reporter")):
            client = Client()
            client.force_login(User.objects.get(username=username))
            for name, url, targeted in pages:
                timings, cpu, n_queries, size, code = measure(client, url, args.repeat)
                if code != 200:
                    print(f"  {role:<9}{name:<16}HTTP {code} for {url}")
                    status = 1
                    continue
                median, high = statistics.median(timings), p95(timings)
                verdict = "(no target)"
                if targeted:
                    within = median < TARGET_MEDIAN_MS and high < TARGET_P95_MS
                    verdict = "OK" if within else "OVER"
                print(
                    f"  {role:<9}{name:<16}{median:6.1f} ms{high:7.1f} ms"
                    f"{statistics.median(cpu):6.1f} ms{n_queries:>9}"
                    f"{size / 1024:>6.0f} KiB   {verdict}"
                )
        print(f"whole script: {time.perf_counter() - started:.0f} s")
    finally:
        connections.close_all()
        if not args.keep:
            drop_database(DATABASE_URL)
    return status


if __name__ == "__main__":
    sys.exit(main())
