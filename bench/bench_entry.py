"""Bulk entry at province scale on PostgreSQL: a month for 200 counties x 60 indicators.

Measures, on a fresh database of its own (BENCH_ENTRY_DATABASE_URL, default
scorecard_bench_entry; dropped at the end):
- the all-counties template of the month (reading every county's figures and last year's, and
  writing the workbook of 200 sheets): target under 2 s;
- the statistics bureau's import of the filled workbook (read, check every value as the form
  does, save 12,000 values with their history into 200 new drafts, in one transaction): target
  under 3 s; and the same import over those drafts with every value changed (the update path);
- the anchor, in the same run: the same month entered the way it was before, as 200 county
  uploads one after another (each read and saved through the county's own upload path).

Each import runs inside a transaction that is rolled back, so every repetition starts from the
same database. Prints medians and p95s, the anchor and the ratio; exits 1 when a target is
missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from decimal import Decimal

import benchdb
import numpy as np
from benchdb import create_database, drop_database
from province import (
    N_COUNTIES,
    N_INDICATORS,
    _indicator_specs,
    seed_catalogue,
    seed_counties,
    seed_periods,
    seed_ruleset,
)

DATABASE_URL = os.environ.get(
    "BENCH_ENTRY_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scorecard_bench_entry"
)
benchdb.configure(DATABASE_URL)

YEAR, MONTH = 2026, 10
TEMPLATE_TARGET_S = 2.0
IMPORT_TARGET_S = 3.0
ANCHOR_SAMPLE = 20  # counties uploaded one by one for the anchor


def seed():
    """The province; its rule sets for last year and this; last October's and this September's
    approved figures (the default prior values, the bands of past years and the cumulative
    check); this October open and empty; a reviewer and a reporter of every county."""
    from django.contrib.auth.models import Group, User
    from django.db import transaction
    from django.utils import timezone

    from counties.access import Role
    from counties.models import CountyMembership, Period, Submission, SubmissionValue
    from scorecard.bulk import rows_insert

    rng = np.random.default_rng(20261130)
    specs = _indicator_specs()
    with transaction.atomic():
        categories, indicators = seed_catalogue(specs)
        counties = seed_counties(rng)
        seed_periods()
        Period.objects.filter(year=YEAR, month=MONTH).update(is_open=True)
        for year in (YEAR - 1, YEAR):
            seed_ruleset(year, categories, indicators, specs)
        level = rng.lognormal(3, 1, size=(len(counties), len(indicators)))
        now = timezone.now()
        for year, month, factor in ((YEAR - 1, MONTH, 0.94), (YEAR, MONTH - 1, 0.9)):
            period = Period.objects.get(year=year, month=month)
            made = Submission.objects.bulk_create(
                Submission(
                    county=c,
                    period=period,
                    status=Submission.Status.APPROVED,
                    version=3,
                    submitted_at=now,
                    reviewed_at=now,
                )
                for c in counties
            )
            rows = []
            for k, submission in enumerate(made):
                for j, indicator in enumerate(indicators):
                    value = Decimal(f"{level[k, j] * month * factor:.2f}")
                    rows.append(
                        (submission.pk, indicator.pk, value, value * Decimal("0.94"), "", "form")
                    )
            rows_insert(
                SubmissionValue,
                ["submission_id", "indicator_id", "value", "prior_value", "note", "channel"],
                rows,
            )  # fmt: skip
        reviewer = User.objects.create_user("bench_reviewer")
        reviewer.groups.add(Group.objects.get_or_create(name=Role.REVIEWER.value)[0])
        reporter = User.objects.create_user("bench_reporter")
        reporter.groups.add(Group.objects.get_or_create(name=Role.REPORTER.value)[0])
        CountyMembership.objects.bulk_create(
            CountyMembership(user=reporter, county=c) for c in counties
        )
    return level


def filled_sheets(level, scale: float):
    """Every county's October figures as template sheets (the bureau's filled workbook)."""
    from counties import selectors
    from counties.excel import TemplateRow, TemplateSheet
    from counties.models import County, Period

    period = Period.objects.get(year=YEAR, month=MONTH)
    indicators = selectors.indicators_for_entry(period)
    counties = list(County.objects.order_by("display_order"))
    sheets = []
    for k, county in enumerate(counties):
        rows = [
            TemplateRow(
                code=ind.code,
                name=ind.name,
                unit=ind.get_unit_display(),
                value=round(Decimal(level[k, j] * MONTH * scale), ind.decimals),
                prior_value=round(Decimal(level[k, j] * MONTH * 0.94), ind.decimals),
                note="",
                decimals=ind.decimals,
            )
            for j, ind in enumerate(indicators)
        ]
        sheets.append(TemplateSheet(county.code, county.name, period.label, period.key, rows))
    return sheets


def timed(function, repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        clock = time.perf_counter()
        function()
        timings.append(time.perf_counter() - clock)
    return timings


def p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each measurement")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    create_database(DATABASE_URL)
    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connections, transaction

    from counties import services, services_bulk
    from counties.excel import build_workbook, read_county_upload, template_workbook
    from counties.excel.bulk import read_period_upload
    from counties.models import County, Period, SubmissionValue

    status = 0
    try:
        call_command("migrate", verbosity=0, interactive=False)
        clock = time.perf_counter()
        level = seed()
        seed_s = time.perf_counter() - clock
        period = Period.objects.get(year=YEAR, month=MONTH)
        counties = list(County.objects.order_by("display_order", "code"))
        reviewer = User.objects.get(username="bench_reviewer")
        reporter = User.objects.get(username="bench_reporter")
        workbook = build_workbook(filled_sheets(level, 1.0))
        changed = build_workbook(filled_sheets(level, 1.01))

        def template():
            template_workbook(counties=counties, period=period)

        def bureau_import(data: bytes):
            upload = read_period_upload(period=period, data=data, filename="province.xlsx")
            assert not upload.problems, upload.problems[:3]
            versions = {code: upload.version_of(code) for code in upload.entries}
            result = services_bulk.submissions_import(
                period=period, user=reviewer, entries=upload.entries, versions=versions
            )
            assert result.values == N_COUNTIES * N_INDICATORS, result.values

        def rolled_back(function):
            def run():
                with transaction.atomic():
                    function()
                    transaction.set_rollback(True)

            return run

        def update():
            with transaction.atomic():
                bureau_import(workbook)  # the drafts exist (not timed)
                clock = time.perf_counter()
                bureau_import_changed()
                elapsed = time.perf_counter() - clock
                transaction.set_rollback(True)
            return elapsed

        def bureau_import_changed():
            upload = read_period_upload(period=period, data=changed, filename="province.xlsx")
            assert not upload.problems, upload.problems[:3]
            services_bulk.submissions_import(
                period=period,
                user=reviewer,
                entries=upload.entries,
                versions={code: None for code in upload.entries} | _versions(),
            )

        def _versions():
            from counties.models import Submission

            return dict(
                Submission.objects.filter(period=period).values_list("county__code", "version")
            )

        def one_by_one():
            """The anchor: each county's own sheet uploaded and saved on its own (a sample of
            ANCHOR_SAMPLE counties, scaled to the province)."""
            for county, sheet_bytes in per_county[:ANCHOR_SAMPLE]:
                upload = read_county_upload(
                    county=county, period=period, data=sheet_bytes, filename="county.xlsx"
                )
                assert not upload.problems, upload.problems[:3]
                services.submission_save(
                    county=county,
                    period=period,
                    user=reporter,
                    entries=upload.entries[county.code],
                    expected_version=None,
                    channel="upload",
                )

        sheets = filled_sheets(level, 1.0)
        per_county = [(c, build_workbook([s])) for c, s in zip(counties, sheets, strict=True)]
        template()  # warm the catalogue reads and the code paths once
        rolled_back(lambda: bureau_import(workbook))()
        print(
            f"bulk entry at province scale on PostgreSQL: {N_COUNTIES} counties x {N_INDICATORS} "
            f"indicators = {N_COUNTIES * N_INDICATORS:,} values (seeded in {seed_s:.1f} s); "
            f"{args.repeat} runs each, load average {os.getloadavg()[0]:.1f}"
        )
        results = {
            "all-counties template": (timed(template, args.repeat), TEMPLATE_TARGET_S),
            "import into new drafts": (
                timed(rolled_back(lambda: bureau_import(workbook)), args.repeat),
                IMPORT_TARGET_S,
            ),
            "import over the drafts": ([update() for _ in range(args.repeat)], IMPORT_TARGET_S),
        }
        for name, (timings, target) in results.items():
            median = statistics.median(timings)
            verdict = "ok" if median < target else "MISSED"
            print(
                f"  {name:<24} median {median:6.2f} s   p95 {p95(timings):6.2f} s   "
                f"target < {target:.0f} s: {verdict}"
            )
            status |= median >= target
        anchor = timed(rolled_back(one_by_one), 1)[0] * N_COUNTIES / ANCHOR_SAMPLE
        imported = statistics.median(results["import into new drafts"][0])
        print(
            f"  anchor: the same month as {N_COUNTIES} county uploads one by one (timed on "
            f"{ANCHOR_SAMPLE}, scaled): {anchor:.1f} s; "
            f"the bureau's import takes {imported / anchor:.3f} of it ({anchor / imported:.0f}x "
            "faster)"
        )
        assert not SubmissionValue.objects.filter(submission__period=period).exists()
    finally:
        connections.close_all()
        if not args.keep:
            drop_database(DATABASE_URL)
    return status


if __name__ == "__main__":
    sys.exit(main())
