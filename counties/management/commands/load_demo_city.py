"""Load the demo city fixture: `manage.py load_demo_city`. Safe to run again.

Every object has a fixed primary key or a natural key (users, groups), so loaddata updates the
rows it loaded before instead of adding new ones. That is also why it refuses to run outside DEBUG
unless forced (`--force`): on a real database it would give accounts named admin, reviewer…
the passwords printed in README and overwrite real rows that happen to share the demo's keys.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from counties.models import Exemption, Submission, SubmissionValue
from scorecard.history import bulk_history_create
from targets.models import Schedule, Target, TargetSet

from .make_demo_city import DEFAULT_OUT


class Command(BaseCommand):
    help = "Load fixtures/demo_city.json (the demo city) with loaddata; running it twice is safe."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_OUT)
        parser.add_argument(
            "--force",
            action="store_true",
            help="load even though DEBUG is off (a throwaway database only)",
        )

    def handle(self, *args, file: Path, verbosity: int, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like a real installation. Loading the demo city would "
                "overwrite the passwords of users named like the demo accounts (admin, reviewer, "
                "leader...) with the passwords published in README, and replace rows that share "
                "the demo's primary keys. Run it with DEBUG=1, or pass --force on a throwaway "
                "database."
            )
        if not file.is_file():
            raise CommandError(f"{file} not found; run `manage.py make_demo_city` first.")
        call_command("loaddata", str(file), verbosity=verbosity)
        # loaddata writes no history: give every loaded row a first record, so that the audit
        # trail of a later edit shows the figure it replaced, not "–"
        for model in (Submission, SubmissionValue, Exemption, TargetSet, Target, Schedule):
            unrecorded = model.objects.exclude(
                pk__in=model.history.values("id")  # type: ignore[attr-defined]
            )
            bulk_history_create(model, list(unrecorded), default_change_reason="demo")
