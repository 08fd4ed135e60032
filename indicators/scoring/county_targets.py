"""Each county's own target (目标任务) as an input of the `target` and `stepped` methods.

The targets frame has one row per county and indicator: `target`, the county's annual target
in the terms of the indicator's basis (a growth in percent for a growth basis, a value for a
value basis, the ratio for a ratio basis), and optionally `schedule`, twelve cumulative shares
of the annual target due by the end of each month (None: month/12, as in progress.py), and
`target_kind` ("value" or "growth", checked against the basis when given).

An indicator whose params say `own_target` scores each county that has a row against that
row's target, and the others against the rule's `target`. With `by_schedule` (value bases
only), the target a period is compared with is the annual target times the share due at the
period's month, so `target` scores completion ÷ time progress. `target_grid` gives the target
every (period, indicator, county) is scored against; the engine passes it to the two methods
in place of the rule's parameter and reports it in `result.indicators["target"]`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .grid import (
    Grid,
    ScoringInputError,
    _codes,
    _factorize,
    _first_row,
    _numbers,
    _require_columns,
    _unique_labels,
)
from .params import STEP_UNITS, TARGET_METHODS
from .progress import TARGET_KINDS, check_schedule
from .rules import Indicator, Rules

TABLE = "targets"
TARGET_DECIMALS = 10  # a scheduled target, annual × share: 200 × 0.45 is 90, not 90.00000000000001


@dataclass(frozen=True)
class TargetArrays:
    """The targets over the grid's counties, for the indicators that use them (`uses`, their
    positions in the rules): `own` (U, C) each county's annual target, NaN where it has none
    (or the indicator takes no own target); `shares` (U, C, 12) the cumulative share of it
    due by the end of each month (month/12 where the county has no schedule)."""

    uses: tuple[int, ...]
    own: np.ndarray
    shares: np.ndarray


def uses_targets(ind: Indicator) -> bool:
    """Whether the indicator scores against anything but its rule's target alone."""
    return ind.method in TARGET_METHODS and bool(
        ind.param("own_target") or ind.param("by_schedule")
    )


def target_arrays(targets: pd.DataFrame | None, grid: Grid, rules: Rules) -> TargetArrays | None:
    """The targets frame checked and laid over the grid; None when no indicator uses targets
    (then every county takes the rule's target, as without a frame).

    Rows of counties that are not being scored and of indicators that take no own target are
    ignored (the file interface rejects unknown counties as typos). Problems raise
    ScoringInputError naming the table "targets", the row (1-based) and the column.
    """
    rows = _checked_rows(targets) if targets is not None else None
    uses = tuple(j for j, i in enumerate(rules.indicators) if uses_targets(i))
    if not uses:
        return None
    n_c = len(grid.counties)
    own = np.full((len(uses), n_c), np.nan)
    shares = np.broadcast_to(np.arange(1, 13) / 12.0, (len(uses), n_c, 12)).copy()
    if targets is None or rows is None:
        return TargetArrays(uses=uses, own=own, shares=shares)
    value, schedules = rows
    ind = rules.indicators
    position = {j: u for u, j in enumerate(uses)}
    j_idx = _codes(_factorize(targets["indicator"]), [i.code for i in ind])
    c_idx = _codes(_factorize(targets["county"]), grid.counties)
    kinds = targets["target_kind"].to_numpy(dtype=object) if "target_kind" in targets else None
    months = sorted({int(m) for m in grid.months})
    for k in np.flatnonzero((j_idx >= 0) & (c_idx >= 0)):
        u, c = position.get(int(j_idx[k])), int(c_idx[k])
        if u is None:
            continue  # the indicator takes no own target
        i, row = ind[int(j_idx[k])], int(k) + 1
        if i.param("own_target"):
            if kinds is not None and not pd.isna(kinds[k]):
                _check_kind(i, kinds[k], row)
            _check_target(i, float(value[k]), row)
            own[u, c] = value[k]
        schedule = schedules[k]
        if schedule is not None:
            shares[u, c] = schedule
            if i.param("by_schedule"):
                _check_due(i, schedule, months, row)
    return TargetArrays(uses=uses, own=own, shares=shares)


