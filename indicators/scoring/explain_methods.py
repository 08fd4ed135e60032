"""Each method's formula with the numbers put in (see explain.py), computed as methods.py does.

Every function takes the row's numbers (`_Args`) and returns (s, text): the normalised score,
in the same floating-point steps as the engine's method, and the formula in points up to, not
including, "= points" (explain_points adds that, rounded as the engine rounds points).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .explain_text import fixed, num, wrap
from .methods import reaches
from .params import STEP_UNITS
from .rules import Indicator


@dataclass
class Args:
    """One indicator result: the basis used (x), its rank, the reference statistics."""

    ind: Indicator
    x: float  # the basis used, in its own units
    sign: float
    rank: float
    ref: dict[str, float]
    weight: float
    inputs: dict[str, float]
    target: float | None = None  # the row's own (or scheduled) target; None: the rule's

    def param(self, name: str) -> float:
        if name == "target" and self.target is not None:
            return self.target
        v = self.ind.param(name)
        if name == "step_unit":
            return float(STEP_UNITS.index(v))
        return math.nan if v is None else float(v)

    @property
    def places(self) -> int | None:
        return self.ind.decimals

    def basis_text(self, v: float) -> str:
        """A basis value as published (at the indicator's decimals)."""
        return fixed(v, self.places) if self.places is not None else num(v)

    def stat_text(self, v: float) -> str:
        return num(v, (self.places or 2) + 2)


def _clip01(s: float) -> float:
    return float(np.clip(np.float64(s), 0.0, 1.0))


def _clamp_text(text: str, raw: float, low: float = 0.0, high: float = 1.0) -> str:
    """`text` wrapped in the min/max that bind on `raw`."""
    if raw > high:
        return f"min({num(high)}, {text})"
    if raw < low:
        return f"max({num(low)}, {text})"
    return text


def _share_text(per: float, k: float, full: float, floor_pts: float, linear: float) -> str:
    """full − per × k, with the floor when there is one or when it binds."""
    text = f"{num(full)} − {num(per, 4)} × {num(k)}"
    if floor_pts > 0 or linear < floor_pts:
        text = f"max({text}, {num(floor_pts, 4)})"
    return text


def _rank_points(a: Args) -> tuple[float, str]:
    step, floor = a.param("step"), a.param("floor")
    if math.isnan(a.rank):
        return math.nan, "0"
    s = max(1.0 - (a.rank - 1.0) * step, floor)
    k = a.rank - 1.0
    a.inputs.update(per_place=a.weight * step, floor_points=a.weight * floor)
    linear = a.weight - a.weight * step * k
    return s, _share_text(a.weight * step, k, a.weight, a.weight * floor, linear)


def _efficacy(a: Args) -> tuple[float, str]:
    base = a.param("base")
    fixed_best, fixed_worst = a.param("best"), a.param("worst")
    best = fixed_best if not math.isnan(fixed_best) else a.ref["best"]
    worst = fixed_worst if not math.isnan(fixed_worst) else a.ref["worst"]
    a.inputs.update(best=best, worst=worst, count=a.ref["count"])
    best_d = best * a.sign if not math.isnan(best) else -math.inf
    worst_d = worst * a.sign if not math.isnan(worst) else math.inf
    span = best_d - worst_d
    xd = a.x * a.sign
    if not math.isfinite(span) or span == 0:
        return 1.0, f"{num(a.weight)} × 1"
    raw = base + (1.0 - base) * (xd - worst_d) / span
    x, b, w = a.basis_text(a.x), a.basis_text(best), a.basis_text(worst)
    frac = f"({x} − {w}) ÷ ({b} − {w})" if a.sign > 0 else f"({w} − {x}) ÷ ({w} − {b})"
    inner = _clamp_text(f"{num(base)} + {num(1.0 - base, 6)} × {frac}", raw)
    return _clip01(raw), f"{num(a.weight)} × {wrap(inner)}"


def _goalposts(a: Args) -> tuple[float, str]:
    lower, upper, use_log = a.param("lower"), a.param("upper"), a.param("log") > 0.5
    a.inputs.update(lower=lower, upper=upper)
    x_text, lo_text, up_text = a.basis_text(a.x), num(lower), num(upper)
    x = a.x
    if use_log:
        x = float(np.log(np.float64(x))) if x > 0 else -math.inf
        lower, upper = float(np.log(np.float64(lower))), float(np.log(np.float64(upper)))
        x_text, lo_text, up_text = f"ln({x_text})", f"ln({lo_text})", f"ln({up_text})"
    if use_log and math.isinf(x):  # x <= 0: below the lower goalpost
        t = 0.0
        return (t if a.sign > 0 else 1.0 - t), f"{num(a.weight)} × {num(t if a.sign > 0 else 1)}"
    raw = (x - lower) / (upper - lower)
    t = _clip01(raw)
    s = t if a.sign > 0 else 1.0 - t
    if a.sign > 0:
        frac = _clamp_text(f"({x_text} − {lo_text}) ÷ ({up_text} − {lo_text})", raw)
    else:
        frac = _clamp_text(f"({up_text} − {x_text}) ÷ ({up_text} − {lo_text})", 1.0 - raw)
    return s, f"{num(a.weight)} × {frac}"


def _target(a: Args) -> tuple[float, str]:
    target, cap = a.param("target"), a.param("cap")
    a.inputs.update(target=target, cap=cap)
    if a.sign < 0 and a.x <= 0:
        return _clip01(min(math.inf, cap) / cap), f"{num(a.weight)} × 1"
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = float(np.float64(a.x) / target) if a.sign > 0 else float(target / np.float64(a.x))
    raw = min(ratio, cap) / cap
    x, t = a.basis_text(a.x), num(target)
    ratio_text = f"{x} ÷ {t}" if a.sign > 0 else f"{t} ÷ {x}"
    text = _clamp_text(f"min({ratio_text}, {num(cap)}) ÷ {num(cap)}", raw)
    return _clip01(raw), f"{num(a.weight)} × {text}"


def _stepped(a: Args) -> tuple[float, str]:
    p = {n: a.param(n) for n in ("target", "base", "per_step", "step", "step_unit")}
    target, base, per_step = p["target"], p["base"], p["per_step"]
    diff = (a.x - target) * a.sign
    percent = p["step_unit"] == STEP_UNITS.index("percent")
    step_size = abs(target) * p["step"] / 100.0 if percent else p["step"]
    quotient = diff / step_size
    steps = float(np.trunc(np.round(np.float64(quotient), 9)))
    max_up, max_down = a.param("max_up"), a.param("max_down")
    max_up = a.weight - base if math.isnan(max_up) else max_up
    max_down = base if math.isnan(max_down) else max_down
    raw = base + per_step * steps
    points = float(np.clip(np.float64(raw), base - max_down, base + max_up))
    a.inputs.update(target=target, step_size=step_size, steps=steps, low=base - max_down)
    a.inputs.update(high=base + max_up)
    x, t = a.basis_text(a.x), num(target)
    diff_text = f"({x} − {t})" if a.sign > 0 else f"({t} − {x})"
    step_text = f"{diff_text} ÷ {num(step_size, 6)} = {num(quotient, 4)}"
    op = "+" if steps >= 0 else "−"
    expr = f"{num(base)} {op} {num(per_step)} × {num(abs(steps))}"
    expr = _clamp_text(expr, raw, base - max_down, base + max_up)
    return points / a.weight, f"{step_text}; {expr}"


def _threshold_rank(a: Args) -> tuple[float, str]:
    thr, tp = a.param("threshold"), a.param("threshold_points")
    step, floor = a.param("step"), a.param("floor")
    reached = bool(reaches(a.x * a.sign, thr * a.sign))
    a.inputs.update(threshold=thr, threshold_points=tp, reached=float(reached))
    if math.isnan(a.rank):
        return math.nan, "0"
    x = a.basis_text(a.x)
    if not reached:
        return 0.0, f"{x} {'<' if a.sign > 0 else '>'} {num(thr)}; 0"
    share = max(1.0 - (a.rank - 1.0) * step, floor)
    s = (tp + (a.weight - tp) * share) / a.weight
    rest, k = a.weight - tp, a.rank - 1.0
    a.inputs.update(per_place=rest * step)
    ranked_part = _share_text(rest * step, k, rest, rest * floor, rest - rest * step * k)
    cmp = "≥" if a.sign > 0 else "≤"
    return s, f"{x} {cmp} {num(thr)}; {num(tp)} + {wrap(ranked_part)}"


def _zscore(a: Args) -> tuple[float, str]:
    clip = a.param("clip")
    mean, std = a.ref["mean"], a.ref["std"]
    a.inputs.update(mean=mean, std=std, count=a.ref["count"], clip=clip)
    if not std > 0:
        return 1.0, f"{num(a.weight)} × 1"
    z = (a.x * a.sign - mean * a.sign) / std
    raw = (z + clip) / (2.0 * clip)
    a.inputs["z"] = z
    x, m, sd = a.basis_text(a.x), a.stat_text(mean), a.stat_text(std)
    z_text = f"({x} − {m}) ÷ {sd}" if a.sign > 0 else f"({m} − {x}) ÷ {sd}"
    share = _clamp_text(f"({num(z, 4)} + {num(clip)}) ÷ {num(2.0 * clip)}", raw)
    return _clip01(raw), f"{z_text} = {num(z, 4)}; {num(a.weight)} × {share}"


FORMULAS: dict[str, Callable[[Args], tuple[float, str]]] = {
    "rank_points": _rank_points,
    "efficacy": _efficacy,
    "goalposts": _goalposts,
    "target": _target,
    "stepped": _stepped,
    "threshold_rank": _threshold_rank,
    "zscore": _zscore,
}
