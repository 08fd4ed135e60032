"""The seven scoring methods, vectorised over (period, indicator, county) arrays.

Every method returns the normalised score s in 0..1 of each county on each indicator. Arrays have
the shape (periods, indicators, counties); the county axis holds one comparison set (a peer group,
see comparison.py), parameters broadcast as (1, indicators, 1). Inputs:

- `x`: the basis in its own units, NaN where the county has no usable value;
- `xd`: the basis with the direction applied (x for higher-is-better, -x for lower-is-better), so
  that larger is always better;
- `rank`: competition rank (1, 2, 2, 4) among the reference counties, NaN where x is NaN;
- `ref`: the reference values (ranked counties of the group with a valid value) that statistics
  (min, max, mean, standard deviation) are taken over.

Their parameters are described and checked in params.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from .params import STEP_UNITS

Array = np.ndarray


@dataclass
class MethodInput:
    """Inputs of a method; `params` holds (1, I, 1) floats per parameter name (null -> NaN,
    booleans -> 0.0 / 1.0, a choice -> its position among the choices)."""

    x: Array
    xd: Array
    sign: Array  # (1, I, 1): +1 higher is better, -1 lower is better
    rank: Array
    ref: Array  # bool
    weight: Array  # (1, I, 1)
    params: Mapping[str, Array]
    # the reference counties' best and worst values, when the arrays hold only some counties
    # of a comparison set (gaps.py scores the few counties a change moves)
    extremes: tuple[Array, Array] | None = None


# ---------------------------------------------------------------- statistics over the reference set


def ref_count(m: MethodInput) -> Array:
    return count_of(m.xd, m.ref)


def ref_max(m: MethodInput) -> Array:
    """Best reference value per (period, indicator); -inf when there is none."""
    return best_of(m.xd, m.ref) if m.extremes is None else m.extremes[0]


def ref_min(m: MethodInput) -> Array:
    """Worst reference value per (period, indicator); +inf when there is none."""
    return worst_of(m.xd, m.ref) if m.extremes is None else m.extremes[1]


def ref_mean_std(m: MethodInput) -> tuple[Array, Array]:
    """Mean and population standard deviation of the reference values (NaN when there is none)."""
    return mean_std_of(m.xd, m.ref)


# The same statistics on plain arrays: `xd` (direction applied) and the mask `ref`, reduced over
# the last (county) axis. references.py reports them with these very functions, so that an
# explanation recomputes a score from them exactly.


def count_of(xd: Array, ref: Array) -> Array:
    return ref.sum(axis=-1, keepdims=True)


def best_of(xd: Array, ref: Array) -> Array:
    # a plain max over a filled array: the vectorised reduction (where= is several times slower)
    return np.where(ref, xd, -np.inf).max(axis=-1, keepdims=True, initial=-np.inf)


def worst_of(xd: Array, ref: Array) -> Array:
    return np.where(ref, xd, np.inf).min(axis=-1, keepdims=True, initial=np.inf)


def mean_std_of(xd: Array, ref: Array) -> tuple[Array, Array]:
    n = count_of(xd, ref)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.sum(xd, axis=-1, keepdims=True, where=ref) / n
        dev = np.where(ref, xd - mean, 0.0)
        std = np.sqrt(np.sum(dev * dev, axis=-1, keepdims=True) / n)
    return mean, std


def _clip01(s: Array) -> Array:
    return np.clip(s, 0.0, 1.0)


def _rank_share(rank: Array, step: Array, floor: Array) -> Array:
    return np.maximum(1.0 - (rank - 1.0) * step, floor)


# ----------------------------------------------------------------------------------- the methods


def rank_points(m: MethodInput) -> Array:
    """s = max(1 - (r - 1) * step, floor), r the competition rank."""
    return _rank_share(m.rank, m.params["step"], m.params["floor"])


def efficacy(m: MethodInput) -> Array:
    """功效系数法: s = base + (1 - base) * (x - x_worst) / (x_best - x_worst), clamped to 0..1.

    x_worst and x_best come from the reference counties unless fixed in params (in the basis'
    own units). When they coincide (all equal), or there is nothing to compare with, s = 1.
    """
    p = m.params
    best = np.where(np.isnan(p["best"]), ref_max(m), p["best"] * m.sign)
    worst = np.where(np.isnan(p["worst"]), ref_min(m), p["worst"] * m.sign)
    span = best - worst
    degenerate = ~np.isfinite(span) | (span == 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = p["base"] + (1.0 - p["base"]) * (m.xd - worst) / np.where(degenerate, 1.0, span)
    s = np.where(degenerate, 1.0, s)
    return np.where(np.isnan(m.xd), np.nan, _clip01(s))


def goalposts(m: MethodInput) -> Array:
    """s = clamp((x - lower) / (upper - lower), 0, 1), on ln x and ln goalposts when log is true.

    Lower-is-better indicators score (upper - x) / (upper - lower). With log, x <= 0 counts as
    below the lower goalpost.
    """
    p = m.params
    lower, upper, use_log = p["lower"], p["upper"], p["log"] > 0.5
    x = m.x
    if use_log.any():
        with np.errstate(divide="ignore", invalid="ignore"):
            logx = np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), -np.inf)
            logx = np.where(np.isnan(x), np.nan, logx)
            x = np.where(use_log, logx, x)
            lower = np.where(use_log, np.log(np.where(use_log, lower, 1.0)), lower)
            upper = np.where(use_log, np.log(np.where(use_log, upper, 1.0)), upper)
    t = _clip01((x - lower) / (upper - lower))
    return np.where(m.sign > 0, t, 1.0 - t)


def target(m: MethodInput) -> Array:
    """Completion ratio x / target (lower is better: target / x); s = min(ratio, cap) / cap.

    A lower-is-better value at or below zero has done better than any positive target: s = 1.
    """
    p = m.params
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(m.sign > 0, m.x / p["target"], p["target"] / m.x)
        ratio = np.where((m.sign < 0) & (m.x <= 0), np.inf, ratio)
        s = np.minimum(ratio, p["cap"]) / p["cap"]
    return np.where(np.isnan(m.x), np.nan, _clip01(s))


def stepped(m: MethodInput) -> Array:
    """Base points at the target, +/- per_step for each full step above/below, capped.

    A step is `step` percent of the target (step_unit "percent") or `step` units of the basis
    (step_unit "points"); steps are truncated toward zero. points are clamped to
    [base - max_down, base + max_up] (defaults: 0 and the weight); s = points / weight.
    """
    p = m.params
    diff = (m.x - p["target"]) * m.sign
    percent = p["step_unit"] == STEP_UNITS.index("percent")
    step_size = np.where(percent, np.abs(p["target"]) * p["step"] / 100.0, p["step"])
    steps = np.trunc(np.round(diff / step_size, 9))
    max_up = np.where(np.isnan(p["max_up"]), m.weight - p["base"], p["max_up"])
    max_down = np.where(np.isnan(p["max_down"]), p["base"], p["max_down"])
    points = np.clip(p["base"] + p["per_step"] * steps, p["base"] - max_down, p["base"] + max_up)
    return points / m.weight


THRESHOLD_TOL = 1e-9


def reaches(xd: Array | float, threshold_d: Array | float) -> Array:
    """Whether a basis reaches a threshold, both with the direction applied (larger is better):
    at the threshold counts as reached, with a tolerance far below any published digit."""
    return np.asarray(xd >= threshold_d - THRESHOLD_TOL * np.maximum(1.0, np.abs(threshold_d)))


def threshold_rank(m: MethodInput) -> Array:
    """Counties reaching the threshold get threshold_points plus (weight - threshold_points) times
    the rank-points share of their rank among the counties that reached it; the others get 0.

    Everyone ranked above a county that reached the threshold reached it too, so the competition
    rank among those that reached it equals the overall rank.
    """
    p = m.params
    thr = p["threshold"] * m.sign
    reached = reaches(m.xd, thr)
    share = _rank_share(m.rank, p["step"], p["floor"])
    tp = p["threshold_points"]
    s = np.where(reached, (tp + (m.weight - tp) * share) / m.weight, 0.0)
    return np.where(np.isnan(m.xd) | np.isnan(m.rank), np.nan, s)


def zscore(m: MethodInput) -> Array:
    """z = (x - mean) / std over the reference counties (population std), reversed for
    lower-is-better; s = clamp((z + clip) / (2 * clip), 0, 1). All equal (std 0) -> s = 1."""
    mean, std = ref_mean_std(m)
    clip = m.params["clip"]
    degenerate = ~(std > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = (m.xd - mean) / np.where(degenerate, 1.0, std)
    s = np.where(degenerate, 1.0, _clip01((z + clip) / (2.0 * clip)))
    return np.where(np.isnan(m.xd), np.nan, s)


METHODS: dict[str, Callable[[MethodInput], Array]] = {
    "rank_points": rank_points,
    "efficacy": efficacy,
    "goalposts": goalposts,
    "target": target,
    "stepped": stepped,
    "threshold_rank": threshold_rank,
    "zscore": zscore,
}

# Methods whose score depends on the other counties (and therefore on the peer group).
RELATIVE_METHODS = frozenset({"rank_points", "efficacy", "threshold_rank", "zscore"})
