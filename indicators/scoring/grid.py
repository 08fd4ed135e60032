"""Input frames -> dense arrays of shape (periods, indicators, counties).

The engine works on a full grid: every period in the values, every indicator that the rules score
(plus any denominator that a ratio basis needs), every county. A row absent from the values is a
NaN in the grid, which the engine reports as missing (缺报). Problems in the input frames raise
ScoringInputError naming the table, the row (1-based, in frame order) and the column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .rules import KINDS, Rules

PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
ALL_GROUP = "all"


class ScoringInputError(ValueError):
    """A problem in an input frame. `row` is 1-based in frame order (None: the whole column)."""

    def __init__(
        self, problem: str, *, table: str, row: int | None = None, column: str | None = None
    ) -> None:
        self.problem, self.table, self.row, self.column = problem, table, row, column
        where = table
        if row is not None:
            where += f" row {row}"
        if column is not None:
            where += f", column '{column}'" if row is not None else f" column '{column}'"
        super().__init__(f"{where}: {problem}")


@dataclass
class Grid:
    periods: list[str]
    months: np.ndarray  # (P,) int
    counties: list[str]
    names: list[str]
    ranked: np.ndarray  # (C,) bool
    group_of: np.ndarray  # (C,) int, -1: in no peer group
    group_names: list[str]
    codes: list[str]  # indicator axis: the scored indicators in rule order, then extra denominators
    value: np.ndarray  # (P, J, C)
    prior: np.ndarray  # (P, J, C)
    # (C,) each county's imputation group (-1: none), when the rules impute by group
    imputation_of: np.ndarray | None = None
    exempt: np.ndarray | None = None  # (I, C) exempted (不考核); None: no exemption


def build_grid(values: pd.DataFrame, rules: Rules, counties: pd.DataFrame | None) -> Grid:
    _require_columns(values, "values", ("county", "indicator", "period", "value"))
    if len(values) == 0:
        raise ScoringInputError("has no rows", table="values")
    f_county, f_period = _factorize(values["county"]), _factorize(values["period"])
    f_indicator = _factorize(values["indicator"])
    if counties is not None:
        codes_c, names, ranked, kinds = _read_counties(counties, rules)
    else:
        codes_c = sorted(_unique_labels(f_county, "values", "county"))
        names, ranked, kinds = list(codes_c), np.ones(len(codes_c), bool), None
    periods = sorted(_unique_labels(f_period, "values", "period"))
    for p in periods:
        m = PERIOD_RE.match(p)
        if m is None or int(m.group(1)) != rules.year:
            row = _first_row(values["period"].astype(object) == p)
            problem = (
                f'"{p}" is not a period like "{rules.year}-03"'
                if m is None
                else f'period "{p}" is outside the rules\' year {rules.year}'
            )
            raise ScoringInputError(problem, table="values", row=row, column="period")
    scored = [i.code for i in rules.indicators]
    extra = [
        i.basis.denominator
        for i in rules.indicators
        if i.basis.denominator is not None and i.basis.denominator not in scored
    ]
    codes = scored + list(dict.fromkeys(extra))
    p_idx = _codes(f_period, periods)
    c_idx = _codes(f_county, codes_c)
    j_idx = _codes(f_indicator, codes)
    unknown = c_idx < 0
    if unknown.any():
        row = int(np.argmax(unknown))
        raw = values["county"].iloc[row]
        hint = "" if isinstance(raw, str) else " (county codes must be strings)"
        problem = (
            "is empty" if pd.isna(raw) else f"county {raw!r} is not in the counties table{hint}"
        )
        raise ScoringInputError(
            problem,
            table="values",
            row=row + 1,
            column="county",
        )
    keep = j_idx >= 0  # rows of indicators the rules do not use are ignored
    value = _numbers(values["value"], "values", "value")
    prior = (
        _numbers(values["prior_value"], "values", "prior_value")
        if "prior_value" in values.columns
        else np.full(len(values), np.nan)
    )
    P, J, C = len(periods), len(codes), len(codes_c)
    flat = (p_idx[keep].astype(np.int64) * J + j_idx[keep]) * C + c_idx[keep]
    counts = np.bincount(flat, minlength=P * J * C)
    if counts.max(initial=0) > 1:
        dup = np.flatnonzero(keep)[np.flatnonzero(counts[flat] > 1)[1]]
        raise ScoringInputError(
            "duplicate row: this county, indicator and period appear more than once",
            table="values",
            row=int(dup) + 1,
        )
    grid_value = np.full(P * J * C, np.nan)
    grid_prior = np.full(P * J * C, np.nan)
    grid_value[flat] = value[keep]
    grid_prior[flat] = prior[keep]
    group_of, group_names = _peer_groups(rules, codes_c, kinds, ranked, counties is not None)
    imputation_of = _imputation_groups(rules, counties)
    return Grid(
        periods=periods,
        months=np.array([int(p[5:7]) for p in periods]),
        counties=codes_c,
        names=names,
        ranked=ranked,
        group_of=group_of,
        group_names=group_names,
        codes=codes,
        value=grid_value.reshape(P, J, C),
        prior=grid_prior.reshape(P, J, C),
        imputation_of=imputation_of,
    )


def _imputation_groups(rules: Rules, counties: pd.DataFrame | None) -> np.ndarray | None:
    """Each county's imputation group (-1: empty), from the counties column the rules name,
    when a category imputes by group; None otherwise."""
    column = rules.missing_policy.imputation_group
    if column is None or not any(c.missing == "impute_group" for c in rules.categories):
        return None
    if counties is None or column not in counties.columns:
        raise ScoringInputError(
            f"is needed: the rules impute empty categories by the counties' {column!r}",
            table="counties",
            column=column,
        )
    labels = counties[column].astype(object)
    blank = labels.isna() | labels.map(lambda v: str(v).strip() == "")
    codes, _ = pd.factorize(labels.where(~blank).map(lambda v: v if pd.isna(v) else str(v)))
    return np.where(blank.to_numpy(), -1, codes).astype(np.int64)


def exempt_mask(exemptions: pd.DataFrame | None, grid: Grid, rules: Rules) -> np.ndarray | None:
    """(I, C) True where a county is exempted from a scored indicator (不考核); None without
    any. Rows of indicators the rules do not score are ignored; an unknown county is an error."""
    if exemptions is None or len(exemptions) == 0:
        return None
    _require_columns(exemptions, "exemptions", ("county", "indicator"))
    c_idx = _county_positions(exemptions, "exemptions", grid)
    scored = [i.code for i in rules.indicators]
    j_idx = _codes(_factorize(exemptions["indicator"]), scored)
    keep = j_idx >= 0
    out = np.zeros((len(scored), len(grid.counties)), dtype=bool)
    out[j_idx[keep], c_idx[keep]] = True
    return out if out.any() else None


@dataclass(frozen=True)
class BonusPoints:
    """Bonus and penalty points per (period, county), each part summed over the items then
    capped: `bonus` >= 0 (加分, at most bonus_cap), `penalty` <= 0 (扣分, at least -penalty_cap).

    Both parts are kept so that every total can be explained; the engine adds `net`.
    """

    bonus: np.ndarray  # (P, C)
    penalty: np.ndarray  # (P, C)

    @property
    def net(self) -> np.ndarray:
        """bonus + penalty, the amount added to the base total."""
        return self.bonus + self.penalty

    def repeat(self, n: int) -> BonusPoints:
        """Each period repeated n times (for variants of a one-period grid)."""
        return BonusPoints(np.repeat(self.bonus, n, axis=0), np.repeat(self.penalty, n, axis=0))


def bonus_arrays(bonuses: pd.DataFrame | None, grid: Grid, rules: Rules) -> BonusPoints:
    """Bonus (+) and penalty (-) points per (period, county), each part summed then capped.

    Rows for periods that are not being scored are ignored.
    """
    P, C = len(grid.periods), len(grid.counties)
    if bonuses is None or len(bonuses) == 0:
        return BonusPoints(np.zeros((P, C)), np.zeros((P, C)))
    _require_columns(bonuses, "bonuses", ("county", "period", "points"))
    points = _numbers(bonuses["points"], "bonuses", "points")
    missing = np.isnan(points)
    if missing.any():
        raise ScoringInputError(
            "points is empty", table="bonuses", row=_first_row(missing), column="points"
        )
    c_idx = _county_positions(bonuses, "bonuses", grid)
    p_idx = _codes(_factorize(bonuses["period"]), grid.periods)
    keep = p_idx >= 0
    flat = p_idx[keep].astype(np.int64) * C + c_idx[keep]
    pts = points[keep]
    plus = np.bincount(flat, weights=np.where(pts > 0, pts, 0.0), minlength=P * C)
    minus = np.bincount(flat, weights=np.where(pts < 0, pts, 0.0), minlength=P * C)
    caps = rules.bonus
    plus, minus = capped_parts(
        plus,
        minus,
        bonus_cap=None if caps is None or caps.bonus_cap is None else float(caps.bonus_cap),
        penalty_cap=None if caps is None or caps.penalty_cap is None else float(caps.penalty_cap),
    )
    return BonusPoints(plus.reshape(P, C) + 0.0, minus.reshape(P, C) + 0.0)


def _county_positions(frame: pd.DataFrame, table: str, grid: Grid) -> np.ndarray:
    """Each row's county position in the grid; a county the grid does not have is an error."""
    c_idx = _codes(_factorize(frame["county"]), grid.counties)
    if (c_idx < 0).any():
        row = _first_row(c_idx < 0)
        raw = frame["county"].iloc[row - 1]
        raise ScoringInputError(f"unknown county {raw!r}", table=table, row=row, column="county")
    return c_idx


