"""Names of counties, categories and indicators in the active language.

They are stored in Chinese (`name`) and English (`name_en`); pages show `display_name`, which is
the English name while the interface is in English and the Chinese one otherwise.
"""

from __future__ import annotations

from django.utils.translation import get_language


def localized(name: str, name_en: str) -> str:
    """`name_en` when English is active and it is set, else `name`."""
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name
