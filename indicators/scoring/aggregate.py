"""Category subtotals and the total: weighted arithmetic or geometric means of shares in 0..1."""

from __future__ import annotations

import numpy as np

from .rounding import round_half_up
from .rules import Rules


def weighted_mean(
    ratios: np.ndarray, weights: np.ndarray, member: np.ndarray, geometric: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted arithmetic or geometric mean over the first item axis, per group of items.

    ratios (P, N, C) in 0..1 (NaN where left out), weights (P, N), or (P, N, C) when each county
    weighs its items on its own (0 where left out), member (N, K) one-hot, geometric (K,) bool.
    Returns the means (P, K, C) and whether each group has any weight (P, K), or (P, K, C) with
    per-county weights.

    Each group's sums are built by adding its items one at a time, in item order, element by
    element: every (period, county) entry is the same sequence of floating-point operations
    whatever the shape of the arrays around it. gaps() relies on this: a category worked out
    again for a few changed counties is bit for bit what scoring the whole grid gives.
    """
    per_county = weights.ndim == 3
    n_p = max(ratios.shape[0], weights.shape[0])  # either may be 1, broadcast over the other
    n_c = ratios.shape[2]
    w = weights if per_county else weights[:, :, None]
    r = np.where(w > 0, ratios, 0.0)
    n_k = member.shape[1]
    out = np.full((n_p, n_k, n_c), np.nan)
    tw_shape = weights.shape[:1] + weights.shape[2:]  # (P,) or (P, C)
    total_w = np.zeros((weights.shape[0], n_k) + weights.shape[2:])
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in range(n_k):
            items = np.flatnonzero(member[:, k])
            tw = np.zeros(tw_shape)
            acc = np.zeros((n_p, n_c))
            for i in items:
                tw = tw + weights[:, i]
                if geometric[k]:
                    ri = r[:, i]
                    acc = acc + w[:, i] * np.log(np.where(ri > 0, ri, 1.0))
                else:
                    acc = acc + w[:, i] * r[:, i]
            total_w[:, k] = tw
            mean = acc / (tw if per_county else tw[:, None])
            if geometric[k]:
                zero = ((r[:, items] <= 0) & (w[:, items] > 0)).any(axis=1)
                mean = np.where(zero, 0.0, np.exp(mean))
            out[:, k] = mean
    has = total_w > 0
    return np.where(has if per_county else has[:, :, None], out, np.nan), has


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
