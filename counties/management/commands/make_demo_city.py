"""Regenerate the demo city fixture: `manage.py make_demo_city --seed 2025`."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from counties.demo import build_demo_city, dump_fixture

DEFAULT_OUT = Path(settings.BASE_DIR) / "fixtures" / "demo_city.json"


class Command(BaseCommand):
    help = "Write the demo city (青川市) as a Django fixture; the same seed gives the same file."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=settings.DEMO_SEED)
        parser.add_argument("--out", type=Path, default=DEFAULT_OUT)

    def handle(self, *args, seed: int, out: Path, **options) -> None:
        objects = build_demo_city(seed)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(dump_fixture(objects), encoding="utf-8")
        self.stdout.write(f"Wrote {len(objects)} objects (seed {seed}) to {out}.")
