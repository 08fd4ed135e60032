"""Gap to the next place (争先进位): what each county would need on each indicator to gain a place.

For every county with a total and every indicator it is ranked on (but does not lead), the target
is the basis of the nearest better county in the same comparison set (its peer group): reaching
it ties that county, and with competition ranking a tie shares the better place. The value that
reaches it follows from the basis type:

    value:   v = target
    growth:  v = prior x (1 + target / 100)
    ratio:   v = target x denominator / factor

rounded to `VALUE_DECIMALS` on the side that reaches the target. Then the whole period is scored
again by the engine with that one value changed, so the points and places it brings follow the
rules exactly: relative methods move other counties' scores too, a value that is also another
indicator's denominator changes that ratio, caps, rounding and peer groups all apply. The
variants are scored together, as periods of one grid, in batches.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from .engine import score_grid
from .grid import ScoringInputError, bonus_arrays, build_grid
from .parsing import parse_rules
from .rules import Rules

VALUE_DECIMALS = 4  # stored year-to-date values have four decimals
BATCH_CELLS = 2_000_000  # grid cells scored at once: bounds memory at province scale

GAP_COLUMNS = [
    "county",
    "indicator",
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


def gaps(
    values: pd.DataFrame,
    rules: Rules | Mapping[str, Any],
    counties: pd.DataFrame | None = None,
    *,
    bonuses: pd.DataFrame | None = None,
    vetoes: Iterable[str] = (),
    base_ranks: Mapping[str, int] | None = None,
    batch_cells: int = BATCH_CELLS,
) -> pd.DataFrame:
    """One row per (county, indicator) with a gap to close, for the single period in `values`.

    Columns: basis and rank now; target_basis and target_value that would tie the next better
    county; new_rank on the indicator with that value; total and new_total (rounded totals);
    points (new_total - total); total_rank and new_total_rank (overall places). A county that
    leads an indicator, has no valid basis on it, or has no total has no row for it.
    """
    if not isinstance(rules, Rules):
        rules = parse_rules(rules)
    g = build_grid(values, rules, counties)
    if len(g.periods) != 1:
        raise ScoringInputError("gaps() scores one period at a time", table="values")
    bonus = bonus_arrays(bonuses, g, rules)
    base = score_grid(g, rules, bonus=bonus, vetoes=vetoes, base_ranks=base_ranks)

    scen = _scenarios(g, rules, base)
    if not scen:
        return pd.DataFrame(columns=GAP_COLUMNS)
    js = np.array([j for j, _c, _t, _v in scen])
    cs = np.array([c for _j, c, _t, _v in scen])
    targets = np.array([t for _j, _c, t, _v in scen])
    new_values = np.array([v for _j, _c, _t, v in scen])

    # Variants are scored a batch at a time, grouped by indicator: only that indicator and the
    # ratios it is the denominator of are scored afresh; every other score is the base's.
    n_cells = g.value.shape[1] * g.value.shape[2]
    per_batch = max(1, batch_cells // max(1, n_cells))
    new_rank = np.empty(len(scen))
    new_total = np.empty(len(scen))
    new_total_rank = np.empty(len(scen))
    batches = []
    for j in sorted(set(js.tolist())):
        members = np.flatnonzero(js == j)
        batches += [members[k : k + per_batch] for k in range(0, len(members), per_batch)]
    for members in batches:
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
            bonus=np.repeat(bonus, n, axis=0),
            vetoes=vetoes,
            base_ranks=base_ranks,
            only=_affected(rules, int(j[0])),
            reuse=base,
        )
        new_rank[members] = out.rank[k, j, c]
        new_total[members] = out.total[k, c]
        new_total_rank[members] = out.county_rank[k, c]

    total = base.total[0, cs]
    return pd.DataFrame(
        {
            "county": [g.counties[c] for c in cs],
            "indicator": [rules.indicators[j].code for j in js],
            "basis": base.basis[0, js, cs],
            "rank": base.rank[0, js, cs],
            "target_basis": targets,
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


def _scenarios(g, rules: Rules, base) -> list[tuple[int, int, float, float]]:
    """(indicator, county, target basis, value that reaches it) for every gap to close."""
    out: list[tuple[int, int, float, float]] = []
    has_total = np.isfinite(base.county_rank[0])
    for j, ind in enumerate(rules.indicators):
        sign = 1.0 if ind.direction == "higher" else -1.0
        xd = base.basis[0, j] * sign
        valid = base.valid[0, j] & g.ranked
        rank = base.rank[0, j]
        for c in np.flatnonzero(valid & has_total & (rank > 1)):
            peers = valid & (g.group_of == g.group_of[c])
            better = peers & (xd > xd[c])
            if not better.any():
                continue
            target = float(np.min(xd[better]) * sign)
            v = _value_for(g, ind, j, int(c), target)
            if v is not None:
                out.append((j, int(c), target, v))
    return out


def _value_for(g, ind, j: int, c: int, target: float) -> float | None:
    """The year-to-date value whose basis reaches `target`, rounded towards reaching it."""
    kind = ind.basis.type
    if kind == "value":
        exact = target
    elif kind == "growth":
        prior = g.prior[0, j, c]
        exact = prior * (1.0 + target / 100.0)
    else:  # ratio
        den = g.value[0, g.codes.index(ind.basis.denominator), c]
        exact = target * den / ind.basis.factor_value
    if not np.isfinite(exact):
        return None
    scale = 10.0**VALUE_DECIMALS
    # the basis rises with the value (prior and denominator are positive): round up to reach a
    # higher target, down to reach a lower one; the tolerance absorbs float noise
    if ind.direction == "higher":
        return float(np.ceil(exact * scale - 1e-6) / scale)
    return float(np.floor(exact * scale + 1e-6) / scale)