def capped_parts(plus: Any, minus: Any, *, bonus_cap: Any, penalty_cap: Any) -> tuple[Any, Any]:
    """The rule sets' cap on bonus and penalty items, each part on its own: the bonuses' sum
    `plus` at most `bonus_cap`, the penalties' sum `minus` (<= 0) at least -`penalty_cap`; a
    cap of None leaves its part as it is. For arrays of floats (the engine) and for Decimals
    (the bonus page, which shows a period's items before a recompute has stored them)."""
    if bonus_cap is not None:
        plus = np.minimum(plus, bonus_cap)
    if penalty_cap is not None:
        minus = np.maximum(minus, -penalty_cap)
    return plus, minus


def veto_mask(vetoes: Iterable[str], grid: Grid) -> np.ndarray:
    """Vetoed counties as a mask over the grid's counties; codes of counties that are not being
    scored have nothing to mark and are ignored (the file interface rejects them as typos)."""
    vetoed = set(vetoes)
    return np.array([c in vetoed for c in grid.counties], dtype=bool)


def rank_lookup(ranks: Mapping[str, int] | None, grid: Grid) -> np.ndarray:
    """A {county: rank} mapping as an array over the grid's counties (NaN where absent)."""
    if not ranks:
        return np.full(len(grid.counties), np.nan)
    return np.array([_as_float(ranks.get(c)) for c in grid.counties])


