"""Compile the translation catalogues (locale/*/LC_MESSAGES/*.po -> .mo) in pure Python.

`make run` and `make test` run this instead of Django's compilemessages, which needs GNU
gettext's msgfmt: a fresh machine with nothing but Python 3.11 can build and serve the app.
polib writes the same GNU .mo format that msgfmt writes; fuzzy entries are left out, as msgfmt
leaves them out. A catalogue is compiled again only when its .po is newer than its .mo.

Run: python -m scorecard.catalogue [--force] [locale directory ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parents[1] / "locale"


def compile_catalogues(roots: list[Path], *, force: bool = False) -> list[Path]:
    """Compile every .po under the roots whose .mo is missing or older; the .mo files written."""
    written = []
    for root in roots:
        for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
            mo_path = po_path.with_suffix(".mo")
            fresh = mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime
            if fresh and not force:
                continue
            catalogue = polib.pofile(str(po_path))
            for entry in catalogue.fuzzy_entries():  # msgfmt leaves fuzzy entries out
                catalogue.remove(entry)
            catalogue.save_as_mofile(str(mo_path))
            written.append(mo_path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path, default=[LOCALE])
    parser.add_argument("--force", action="store_true", help="compile even if up to date")
    args = parser.parse_args(argv)
    for path in compile_catalogues(args.roots, force=args.force):
        print(f"compiled {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
