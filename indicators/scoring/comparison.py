"""Indicator scores within comparison sets: each peer group, and the counties in no group.

Every method that compares counties does so within a comparison set, over its reference counties
(ranked counties of the set with a valid basis): see methods.py. An invalid basis takes the worst
reference value and place. references.py reports the statistics of the same reference counties.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .grid import Grid
from .methods import METHODS, MethodInput, best_of, count_of, mean_std_of, worst_of
from .params import METHOD_PARAMS, TARGET_METHODS
from .ranking import rank_against, rank_wide
from .rules import Rules

# a set at least this wide that scores at most a quarter of its counties (the unranked zones
# compared with every ranked county) is ranked by a sort and binary search of those alone
WIDE_SET = 256
STATS = ("count", "best", "worst", "mean", "std")  # of the reference counties (references.py)


class ComparisonSet(NamedTuple):
    """County columns `cols` compared with each other; `scored`: which of them are scored here
    (the others are only references); `group`: the peer group's index, -1 for the set of the
    unranked counties that belong to no group."""

    group: int
    cols: np.ndarray | slice
    scored: np.ndarray


def comparison_sets(g: Grid) -> list[ComparisonSet]:
    """One set per peer group, plus one for unranked counties that belong to no group: they are
    compared with every ranked county."""
    n = len(g.counties)
    sets: list[ComparisonSet] = []
    for k in range(len(g.group_names)):
        members = np.flatnonzero(g.group_of == k)
        if len(members) == n:
            sets.append(ComparisonSet(k, slice(None), np.ones(n, bool)))
        elif len(members):
            sets.append(ComparisonSet(k, members, np.ones(len(members), bool)))
    stray = g.group_of < 0
    if stray.any():
        cols = np.flatnonzero(stray | g.ranked)
        sets.append(ComparisonSet(-1, cols, stray[cols]))
    return sets


def param_arrays(rules: Rules, idx: list[int], method: str) -> dict[str, np.ndarray]:
    out = {}
    for name, spec in METHOD_PARAMS[method].items():
        vals = []
        for j in idx:
            v = rules.indicators[j].param(name)
            if spec.kind == "choice":  # as its position in the choices (step_unit: percent 0)
                v = spec.choices.index(v)
            vals.append(np.nan if v is None else float(v))
        out[name] = np.array(vals)[None, :, None]
    return out


def score_indicators(
    g: Grid,
    rules: Rules,
    basis: np.ndarray,
    valid: np.ndarray,
    invalid: np.ndarray,
    *,
    stats: bool = False,
    target: np.ndarray | None = None,
    one_change: OneChange | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Normalised scores s and the place each method scored with, (P, I, C): the rank among the
    reference counties (an unranked county: the place it would take; an invalid base: the
    worst place), NaN where the county has neither a valid nor an invalid basis. With `stats`,
    also the statistics of the reference counties of every comparison set (references.py).
    `target` (P, I, C), where given, is the target each county is scored against by the target
    and stepped methods (county_targets.target_grid), in place of the rules' parameter.
    `one_change`: the periods are variants of one base period that differ from it in one
    county's bases each (gaps.py); the ranks are then worked out from the base's ranks in
    time linear in the number of counties, rather than by sorting every variant."""
    ind = rules.indicators
    sign = np.array([1.0 if i.direction == "higher" else -1.0 for i in ind])[None, :, None]
    weight = np.array([float(i.weight) for i in ind])[None, :, None]
    xd = basis * sign
    by_method: dict[str, list[int]] = {}
    for j, i in enumerate(ind):
        by_method.setdefault(i.method, []).append(j)
    params = {m: param_arrays(rules, idx, m) for m, idx in by_method.items()}
    per_county = {}  # method -> (P, I_method, C) targets, sliced to each set's counties below
    if target is not None:
        per_county = {m: target[:, by_method[m]] for m in TARGET_METHODS if m in by_method}
    s = np.full(basis.shape, np.nan)
    place = np.full(basis.shape, np.nan)
    sets = comparison_sets(g)
    ref_stats = np.full((len(STATS), *basis.shape[:2], len(sets)), np.nan) if stats else None
    for k, (_, cols, scored) in enumerate(sets):
        xd_u, valid_u, inv_u = xd[:, :, cols], valid[:, :, cols], invalid[:, :, cols]
        ref_u = valid_u & g.ranked[cols][None, None, :]
        # an invalid base takes the worst value of the reference counties, and its place
        worst_rank = None
        if one_change is not None:
            rank_u = one_change.ranks(xd_u, valid_u, ref_u, sign, cols, g.ranked[cols])
        elif xd_u.shape[2] >= WIDE_SET and scored.sum() * 4 <= xd_u.shape[2]:
            rank_u, worst_rank = rank_wide(xd_u, valid_u, ref_u, scored)
        else:
            rank_u = rank_against(xd_u, valid_u, ref_u)
        worst = worst_of(xd_u, ref_u)
        worst = np.where(np.isfinite(worst), worst, np.nan)
        if ref_stats is not None:
            ref_stats[..., k] = set_statistics(xd_u, ref_u, worst, sign)
        if worst_rank is None:
            worst_rank = best_of(rank_u, ref_u)
            worst_rank = np.where(np.isfinite(worst_rank), worst_rank, np.nan)
        xd_eff = np.where(inv_u, worst, np.where(valid_u, xd_u, np.nan))
        rank_eff = np.where(inv_u, worst_rank, rank_u)
        s_u = np.empty(xd_u.shape)
        for method, idx in by_method.items():
            sel = slice(None) if len(idx) == len(ind) else idx
            m = MethodInput(
                x=xd_eff[:, sel] * sign[:, sel],
                xd=xd_eff[:, sel],
                sign=sign[:, sel],
                rank=rank_eff[:, sel],
                ref=ref_u[:, sel],
                weight=weight[:, sel],
                params=params[method]
                if method not in per_county
                else {**params[method], "target": per_county[method][:, :, cols]},
            )
            s_u[:, sel] = METHODS[method](m)
        out_cols = np.arange(len(g.counties))[cols][scored]
        s[:, :, out_cols] = s_u[:, :, scored]
        place[:, :, out_cols] = rank_eff[:, :, scored]  # NaN unless valid or invalid
    return s, place, ref_stats


