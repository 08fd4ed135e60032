"""Gap to the next place (争先进位): what each county would need on each indicator to gain a place.

For every county with a total and every indicator it is ranked on, one row of one of two kinds:

- "next": the target is the basis of the nearest better county in the same comparison set (its
  peer group). Reaching it ties that county, and with competition ranking a tie shares the
  better place. A county that leads an indicator has no such gap.
- "threshold": on a threshold_rank indicator (达标后按位次赋分), a county below the threshold
  scores 0, and so does every county below it. If the nearest better county is below the
  threshold too (or there is none: the county leads), tying it would still bring 0 points, so
  the target is the threshold itself, at the published precision of the basis. If the nearest
  better county has reached the threshold, the gap stays "next": tying it reaches the threshold
  as well and gains the place, so it says more than the threshold alone (one row per county
  and indicator either way).

The value that reaches the target follows from the basis type:

    value:   v = target
    growth:  v = prior x (1 + target / 100)
    ratio:   v = target x denominator / factor

rounded to `VALUE_DECIMALS` on the side that reaches the target. For the indicators named in
`whole` (year-to-date values that are counts: enterprises, persons) it is the nearest whole
number on that side (ceil when higher is better, floor when lower is), never the current value,
and target_basis is then the basis this whole value gives, rounded as the engine rounds bases.
Then the period is scored again by the engine with that one value changed, so the points and
places it brings follow the rules exactly: relative methods move other counties' scores too, a
value that is also another indicator's denominator changes that ratio, caps, rounding and peer
groups all apply. variants.py does this for all the variants of an indicator at once, reworking
only what each change reaches, so that a month's gaps grow about linearly with the counties.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .county_targets import target_arrays
from .engine import GridScores, ScoreResult, score_grid, scoring_grid
from .grid import Grid, ScoringInputError, bonus_arrays
from .methods import reaches
from .parsing import parse_rules
from .rules import Indicator, Rules
from .variants import Variants

VALUE_DECIMALS = 4  # stored year-to-date values have four decimals
BATCH_CELLS = 2_000_000  # grid cells scored at once: bounds memory at province scale
KINDS = ("next", "threshold")

GAP_COLUMNS = [
    "county",
    "indicator",
    "kind",
    "basis",
    "rank",
    "target_basis",
    "target_value",
    "new_rank",
    "total",
    "new_total",
    "points",
    "total_rank",
    "new_total_rank",
]


class _Gaps(NamedTuple):
    """Every gap to close, in indicator then county order."""

    j: np.ndarray  # indicator position
    c: np.ndarray  # county position
    kind: np.ndarray  # position in KINDS
    target: np.ndarray  # the target basis, in the basis' own units
    value: np.ndarray  # the year-to-date value that reaches it
    whole: np.ndarray  # bool


def gaps(
    values: pd.DataFrame,
    rules: Rules | Mapping[str, Any],
    counties: pd.DataFrame | None = None,
    *,
    bonuses: pd.DataFrame | None = None,
    vetoes: Iterable[str] = (),
    base_ranks: Mapping[str, int] | None = None,
    whole: Iterable[str] = (),
    batch_cells: int = BATCH_CELLS,
    targets: pd.DataFrame | None = None,
    scored: ScoreResult | None = None,
    exemptions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per (county, indicator) with a gap to close, for the single period in `values`.

    Columns: kind ("next" or "threshold", see the module doc); basis and rank now;
    target_basis and target_value that would reach the target; new_rank on the indicator with
    that value; total and new_total (rounded totals); points (new_total - total); total_rank and
    new_total_rank (overall places). A county that has no valid basis on an indicator, or no
    total, has no row for it; nor has a county that leads an indicator, unless it is below the
    threshold of a threshold_rank indicator. `whole`: codes of indicators whose values are
    counts (codes the rules do not score are ignored). `targets`: the counties' own targets,
    as score() takes them; every variant is scored against the same targets. `exemptions`: as
    score() takes them (an exempted indicator has no gap). `scored`:
    score()'s result of exactly these inputs (rank changes aside), whose arrays then stand for
    the period's own scoring instead of scoring it again.
    """
    if not isinstance(rules, Rules):
        rules = parse_rules(rules)
    if scored is not None and scored.arrays is not None and scored.rules is rules:
        g, base = scored.arrays
    else:
        g = scoring_grid(values, rules, counties, exemptions)
        base = None
    if len(g.periods) != 1:
        raise ScoringInputError("gaps() scores one period at a time", table="values")
    bonus = bonus_arrays(bonuses, g, rules)
    own = target_arrays(targets, g, rules)
    if base is None:
        base = score_grid(g, rules, bonus=bonus, vetoes=vetoes, base_ranks=base_ranks, targets=own)

    scen = _scenarios(g, rules, base, frozenset(whole))
    if not len(scen.j):
        return pd.DataFrame(columns=GAP_COLUMNS)
    js, cs, goals, new_values, is_whole = scen.j, scen.c, scen.target, scen.value, scen.whole

    # Variants are scored an indicator at a time, in batches of at most batch_cells
    # (variant, county) cells: see _Variants.
    work = Variants(g, rules, base, own is not None, bonus.net, base_ranks)
    new_rank = np.empty(len(js))
    new_basis = np.empty(len(js))
    new_total = np.empty(len(js))
    new_total_rank = np.empty(len(js))
    per_batch = max(1, batch_cells // max(1, len(g.counties)))
    for jj in np.unique(js):
        members = np.flatnonzero(js == jj)
        for start in range(0, len(members), per_batch):
            idx = members[start : start + per_batch]
            out = work.score(int(jj), cs[idx], new_values[idx])
            new_rank[idx], new_basis[idx], new_total[idx], new_total_rank[idx] = out

    total = base.total[0, cs]
    return pd.DataFrame(
        {
            "county": [g.counties[c] for c in cs],
            "indicator": [rules.indicators[j].code for j in js],
            "kind": np.array(KINDS, dtype=object)[scen.kind],
            "basis": base.basis[0, js, cs],
            "rank": base.rank[0, js, cs],
            "target_basis": np.where(is_whole, new_basis, goals),
            "target_value": new_values,
            "new_rank": new_rank,
            "total": total,
            "new_total": new_total,
            "points": np.round(new_total - total, 6),
            "total_rank": base.county_rank[0, cs],
            "new_total_rank": new_total_rank,
        },
        columns=GAP_COLUMNS,
    )


def _scenarios(g: Grid, rules: Rules, base: GridScores, whole: frozenset[str]) -> _Gaps:
    """Every gap to close: its kind, target basis and the value that reaches it."""
    parts: list[tuple[np.ndarray, ...]] = []
    has_total = np.isfinite(base.county_rank[0])
    for j, ind in enumerate(rules.indicators):
        sign = 1.0 if ind.direction == "higher" else -1.0
        xd = base.basis[0, j] * sign
        valid = base.valid[0, j] & g.ranked
        cs = np.flatnonzero(valid & has_total)
        if not len(cs):
            continue
        nearest = _nearest_better(xd, valid, g.group_of, cs)  # NaN: leads
        kind = np.zeros(len(cs), dtype=np.intp)
        target = nearest
        if ind.method == "threshold_rank":
            thr = _threshold(ind) * sign
            below = ~reaches(xd[cs], thr)
            to_threshold = below & (np.isnan(nearest) | ~reaches(np.nan_to_num(nearest), thr))
            kind = np.where(to_threshold, KINDS.index("threshold"), kind)
            target = np.where(to_threshold, thr, nearest)
        keep = np.isfinite(target)
        cs, kind, target = cs[keep], kind[keep], target[keep]
        is_whole = ind.code in whole
        value = _values_for(g, ind, j, cs, target * sign, whole=is_whole)
        ok = np.isfinite(value)
        n = int(ok.sum())
        parts.append(
            (
                np.full(n, j),
                cs[ok],
                kind[ok],
                target[ok] * sign,
                value[ok],
                np.full(n, is_whole),
            )
        )
    if not parts:
        empty = np.array([], dtype=np.intp)
        return _Gaps(empty, empty, empty, np.array([]), np.array([]), np.array([], dtype=bool))
    return _Gaps(*(np.concatenate(col) for col in zip(*parts, strict=True)))


def _nearest_better(
    xd: np.ndarray, valid: np.ndarray, group_of: np.ndarray, cs: np.ndarray
) -> np.ndarray:
    """For each county in `cs`, the smallest valid basis (direction applied) of its peer group
    that is strictly better than its own; NaN when none is (it leads)."""
    out = np.full(len(cs), np.nan)
    for grp in np.unique(group_of[cs]):
        ladder = np.unique(xd[valid & (group_of == grp)])  # sorted, distinct
        mine = np.flatnonzero(group_of[cs] == grp)
        at = np.searchsorted(ladder, xd[cs[mine]], side="right")
        inside = at < len(ladder)
        out[mine[inside]] = ladder[at[inside]]
    return out


def _threshold(ind: Indicator) -> float:
    """A threshold_rank indicator's threshold at the published precision of its basis, rounded
    towards reaching it (a basis of 8.0 reaches 7.96; one of 7.9 does not reach 7.94)."""
    thr = float(ind.param("threshold"))
    if ind.decimals is None:
        return thr
    scale = 10.0**ind.decimals
    if ind.direction == "higher":
        return float(np.ceil(thr * scale - 1e-6) / scale)
    return float(np.floor(thr * scale + 1e-6) / scale)


def _values_for(
    g: Grid, ind: Indicator, j: int, cs: np.ndarray, target: np.ndarray, *, whole: bool
) -> np.ndarray:
    """The year-to-date values whose basis reaches `target` for counties `cs`, rounded towards
    reaching it: to VALUE_DECIMALS, or to a whole number other than the current value; NaN
    where none can (no prior or denominator)."""
    kind = ind.basis.type
    if kind == "value":
        exact = target.astype(float)
    elif kind == "growth":
        exact = g.prior[0, j, cs] * (1.0 + target / 100.0)
    else:  # ratio
        den = g.value[0, g.codes.index(str(ind.basis.denominator)), cs]
        exact = target * den / ind.basis.factor_value
    # the basis rises with the value (prior and denominator are positive): round up to reach a
    # higher target, down to reach a lower one; the tolerance absorbs float noise
    up = ind.direction == "higher"
    with np.errstate(invalid="ignore"):
        if whole:
            v = np.ceil(exact - 1e-9) if up else np.floor(exact + 1e-9)
            return np.where(v == g.value[0, j, cs], v + (1.0 if up else -1.0), v)
        scale = 10.0**VALUE_DECIMALS
        if up:
            return np.ceil(exact * scale - 1e-6) / scale
        return np.floor(exact * scale + 1e-6) / scale
