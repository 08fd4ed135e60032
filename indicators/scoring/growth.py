"""Year-on-year growth (同比增长) in percent: the one formula, for the engine's growth basis
(arrays of floats) and for every page, check and export (Decimals).

A base that is missing, zero or negative gives no growth: a rate against a non-positive base
says nothing (a loss-making enterprise's profit, a new county's first year).
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np


def growth_percent(value: Decimal | None, prior: Decimal | None) -> Decimal | None:
    """(value / prior - 1) x 100, or None without both figures or with a base <= 0."""
    if value is None or prior is None or prior <= 0:
        return None
    return (value / prior - 1) * 100


def growth_array(value: np.ndarray, prior: np.ndarray) -> np.ndarray:
    """growth_percent over arrays of floats: NaN where the base is missing or <= 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(prior > 0, (value / prior - 1.0) * 100.0, np.nan)
