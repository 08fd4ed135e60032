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
Then the whole period is scored again by the engine with that one value changed, so the points
and places it brings follow the rules exactly: relative methods move other counties' scores too,
a value that is also another indicator's denominator changes that ratio, caps, rounding and peer
groups all apply. The variants are scored together, as periods of one grid, in batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .county_targets import target_arrays
from .engine import GridScores, ScoreResult, score_grid
from .grid import Grid, ScoringInputError, bonus_arrays, build_grid
from .methods import reaches
from .parsing import parse_rules
from .rules import Indicator, Rules

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


class _Gap(NamedTuple):
    j: int  # indicator position
    c: int  # county position
    kind: str
    target: float  # the target basis, in the basis' own units
    value: float  # the year-to-date value that reaches it
    whole: bool


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
) -> pd.DataFrame:
    """One row per (county, indicator) with a gap to close, for the single period in `values`.

    Columns: kind ("next" or "threshold", see the module doc); basis and rank now;
    target_basis and target_value that would reach the target; new_rank on the indicator with
    that value; total and new_total (rounded totals); points (new_total - total); total_rank and
    new_total_rank (overall places). A county that has no valid basis on an indicator, or no
    total, has no row for it; nor has a county that leads an indicator, unless it is below the
    threshold of a threshold_rank indicator. `whole`: codes of indicators whose values are
    counts (codes the rules do not score are ignored). `targets`: the counties' own targets,
    as score() takes them; every variant is scored against the same targets. `scored`:
    score()'s result of exactly these inputs (rank changes aside), whose arrays then stand for
    the period's own scoring instead of scoring it again.
    """
    if not isinstance(rules, Rules):
        rules = parse_rules(rules)
    if scored is not None and scored.arrays is not None and scored.rules is rules:
        g, base = scored.arrays
    else:
        g = build_grid(values, rules, counties)
        base = None
    if len(g.periods) != 1:
        raise ScoringInputError("gaps() scores one period at a time", table="values")
    bonus = bonus_arrays(bonuses, g, rules)
    own = target_arrays(targets, g, rules)
    if base is None:
        base = score_grid(g, rules, bonus=bonus, vetoes=vetoes, base_ranks=base_ranks, targets=own)

    scen = _scenarios(g, rules, base, frozenset(whole))
    if not scen:
        return pd.DataFrame(columns=GAP_COLUMNS)
    js = np.array([x.j for x in scen])
    cs = np.array([x.c for x in scen])
    goals = np.array([x.target for x in scen])
    new_values = np.array([x.value for x in scen])
    is_whole = np.array([x.whole for x in scen])

    # Variants are scored a batch at a time, in indicator order. In each variant only its
    # indicator and the ratios it is the denominator of are scored afresh (on that variant's
    # row alone); every other indicator's score is the base's. Categories, totals and places
    # are then worked out for the whole batch at once.
    n_cells = g.value.shape[1] * g.value.shape[2]
    per_batch = max(1, batch_cells // max(1, n_cells))
    new_rank = np.empty(len(scen))
    new_basis = np.empty(len(scen))
    new_total = np.empty(len(scen))
    new_total_rank = np.empty(len(scen))
    order = np.argsort(js, kind="stable")
    for start in range(0, len(order), per_batch):
        members = order[start : start + per_batch]
        n = len(members)
        j, c = js[members], cs[members]
        value = np.repeat(g.value, n, axis=0)
        k = np.arange(n)
        value[k, j, c] = new_values[members]
        variant = replace(
            g,
            periods=[f"{g.periods[0]}#{i}" for i in members],
            months=np.repeat(g.months, n),
            value=value,
            prior=np.repeat(g.prior, n, axis=0),
        )
        out = score_grid(
            variant,
            rules,
            bonus=bonus.repeat(n),
            vetoes=vetoes,
            base_ranks=base_ranks,
            fresh=[(np.flatnonzero(j == jj), _affected(rules, int(jj))) for jj in np.unique(j)],
            reuse=base,
            targets=own,
        )
        new_rank[members] = out.rank[k, j, c]
        new_basis[members] = out.basis[k, j, c]
        new_total[members] = out.total[k, c]
        new_total_rank[members] = out.county_rank[k, c]

    total = base.total[0, cs]
    return pd.DataFrame(
        {
            "county": [g.counties[c] for c in cs],
            "indicator": [rules.indicators[j].code for j in js],
            "kind": [x.kind for x in scen],
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


def _affected(rules: Rules, j: int) -> list[int]:
    """The indicators whose basis changes with indicator j's value: j and the ratios over it."""
    code = rules.indicators[j].code
    return [j] + [
        k
        for k, i in enumerate(rules.indicators)
        if k != j and i.basis.type == "ratio" and i.basis.denominator == code
    ]


def _scenarios(g: Grid, rules: Rules, base: GridScores, whole: frozenset[str]) -> list[_Gap]:
    """Every gap to close: its kind, target basis and the value that reaches it."""
    out: list[_Gap] = []
    has_total = np.isfinite(base.county_rank[0])
    for j, ind in enumerate(rules.indicators):
        sign = 1.0 if ind.direction == "higher" else -1.0
        xd = base.basis[0, j] * sign
        valid = base.valid[0, j] & g.ranked
        threshold = _threshold(ind) if ind.method == "threshold_rank" else None
        for c in np.flatnonzero(valid & has_total):
            better = valid & (g.group_of == g.group_of[c]) & (xd > xd[c])
            nearest = float(np.min(xd[better])) if better.any() else None
            kind, target = "next", nearest
            if threshold is not None and not reaches(xd[c], threshold * sign):
                if nearest is None or not reaches(nearest, threshold * sign):
                    kind, target = "threshold", threshold * sign
            if target is None:
                continue  # leads the indicator
            v = _value_for(g, ind, j, int(c), target * sign, whole=ind.code in whole)
            if v is not None:
                out.append(_Gap(j, int(c), kind, target * sign, v, ind.code in whole))
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


def _value_for(
    g: Grid, ind: Indicator, j: int, c: int, target: float, *, whole: bool
) -> float | None:
    """The year-to-date value whose basis reaches `target`, rounded towards reaching it: to
    VALUE_DECIMALS, or to a whole number other than the current value."""
    kind = ind.basis.type
    if kind == "value":
        exact = target
    elif kind == "growth":
        prior = g.prior[0, j, c]
        exact = prior * (1.0 + target / 100.0)
    else:  # ratio
        den = g.value[0, g.codes.index(str(ind.basis.denominator)), c]
        exact = target * den / ind.basis.factor_value
    if not np.isfinite(exact):
        return None
    # the basis rises with the value (prior and denominator are positive): round up to reach a
    # higher target, down to reach a lower one; the tolerance absorbs float noise
    up = ind.direction == "higher"
    if whole:
        v = float(np.ceil(exact - 1e-9) if up else np.floor(exact + 1e-9))
        if v == g.value[0, j, c]:
            v += 1.0 if up else -1.0
        return v
    scale = 10.0**VALUE_DECIMALS
    if up:
        return float(np.ceil(exact * scale - 1e-6) / scale)
    return float(np.floor(exact * scale + 1e-6) / scale)
