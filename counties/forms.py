"""The monthly entry form: one value, last-year value and note per indicator, read as officials
type numbers (full-width digits, thousands separators, spaces)."""

from __future__ import annotations

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


def parse_entry_post(data: QueryDict, indicators: list[Indicator]) -> ParsedEntries:
    entries: dict[str, Entry] = {}
    raw: dict[str, dict[str, str]] = {}
    issues: list[Issue] = []
    for ind in indicators:
        texts = {
            "value": data.get(f"value_{ind.code}", ""),
            "prior_value": data.get(f"prior_{ind.code}", ""),
            "note": data.get(f"note_{ind.code}", "").strip(),
        }
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
    try:
        version = int(data.get("version", ""))
    except ValueError:
        version = None
    return ParsedEntries(entries=entries, raw=raw, issues=issues, version=version)
