"""Validation helpers for rule sets: collect errors with their paths, show values as JSON does."""

from __future__ import annotations

import math
from collections.abc import Set as AbstractSet
from decimal import Decimal
from fractions import Fraction
from typing import Any

MAX_DECIMALS = 12


class Checker:
    """Collects errors with their paths; the getters return None when a value is invalid."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    def obj(
        self, d: Any, path: str, allowed: AbstractSet[str], required: AbstractSet[str] = frozenset()
    ) -> bool:
        if not isinstance(d, dict):
            self.fail(path or "rules", f"must be an object, got {show(d)}")
            return False
        for key in d:
            if key not in allowed:
                self.fail(
                    join_path(path, key), f"unknown field (allowed: {', '.join(sorted(allowed))})"
                )
        for key in sorted(required - set(d)):
            self.fail(join_path(path, key), "is required")
        return True

    def number(
        self,
        d: dict,
        key: str,
        path: str,
        *,
        default: Any = None,
        nullable: bool = False,
        minimum: float | None = None,
        maximum: float | None = None,
        positive: bool = False,
    ) -> Any:
        value = d.get(key, default)
        p = join_path(path, key)
        if value is None:
            if not nullable and key in d:
                self.fail(p, "must be a number, got null")
            return None
        if not is_number(value):
            self.fail(p, f"must be a number, got {show(value)}")
            return None
        v = float(value)
        if positive and not v > 0:
            self.fail(p, f"must be greater than 0, got {show(value)}")
        elif minimum is not None and v < minimum:
            self.fail(p, f"must be at least {show(minimum)}, got {show(value)}")
        elif maximum is not None and v > maximum:
            self.fail(p, f"must be at most {show(maximum)}, got {show(value)}")
        return value

    def integer(self, d: dict, key: str, path: str, *, default: Any = None, nullable=False) -> Any:
        value = d.get(key, default)
        if value is None and (nullable or key not in d):
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(join_path(path, key), f"must be a whole number, got {show(value)}")
            return None
        return value

    def decimals(self, d: dict, key: str, path: str, default: int | None) -> int | None:
        value = self.integer(d, key, path, default=default, nullable=True)
        if value is not None and not 0 <= value <= MAX_DECIMALS:
            self.fail(join_path(path, key), f"must be between 0 and {MAX_DECIMALS} or null")
        return value

    def text(self, d: dict, key: str, path: str, *, default: str | None = None) -> Any:
        value = d.get(key, default)
        if not isinstance(value, str) or (key in d and not value.strip()):
            self.fail(join_path(path, key), f"must be a non-empty string, got {show(value)}")
            return None
        return value

    def choice(self, d: dict, key: str, path: str, choices: tuple[str, ...], default=None) -> Any:
        value = d.get(key, default)
        if value not in choices:
            allowed = ", ".join(f'"{c}"' for c in choices)
            self.fail(join_path(path, key), f"must be one of {allowed}, got {show(value)}")
            return None
        return value


def is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return math.isfinite(float(value))


def exact(value: int | float | Decimal) -> Fraction:
    """The decimal number as written: 0.1 is 1/10, not the double nearest to it."""
    if isinstance(value, float):
        return Fraction(repr(value))
    return Fraction(value)


def fmt_exact(value: Fraction | int) -> str:
    d = value.denominator
    while d % 2 == 0:
        d //= 2
    while d % 5 == 0:
        d //= 5
    if d == 1:  # a finite decimal: print it exactly
        text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return repr(float(value))


def show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return repr(int(value)) if abs(value) < 1e15 else repr(value)
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return str(value)


def join_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
