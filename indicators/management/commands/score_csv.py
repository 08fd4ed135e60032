"""Score a values CSV by a rule-set JSON, offline: no database is touched.

    python manage.py score_csv --rules rules.json --values values.csv --out scores.csv \
        [--counties counties.csv] [--bonuses bonuses.csv] [--targets targets.csv] \
        [--exemptions exemptions.csv] [--veto 350102 --veto ...]

The output has one row per county and period: every indicator's score, every category subtotal,
bonus, improvement, total, rank, rank change, tier and flags (docs/rules.md describes the files).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from indicators.scoring import InputFileError, score_files


class Command(BaseCommand):
    help = "Score a values CSV by a rule-set JSON and write the scores as CSV (no database)."
    requires_system_checks: list[str] = []  # pure files in, file out: no checks, no database

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rules", required=True, help="rule-set JSON (scorecard-rules/1)")
        parser.add_argument(
            "--values",
            required=True,
            help="CSV: county, indicator, period (YYYY-MM), value, prior_value",
        )
        parser.add_argument("--out", required=True, help="CSV to write, one row per county/period")
        parser.add_argument(
            "--counties",
            help="CSV: county, name, kind, ranked, and the column the rules impute by, e.g."
            " region (optional)",
        )
        parser.add_argument("--bonuses", help="CSV: county, period, points, reason (optional)")
        parser.add_argument(
            "--targets",
            help="CSV: county, indicator, target, schedule (e.g. 20/45/70/100; optional): "
            "each county's own target, for indicators whose params say own_target or by_schedule",
        )
        parser.add_argument(
            "--exemptions",
            help="CSV: county, indicator, reason (optional): the counties exempted from"
            " indicators (不考核), treated as the rules' missing_data says",
        )
        parser.add_argument(
            "--veto", action="append", default=[], metavar="COUNTY", help="vetoed county code"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result, wide = score_files(
                options["rules"],
                options["values"],
                options["out"],
                options["counties"],
                bonuses_path=options["bonuses"],
                vetoes=options["veto"],
                targets_path=options["targets"],
                exemptions_path=options["exemptions"],
            )
        except InputFileError as e:
            raise CommandError(str(e)) from e
        ranked = int(result.counties["rank"].notna().sum())
        self.stdout.write(
            f"{len(wide)} rows ({len(result.periods)} periods, {ranked} ranked) "
            f"written to {options['out']}"
        )
