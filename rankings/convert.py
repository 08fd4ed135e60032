"""The engine's numbers (floats, NaN for none) as the values stored rows and pages hold."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any


def decimal_or_none(value: Any, places: int = 6) -> Decimal | None:
    """A float rounded to `places` as a Decimal; None for None, NaN or infinity."""
    if value is None:
        return None
    number = float(value)
    if math.isnan(number) or math.isinf(number):
        return None
    return Decimal(repr(round(number, places)))


def int_or_none(value: Any) -> int | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else int(number)


def flag_list(value: Any) -> list[str]:
    """The engine's flags ("missing,invalid_base", a collection, or NaN) as a sorted list."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    if isinstance(value, str):
        return [f for f in value.replace(";", ",").split(",") if f]
    return sorted(str(f) for f in value)
