"""Category subtotals and the total: weighted arithmetic or geometric means of shares in 0..1."""

from __future__ import annotations

import numpy as np

from .rounding import round_half_up
from .rules import Rules


def weighted_mean(
    ratios: np.ndarray, weights: np.ndarray, member: np.ndarray, geometric: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted arithmetic or geometric mean over the first item axis, per group of items.

    ratios (P, N, C) in 0..1 (NaN where left out), weights (P, N) (0 where left out), member
    (N, K) one-hot, geometric (K,) bool. Returns the means (P, K, C) and whether each group has any
    weight (P, K).
    """
    w = weights[:, :, None]
    r = np.where(w > 0, ratios, 0.0)
    total_w = weights @ member  # (P, K)
    mt = member.T[None].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.matmul(mt, w * r) / total_w[:, :, None]
        if geometric.any():
            logs = np.log(np.where(r > 0, r, 1.0))
            zeros = np.matmul(mt, ((r <= 0) & (w > 0)).astype(float))
            geo = np.exp(np.matmul(mt, w * logs) / total_w[:, :, None])
            geo = np.where(zeros > 0, 0.0, geo)
            out = np.where(geometric[None, :, None], geo, out)
    has = total_w > 0
    return np.where(has[:, :, None], out, np.nan), has


def category_subtotals(
    rules: Rules, s: np.ndarray, scheduled: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Subtotals (P, K, C) from the shares s (P, I, C) over the scheduled indicators (P, I):
    unrounded, rounded at each category's decimals, and whether a category takes part (P, K)."""
    cats = rules.categories
    codes = [c.code for c in cats]
    member = np.zeros((len(rules.indicators), len(cats)))
    for j, i in enumerate(rules.indicators):
        member[j, codes.index(i.category)] = 1.0
    geometric = np.array([c.aggregation == "geometric" for c in cats])
    agg, part = weighted_mean(s, weight[None, :] * scheduled, member, geometric)
    cw = np.array([float(c.weight) for c in cats])[None, :, None]
    sub_raw = cw * agg
    sub = sub_raw.copy()
    for k, c in enumerate(cats):
        sub[:, k] = round_half_up(sub_raw[:, k], c.decimals)
    return sub_raw, sub, part


def total_of(rules: Rules, sub: np.ndarray, part: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The total (P, C) over the categories that take part, unrounded and rounded."""
    cw = np.array([float(c.weight) for c in rules.categories])
    member = np.ones((len(cw), 1))
    geometric = np.array([rules.total.aggregation == "geometric"])
    agg, _ = weighted_mean(sub / cw[None, :, None], cw[None, :] * part, member, geometric)
    raw = rules.total.points_value * agg[:, 0, :]
    return raw, round_half_up(raw, rules.total.decimals)
