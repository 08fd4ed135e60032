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


# Column at a time, for the writer: the same values as the functions above give one by one,
# with a float in place of each Decimal (scorecard.bulk.columns_insert stores the decimal its
# repr spells, which is the Decimal decimal_or_none builds).


def rounded_column(values: Any, places: int = 6) -> list[float | None]:
    """decimal_or_none over a column: each value rounded to `places` (Python's round, as
    decimal_or_none rounds), None for NaN or infinity."""
    return [round(number, places) if math.isfinite(number) else None for number in _floats(values)]


def int_column(values: Any) -> list[int | None]:
    """int_or_none over a column."""
    return [None if math.isnan(number) else int(number) for number in _floats(values)]


def flag_column(values: Any) -> list[list[str]]:
    """flag_list over a column; each distinct value is split once."""
    seen: dict[Any, list[str]] = {}
    out = []
    for value in values:
        try:
            flags = seen[value]
        except KeyError:
            flags = seen[value] = flag_list(value)
        except TypeError:  # an unhashable collection
            flags = flag_list(value)
        out.append(flags)
    return out


def _floats(values: Any) -> list[float]:
    """A column (Series, array or sequence; None for a missing value) as Python floats."""
    return [float("nan") if v is None else float(v) for v in _as_list(values)]


def _as_list(values: Any) -> list[Any]:
    to_list = getattr(values, "tolist", None)
    return to_list() if to_list is not None else list(values)
