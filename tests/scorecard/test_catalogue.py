"""The translation catalogue compiles with nothing but Python: `make messages` (which `make run`
and `make test` run first) needs no GNU gettext."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

from scorecard.catalogue import compile_catalogues

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _locale_copy(tmp_path: Path) -> Path:
    target = tmp_path / "locale" / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(CATALOGUE, target / "django.po")
    return tmp_path / "locale"


def test_the_compiled_catalogue_translates(tmp_path):
    root = _locale_copy(tmp_path)
    written = compile_catalogues([root])
    assert written == [root / "en" / "LC_MESSAGES" / "django.mo"]
    english = gettext.GNUTranslations(written[0].open("rb"))
    assert english.gettext("综合排名") == "League table"
    assert english.gettext("得分构成") == "How the total is made"
    assert compile_catalogues([root]) == []  # up to date: nothing written again


def test_make_messages_runs_with_no_msgfmt_on_the_path(tmp_path):
    """`make messages` with a PATH holding only make, env and sh: no msgfmt anywhere."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for name in ("make", "env", "sh"):
        found = shutil.which(name)
        assert found, name
        (tools / name).symlink_to(found)
    assert shutil.which("msgfmt", path=str(tools)) is None
    mo = CATALOGUE.with_suffix(".mo")
    before = mo.stat().st_mtime if mo.exists() else None
    os.utime(CATALOGUE)  # newer than the .mo: it must be compiled again
    env = {"PATH": str(tools), "HOME": str(tmp_path), "PYTHON": sys.executable}
    done = subprocess.run(
        ["make", "--no-print-directory", "messages"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "compiled" in done.stdout and mo.exists()
    assert before is None or mo.stat().st_mtime >= before
    english = gettext.GNUTranslations(mo.open("rb"))
    assert english.gettext("综合排名") == "League table"
