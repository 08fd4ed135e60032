"""Recompute stored rankings: every period of a year, or one period."""

from __future__ import annotations

import re

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from counties.models import Period
from rankings import services
from rankings.models import RankingRun


class Command(BaseCommand):
    help = "Recompute the rankings of a year (default: the current year) or of one period."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="assessment year, e.g. 2026")
        parser.add_argument("--period", help="one period as YYYY-MM, e.g. 2026-10")
        parser.add_argument("--all", action="store_true", help="every period of every year")
        parser.add_argument("--force", action="store_true", help="recompute even if unchanged")
        parser.add_argument(
            "--publish-closed",
            action="store_true",
            help="publish the current ranking of every closed period (demo set-up)",
        )

    def handle(self, *args, year=None, period=None, force=False, **options):
        if options["all"]:
            periods = list(Period.objects.order_by("year", "month"))
        elif period:
            match = re.fullmatch(r"(\d{4})-(\d{1,2})", period)
            if not match:
                raise CommandError(f"--period must look like 2026-10, not {period!r}")
            periods = list(Period.objects.filter(year=int(match[1]), month=int(match[2])))
            if not periods:
                raise CommandError(f"no period {period} in the database")
        else:
            year = year or timezone.localdate().year
            periods = list(Period.objects.filter(year=year).order_by("month"))
            if not periods:
                raise CommandError(f"no periods in {year}")
        show = options.get("verbosity", 1) >= 1
        bar = tqdm(periods, unit="period", disable=not show, file=self.stderr._out)
        counts: dict[str, int] = {}
        for p in bar:
            bar.set_description(p.key)
            outcome = services.ranking_recompute(
                period=p, trigger=RankingRun.Trigger.COMMAND, force=force
            )
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
            if options["publish_closed"] and not p.is_open and outcome.run is not None:
                services.ranking_publish(run=outcome.run, user=None)
        if show:
            summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            self.stdout.write(f"{len(periods)} period(s): {summary}")