def target_grid(rules: Rules, months: np.ndarray, arrays: TargetArrays | None) -> np.ndarray:
    """The target each (period, indicator, county) is scored against: (P, I, C), or (1, I, 1)
    without target arrays (every county then takes the rule's target); NaN for indicators
    whose method has no target. A scheduled target (annual x share) is kept to 10 decimals."""
    rule = np.array(
        [
            float(i.param("target")) if i.method in TARGET_METHODS else np.nan
            for i in rules.indicators
        ]
    )
    if arrays is None:
        return rule[None, :, None]
    n_c = arrays.own.shape[1]
    out = np.broadcast_to(rule[None, :, None], (len(months), len(rules.indicators), n_c)).copy()
    for u, j in enumerate(arrays.uses):
        annual = np.where(np.isnan(arrays.own[u]), rule[j], arrays.own[u])  # (C,)
        if rules.indicators[j].param("by_schedule"):
            due = arrays.shares[u][:, np.asarray(months) - 1].T  # (P, C)
            out[:, j] = np.round(annual[None, :] * due, TARGET_DECIMALS)
        else:
            out[:, j] = annual[None, :]
    return out


# ------------------------------------------------------------------------------------- checks


def _checked_rows(
    targets: pd.DataFrame,
) -> tuple[np.ndarray, list[tuple[float, ...] | None]]:
    """The frame's targets and schedules, every row checked whatever the rules use."""
    _require_columns(targets, TABLE, ("county", "indicator", "target"))
    if len(targets):
        _unique_labels(_factorize(targets["county"]), TABLE, "county")
        _unique_labels(_factorize(targets["indicator"]), TABLE, "indicator")
    value = _numbers(targets["target"], TABLE, "target")
    if np.isnan(value).any():
        raise ScoringInputError(
            "is empty", table=TABLE, row=_first_row(np.isnan(value)), column="target"
        )
    dup = targets.duplicated(["county", "indicator"]).to_numpy()
    if dup.any():
        raise ScoringInputError(
            "duplicate row: this county and indicator appear more than once",
            table=TABLE,
            row=_first_row(dup),
        )
    return value, _schedules(targets)


def _schedules(targets: pd.DataFrame) -> list[tuple[float, ...] | None]:
    """Each row's schedule as twelve shares, or None (month/12)."""
    if "schedule" not in targets:
        return [None] * len(targets)
    out: list[tuple[float, ...] | None] = []
    for k, raw in enumerate(targets["schedule"].to_numpy(dtype=object)):
        if raw is None or (isinstance(raw, float) and np.isnan(raw)):
            out.append(None)
            continue
        problem = f"must be twelve cumulative shares (0..1) or empty, got {raw!r}"
        if isinstance(raw, str) or not isinstance(raw, tuple | list | np.ndarray):
            raise ScoringInputError(problem, table=TABLE, row=k + 1, column="schedule")
        try:
            shares = tuple(float(x) for x in raw)
        except (TypeError, ValueError) as e:
            raise ScoringInputError(problem, table=TABLE, row=k + 1, column="schedule") from e
        problems = check_schedule(shares)
        if problems:
            raise ScoringInputError("; ".join(problems), table=TABLE, row=k + 1, column="schedule")
        out.append(shares)
    return out


def _check_kind(i: Indicator, kind: object, row: int) -> None:
    if kind not in TARGET_KINDS:
        raise ScoringInputError(
            f"must be one of {', '.join(TARGET_KINDS)}, got {kind!r}",
            table=TABLE,
            row=row,
            column="target_kind",
        )
    fits = "growth" if i.basis.type == "growth" else "value"
    if kind != fits:
        raise ScoringInputError(
            f'a {kind} target does not fit indicator "{i.code}", which scores its '
            f"{i.basis.type} basis against its target",
            table=TABLE,
            row=row,
            column="target_kind",
        )


def _check_target(i: Indicator, value: float, row: int) -> None:
    """An own target must pass the checks of the rule's target (params.py)."""
    percent = i.method == "stepped" and i.param("step_unit") == STEP_UNITS[0]
    if (i.method == "target" or percent) and not value > 0:
        why = "the target method" if i.method == "target" else 'a "percent" step'
        raise ScoringInputError(
            f'must be greater than 0 for indicator "{i.code}" ({why} divides by it), got {value:g}',
            table=TABLE,
            row=row,
            column="target",
        )


def _check_due(i: Indicator, shares: tuple[float, ...], months: list[int], row: int) -> None:
    """Scoring by the schedule divides by the share due: none may be 0 in a scored month."""
    for m in months:
        scheduled = i.frequency == "monthly" or m % 3 == 0
        if scheduled and not shares[m - 1] > 0:
            raise ScoringInputError(
                f'nothing is due by month {m}, so indicator "{i.code}" (by_schedule) cannot '
                "be scored against the schedule",
                table=TABLE,
                row=row,
                column="schedule",
            )
