"""Chinese is the source language; the English catalogue must be complete."""

from pathlib import Path

import polib
import pytest
from django.utils import translation

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_english_catalogue_is_complete():
    po = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == []
    assert fuzzy == []


def test_english_catalogue_is_compiled():
    assert CATALOGUE.with_suffix(".mo").exists(), "run `make messages` to compile"


@pytest.mark.parametrize(("zh", "en"), [("市辖区", "Urban district"), ("亿元", "100 million yuan")])
def test_labels_translate(zh, en):
    with translation.override("en"):
        assert translation.gettext(zh) == en
    with translation.override("zh-hans"):
        assert translation.gettext(zh) == zh
