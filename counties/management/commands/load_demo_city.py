"""Load the demo city fixture: `manage.py load_demo_city`. Safe to run again.

Every object has a fixed primary key or a natural key (users, groups), so loaddata updates the
rows it loaded before instead of adding new ones.
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from .make_demo_city import DEFAULT_OUT


class Command(BaseCommand):
    help = "Load fixtures/demo_city.json (the demo city) with loaddata; running it twice is safe."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=DEFAULT_OUT)

    def handle(self, *args, file: Path, verbosity: int, **options) -> None:
        if not file.is_file():
            raise CommandError(f"{file} not found; run `manage.py make_demo_city` first.")
        call_command("loaddata", str(file), verbosity=verbosity)
