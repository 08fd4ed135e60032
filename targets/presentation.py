"""How targets read on the pages: a target with its unit, a sum that does not add up.

Targets are shown as entered (12.3 亿元, not 12.30 亿元: a target has up to four decimals,
whatever the indicator's), growth targets as every growth rate in the app reads
(indicators.formatting.growth_text). Pure functions of loaded objects: no queries.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.formatting import PERCENT, growth_text, unit_label
from indicators.models import Indicator

from .models import Target
from .selectors import SumMismatch

MINUS = "\u2212"  # a difference below zero reads −0.1, with the typographic minus


def plain(value: Decimal | None) -> str:
    """A target as it is typed into an input: 12.3, 1500, no exponent, no trailing zeros."""
    if value is None:
        return ""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "0") else text


def amount_text(value: Decimal, indicator: Indicator, *, signed: bool = False) -> str:
    """A value in the indicator's unit: 12.3 亿元, 94.5%, 359 家; signed: +0.1 / −0.1 亿元."""
    number = plain(abs(value) if signed else value)
    if signed:
        number = (MINUS if value < 0 else "+") + number if value else number
    if indicator.unit == PERCENT:
        return f"{number}%"
    return f"{number} {unit_label(indicator.unit)}"


def target_text(kind: str | None, value: Decimal | None, indicator: Indicator) -> str:
    """A stored target as read: a growth target 6.50%, a value target with its unit; "–" for
    none."""
    if value is None:
        return "–"
    if kind == Target.Kind.GROWTH:
        return growth_text(value)
    return amount_text(value, indicator)


def kind_label(kind: str | None) -> str:
    """目标值 / 目标增速（%）; "–" for none."""
    return str(Target.Kind(kind).label) if kind in Target.Kind.values else "–"


def mismatch_text(mismatch: SumMismatch) -> str:
    """一般公共预算收入：县区目标合计 12.2 亿元，与全市目标 12.3 亿元相差 −0.1 亿元。"""
    indicator = mismatch.indicator
    return _(
        "%(indicator)s：县区目标合计 %(counties)s，与全市目标 %(city)s相差 %(difference)s。"
    ) % {
        "indicator": indicator.display_name,
        "counties": amount_text(mismatch.counties, indicator),
        "city": amount_text(mismatch.city, indicator),
        "difference": amount_text(mismatch.difference, indicator, signed=True),
    }
