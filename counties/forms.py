"""The monthly entry form: one value, last-year value and note per indicator, read as officials
type numbers (full-width digits, thousands separators, spaces)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import QueryDict
from django.utils.translation import gettext as _

from indicators.models import Indicator

from .validation import Entry, Issue, NumberError, parse_number


@dataclass
class ParsedEntries:
    entries: dict[str, Entry]
    raw: dict[str, dict[str, str]]  # code -> field -> text as typed, to show it back
    issues: list[Issue]
    version: int | None


def _stored_text(entry: Entry | None, name: str) -> str:
    if entry is None:
        return ""
    if name == "note":
        return entry.note
    number = entry.value if name == "value" else entry.prior_value
    return "" if number is None else f"{number.normalize():f}"


def parse_entry_post(
    data: QueryDict, indicators: list[Indicator], stored: dict[str, Entry] | None = None
) -> ParsedEntries:
    """The figures of a form post. A field the post does not carry at all keeps its stored
    figure (`stored`, by indicator code): only a field sent empty clears a value."""
    entries: dict[str, Entry] = {}
    raw: dict[str, dict[str, str]] = {}
    issues: list[Issue] = []
    stored = stored or {}
    for ind in indicators:
        texts = {}
        for name, key in (
            ("value", f"value_{ind.code}"),
            ("prior_value", f"prior_{ind.code}"),
            ("note", f"note_{ind.code}"),
        ):
            text = (
                str(data.get(key, "")) if key in data else _stored_text(stored.get(ind.code), name)
            )
            texts[name] = text.strip() if name == "note" else text
        raw[ind.code] = texts
        numbers = {}
        for name in ("value", "prior_value"):
            try:
                numbers[name] = parse_number(texts[name])
            except NumberError as exc:
                label = _("本年累计") if name == "value" else _("上年同期")
                issues.append(
                    Issue(ind.code, name, "not_a_number", f"{ind.name}（{label}）：{exc}", True)
                )
                numbers[name] = None
        entries[ind.code] = Entry(numbers["value"], numbers["prior_value"], texts["note"])
    version_text = data.get("version", "")
    version = int(version_text) if re.fullmatch(r"[0-9]{1,9}", version_text) else None
    return ParsedEntries(entries=entries, raw=raw, issues=issues, version=version)
