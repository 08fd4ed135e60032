"""Each scoring method's parameters: names, defaults, types, and the checks of their values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .checker import Checker, is_number, show

STEP_UNITS = ("percent", "points")
# Methods that score against a target, and may take each county's own (docs/rules.md 3.3).
TARGET_METHODS = ("target", "stepped")


@dataclass(frozen=True)
class Param:
    """A method parameter: `kind` is "number", "bool" or "choice"; `default` is used when absent."""

    required: bool = False
    default: float | bool | str | None = None
    kind: str = "number"
    nullable: bool = False
    choices: tuple[str, ...] = ()


METHOD_PARAMS: dict[str, dict[str, Param]] = {
    "rank_points": {"step": Param(required=True), "floor": Param(default=0.0)},
    "efficacy": {
        "base": Param(default=0.6),
        "worst": Param(nullable=True),
        "best": Param(nullable=True),
    },
    "goalposts": {
        "lower": Param(required=True),
        "upper": Param(required=True),
        "log": Param(default=False, kind="bool"),
    },
    "target": {
        "target": Param(required=True),
        "cap": Param(default=1.2),
        "own_target": Param(default=False, kind="bool"),
        "by_schedule": Param(default=False, kind="bool"),
    },
    "stepped": {
        "target": Param(required=True),
        "base": Param(required=True),
        "per_step": Param(required=True),
        "step": Param(required=True),
        "step_unit": Param(required=True, kind="choice", choices=STEP_UNITS),
        "max_up": Param(nullable=True),
        "max_down": Param(nullable=True),
        "own_target": Param(default=False, kind="bool"),
        "by_schedule": Param(default=False, kind="bool"),
    },
    "threshold_rank": {
        "threshold": Param(required=True),
        "threshold_points": Param(required=True),
        "step": Param(required=True),
        "floor": Param(default=0.0),
    },
    "zscore": {"clip": Param(default=3.0)},
}


def check_param(c: Checker, value: Any, path: str, p: Param) -> None:
    if p.kind == "bool":
        if not isinstance(value, bool):
            c.fail(path, f"must be true or false, got {show(value)}")
    elif p.kind == "choice":
        if value not in p.choices:
            c.fail(path, f"must be one of {', '.join(p.choices)}, got {show(value)}")
    elif value is None:
        if not p.nullable:
            c.fail(path, "must be a number, got null")
    elif not is_number(value):
        c.fail(path, f"must be a number, got {show(value)}")


def check_method_params(
    c: Checker,
    method: str,
    v: dict[str, Any],
    w: float | None,
    direction: str | None,
    path: str,
    basis: str | None = None,
) -> None:
    """The checks of a method's parameter values that need more than each value alone: the
    other parameters, the indicator's weight, direction and basis type."""
    f = {k: (float(x) if is_number(x) else x) for k, x in v.items()}

    def bad(name: str, message: str) -> None:
        c.fail(f"{path}.{name}", message)

    if method in ("rank_points", "threshold_rank"):
        if f["step"] < 0:
            bad("step", "must be at least 0")
        if not 0 <= f["floor"] <= 1:
            bad("floor", "must be between 0 and 1 (a share of the points)")
    if method == "efficacy":
        if not 0 <= f["base"] <= 1:
            bad("base", "must be between 0 and 1 (a share of the weight, e.g. 0.6)")
        if f["worst"] is not None and f["best"] is not None:
            better = f["best"] > f["worst"] if direction == "higher" else f["best"] < f["worst"]
            if not better:
                bad("best", f"must be better than worst for a {direction}-is-better indicator")
    if method == "goalposts":
        if not f["lower"] < f["upper"]:
            bad("upper", "must be greater than lower")
        if f["log"] and not f["lower"] > 0:
            bad("lower", "must be greater than 0 when log is true")
    if method == "target":
        if not f["target"] > 0:
            bad("target", "must be greater than 0")
        if not f["cap"] >= 1:
            bad("cap", "must be at least 1")
    if method == "stepped":
        if not f["step"] > 0:
            bad("step", "must be greater than 0")
        if f["step_unit"] == "percent" and not f["target"] > 0:
            bad("target", 'must be greater than 0 with "step_unit": "percent"')
        if f["per_step"] < 0:
            bad("per_step", "must be at least 0")
        for name in ("max_up", "max_down"):
            if f[name] is not None and f[name] < 0:
                bad(name, "must be at least 0")
        if w is not None:
            up = w - f["base"] if f["max_up"] is None else f["max_up"]
            down = f["base"] if f["max_down"] is None else f["max_down"]
            if not 0 <= f["base"] <= w:
                bad("base", f"must be between 0 and the weight {show(w)}")
            elif f["base"] + up > w + 1e-9:
                bad(
                    "max_up",
                    f"base + max_up = {show(f['base'] + up)} exceeds the weight {show(w)}",
                )
            elif f["base"] - down < -1e-9:
                bad("max_down", f"base - max_down = {show(f['base'] - down)} is below 0")
    if method == "threshold_rank" and w is not None and not 0 <= f["threshold_points"] <= w:
        bad("threshold_points", f"must be between 0 and the weight {show(w)}")
    if method == "zscore" and not f["clip"] > 0:
        bad("clip", "must be greater than 0")
    if method in TARGET_METHODS and f["by_schedule"] and basis not in (None, "value"):
        bad(
            "by_schedule",
            f"needs a value basis (a year-to-date total that accumulates over the months), "
            f"not a {basis} basis",
        )
