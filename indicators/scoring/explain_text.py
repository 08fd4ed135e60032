"""Numbers in explanations: half-up rounding (四舍五入) for display, "−" for minus, no words."""

from __future__ import annotations

import functools
import math
import re
from decimal import ROUND_HALF_UP, Decimal

MINUS = "−"  # U+2212, the minus sign of the formulas
_NEGATIVE_OPERAND = re.compile(r"([×÷+−] )−(\d[\d.]*)")


_QUANTA = {places: Decimal(1).scaleb(-places) for places in range(13)}


def _decimal(value: float, places: int) -> Decimal:
    quantum = _QUANTA.get(places) or Decimal(1).scaleb(-places)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def _show(d: Decimal) -> str:
    text = f"{abs(d) if d.is_zero() else d:f}"
    return MINUS + text[1:] if text.startswith("-") else text


@functools.lru_cache(maxsize=8192)  # a period's formulas repeat weights, bounds and statistics
def num(value: float | int | Decimal, places: int = 6) -> str:
    """A number rounded half up at most `places` decimals, trailing zeros dropped (8, 0.0625)."""
    value = float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "∞" if value > 0 else MINUS + "∞"
    d = _decimal(value, places)
    text = _show(d.normalize() if d == d.to_integral() else d)
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if "E" in text or "e" in text:  # normalize() of an integer like 100 gives 1E+2
        text = _show(d.quantize(Decimal(1)))
    return text


@functools.lru_cache(maxsize=8192)
def fixed(value: float, places: int | None) -> str:
    """A number at exactly `places` decimals (7.50), as published; None: num()."""
    if places is None:
        return num(value)
    value = float(value)
    if not math.isfinite(value):
        return num(value)
    return _show(_decimal(value, places))


def signed_term(value: float, places: int | None) -> str:
    """`+ 2.00` or `− 1.00`: a term added to a sum."""
    text = fixed(abs(value), places) if places is not None else num(abs(value), 4)
    return f"{'+' if value >= 0 else MINUS} {text}"


def wrap(text: str) -> str:
    """`text` in parentheses unless it is a single number or already one bracketed group."""
    if re.fullmatch(r"[\d.∞]+", text) or _one_group(text):
        return text
    return f"({text})"


def _one_group(text: str) -> bool:
    """`(…)`, `min(…)`, `max(…)` or `ln(…)` whose first parenthesis closes at the end."""
    head = re.match(r"(min|max|ln)?\(", text)
    if head is None or not text.endswith(")"):
        return False
    depth = 0
    for k in range(head.end() - 1, len(text)):
        depth += text[k] == "("
        depth -= text[k] == ")"
        if depth == 0 and k < len(text) - 1:
            return False
    return True


def tidy(formula: str) -> str:
    """Negative operands in parentheses: `5 − −3` reads `5 − (−3)`."""
    return _NEGATIVE_OPERAND.sub(lambda m: f"{m.group(1)}({MINUS}{m.group(2)})", formula)
