"""Decimal half-up rounding (四舍五入) that is robust to binary floating-point noise, vectorised.

Published figures are decimals: 8.0% is 8.0% whether it came from 140.4/130 or from 70.2/65, and
2.675 rounds to 2.68 although the nearest double is 2.67499999999999982... Rounding the raw double
would break ties and halves on noise that no reader can see. `round_half_up` therefore scales by
10**decimals, nudges the magnitude up by a tolerance far below any published digit but above the
noise of a few arithmetic operations, and floors `+ 0.5`. Halves go away from zero (-2.5 -> -3),
as `decimal.ROUND_HALF_UP` does.

The result is `k / 10**decimals` for an integer k, which is exactly the double that the literal
decimal parses to (e.g. 80 / 10 == 8.0 and 81 / 10 == 8.1), so rounded values compare equal exactly.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

# The nudge, in units of the last published digit: an absolute part plus a relative part (about
# 45 ulp), capped at a thousandth of a unit. A growth rate (v / p - 1) * 100 carries an absolute
# error near 1e-14 * v / p, far below ABS_TOL after scaling by 10**decimals for any realistic
# number of decimals; products and quotients carry a few ulp, below REL_TOL. Only values within
# the nudge below a half (noise, for any figure written with fewer than about 13 significant
# digits) are taken as the half.
ABS_TOL = 1e-9
REL_TOL = 1e-14
MAX_NUDGE = 1e-3
_EXACT_LIMIT = 2.0**52  # beyond this, doubles are integers already: nothing to round


def round_half_up(x: np.ndarray | float, decimals: int | None) -> np.ndarray:
    """Round half away from zero at `decimals` places; None returns the values unchanged.

    NaN and infinities pass through. Works on any array shape.
    """
    arr = np.asarray(x, dtype=float)
    if decimals is None:
        return arr.copy()
    if arr.ndim == 0:
        return round_half_up(arr.reshape(1), decimals)[0]
    factor = 10.0**decimals
    # the same operations as scaled + 0.5 + min(ABS_TOL + scaled * REL_TOL, MAX_NUDGE), in
    # place: a score() of a national year rounds millions of values
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.abs(arr)
        scaled *= factor
        nudge = scaled * REL_TOL
        nudge += ABS_TOL
        np.minimum(nudge, MAX_NUDGE, out=nudge)
        out = scaled + 0.5
        out += nudge
        np.floor(out, out=out)
        np.copysign(out, arr, out=out)
        out /= factor
        keep = ~(scaled < _EXACT_LIMIT)  # NaN, infinities and doubles that are integers
    if keep.any():
        np.copyto(out, arr, where=keep)
    # -0.0 -> 0.0 so that "-0.00" never appears in outputs
    out += 0.0
    return out


def round_half_up_scalar(x: float, decimals: int | None) -> float:
    """round_half_up() of one number, the same steps in Python floats (the same IEEE doubles,
    without an array around them: the explanations round one value at a time)."""
    if decimals is None:
        return float(x)
    x = float(x)
    factor = 10.0**decimals
    scaled = abs(x) * factor
    if not math.isfinite(scaled) or scaled >= _EXACT_LIMIT:
        return x + 0.0
    nudged = scaled + 0.5 + min(ABS_TOL + scaled * REL_TOL, MAX_NUDGE)
    return math.copysign(float(math.floor(nudged)), x) / factor + 0.0


def round_decimal(value: float, decimals: int | None) -> float:
    """Scalar reference implementation with `decimal`: rounds the shortest repr of `value`.

    Used in tests to check `round_half_up`, and handy for one-off values.
    """
    if decimals is None or value != value:  # NaN
        return value
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))