# ------------------------------------------------------------------------------------- helpers


def _as_float(value: object) -> float:
    return np.nan if value is None else float(value)  # type: ignore[arg-type]


def _require_columns(frame: pd.DataFrame, table: str, columns: tuple[str, ...]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise ScoringInputError(
            f"must be a pandas DataFrame, got {type(frame).__name__}", table=table
        )
    for col in columns:
        if col not in frame.columns:
            have = ", ".join(map(str, frame.columns))
            raise ScoringInputError(
                f"missing column (columns are: {have})", table=table, column=col
            )


Factorized = tuple[np.ndarray, pd.Index]  # codes (-1 where empty), labels


def _factorize(series: pd.Series) -> Factorized:
    """One hashing pass over a label column (none at all for a categorical one)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), pd.Index(series.cat.categories, dtype=object)
    codes, uniques = pd.factorize(series)
    return codes, pd.Index(uniques, dtype=object)


def _unique_labels(fact: Factorized, table: str, column: str) -> list[str]:
    """The labels that occur; every entry must be non-empty text."""
    codes, labels = fact
    if (codes < 0).any():
        raise ScoringInputError("is empty", table=table, row=_first_row(codes < 0), column=column)
    used = np.flatnonzero(np.bincount(codes, minlength=len(labels)))
    out = []
    for k in used:
        label = labels[int(k)]
        if not isinstance(label, str):
            raise ScoringInputError(
                f"must be text, got {label!r}",
                table=table,
                row=_first_row(codes == k),
                column=column,
            )
        out.append(label)
    return out


def _codes(fact: Factorized, labels: list[str]) -> np.ndarray:
    """Position of each entry in `labels`, -1 where absent or empty."""
    codes, uniques = fact
    mapping = np.append(pd.Index(labels, dtype=object).get_indexer(uniques), -1)
    return mapping[codes]  # code -1 (empty) picks the appended -1


def _numbers(series: pd.Series, table: str, column: str) -> np.ndarray:
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=float, na_value=np.nan)
    raw = series.astype(object)
    blank = raw.isna() | raw.map(lambda v: isinstance(v, str) and not v.strip())
    number = pd.to_numeric(raw.where(~blank, None), errors="coerce")
    bad = number.isna() & ~blank
    if bad.any():
        row = _first_row(bad)
        raise ScoringInputError(
            f"{raw.iloc[row - 1]!r} is not a number", table=table, row=row, column=column
        )
    return number.to_numpy(dtype=float, na_value=np.nan)


def _first_row(mask: pd.Series | np.ndarray) -> int:
    return int(np.argmax(np.asarray(mask))) + 1


def _read_counties(
    counties: pd.DataFrame, rules: Rules
) -> tuple[list[str], list[str], np.ndarray, list[str] | None]:
    _require_columns(counties, "counties", ("county",))
    _unique_labels(_factorize(counties["county"]), "counties", "county")
    dup = counties["county"].duplicated()
    if dup.any():
        raise ScoringInputError(
            "duplicate county", table="counties", row=_first_row(dup), column="county"
        )
    codes = [str(c) for c in counties["county"]]
    names = list(codes)
    if "name" in counties.columns:
        names = [c if pd.isna(n) else str(n) for c, n in zip(codes, counties["name"], strict=True)]
    if "ranked" in counties.columns:
        flags = counties["ranked"].astype(object)
        bad = ~flags.map(lambda v: isinstance(v, bool | np.bool_))
        if bad.any():
            row = _first_row(bad)
            raise ScoringInputError(
                f"must be true or false, got {flags.iloc[row - 1]!r}",
                table="counties",
                row=row,
                column="ranked",
            )
        ranked = flags.to_numpy(dtype=bool)
    else:
        ranked = np.ones(len(codes), bool)
    kinds = None
    if "kind" in counties.columns:
        kinds = list(counties["kind"].astype(object))
        for k, kind in enumerate(kinds):
            if kind not in KINDS:
                raise ScoringInputError(
                    f"unknown kind {kind!r} (kinds: {', '.join(KINDS)})",
                    table="counties",
                    row=k + 1,
                    column="kind",
                )
    elif rules.peer_groups is not None and rules.peer_groups.by == "kind":
        raise ScoringInputError(
            'is needed: the rules form peer groups "by": "kind"', table="counties", column="kind"
        )
    return codes, names, ranked, kinds


def _peer_groups(
    rules: Rules, codes: list[str], kinds: list[str] | None, ranked: np.ndarray, table: bool
) -> tuple[np.ndarray, list[str]]:
    pg = rules.peer_groups
    if pg is None:
        return np.zeros(len(codes), dtype=np.int64), [ALL_GROUP]
    owner = {m: k for k, (_, members) in enumerate(pg.groups) for m in members}
    keys = kinds if pg.by == "kind" else codes
    assert keys is not None
    group_of = np.array([owner.get(key, -1) for key in keys], dtype=np.int64)
    stray = (group_of < 0) & ranked
    if stray.any():
        k = int(np.argmax(stray))
        what = f"kind {keys[k]!r}" if pg.by == "kind" else "its code"
        raise ScoringInputError(
            f"county {codes[k]!r} is ranked but no peer group includes {what}",
            table="counties" if table else "values",
            row=k + 1 if table else None,
        )
    return group_of, [name for name, _ in pg.groups]