class OneChange(NamedTuple):
    """Variants of one base period, each with one county's bases changed: `basis` and `valid`
    (1, I, C) of the base, `county` (P,) the changed county of each variant."""

    basis: np.ndarray
    valid: np.ndarray
    county: np.ndarray

    def ranks(
        self,
        xd: np.ndarray,
        valid: np.ndarray,
        ref: np.ndarray,
        sign: np.ndarray,
        cols: np.ndarray | slice,
        ranked: np.ndarray,
    ) -> np.ndarray:
        """rank_against(xd, valid, ref) for the comparison set `cols`, from the base's ranks:
        rank = 1 + the reference entries strictly better, and in each variant only the changed
        county's entry differs from the base, so every other entry's rank moves by at most
        one (it loses the changed county from ahead of it, or gains it)."""
        b_xd = (self.basis * sign)[:, :, cols]
        b_valid = self.valid[:, :, cols]
        b_ref = b_valid & ranked[None, None, :]
        base = rank_against(b_xd, b_valid, b_ref)  # (1, I, U)
        n_p = xd.shape[0]
        members = np.arange(self.valid.shape[2])[cols]
        pos = np.full(self.valid.shape[2], -1)
        pos[members] = np.arange(len(members))
        c = pos[self.county]  # (P,) position in the set, -1 outside it
        inside = c >= 0
        cc = np.where(inside, c, 0)
        p = np.arange(n_p)
        old_x = b_xd[0][:, cc].T[:, :, None]  # (P, I, 1)
        old_ref = (b_ref[0][:, cc].T & inside[:, None])[:, :, None]
        new_x = xd[p, :, cc][:, :, None]
        new_ref = (ref[p, :, cc] & inside[:, None])[:, :, None]
        with np.errstate(invalid="ignore"):
            rank = base - (old_ref & (old_x > xd)) + (new_ref & (new_x > xd))
            own = 1.0 + (ref & (xd > new_x)).sum(axis=2)  # (P, I)
        rank[p, :, cc] = np.where(inside[:, None], own, rank[p, :, cc])
        return np.where(valid, rank, np.nan)


def set_statistics(
    xd: np.ndarray, ref: np.ndarray, worst: np.ndarray, sign: np.ndarray
) -> np.ndarray:
    """(5, P, I) statistics of one comparison set, in the basis' own units. `xd` (P, I, U) is
    the basis with the direction applied, `ref` the reference mask, `worst` (P, I, 1) the
    methods' worst reference value (NaN when none), `sign` (1, I, 1)."""
    count = count_of(xd, ref)
    has = count > 0
    mean, std = mean_std_of(xd, ref)
    out = np.empty((len(STATS), *xd.shape[:2]))
    out[0] = count[..., 0]
    out[1] = np.where(has, best_of(xd, ref) * sign, np.nan)[..., 0]
    out[2] = np.where(has, worst * sign, np.nan)[..., 0]
    out[3] = np.where(has, mean * sign, np.nan)[..., 0]
    out[4] = np.where(has, std, np.nan)[..., 0]
    return out + 0.0  # no -0.0
