"""score(): values + rules -> indicator scores, category subtotals, totals, ranks and tiers.

Order of work for every period at once (arrays are (periods, indicators, counties)):

1. basis (value, growth or ratio), rounded half up at the indicator's published decimals;
2. per comparison set (a peer group), statistics over its ranked counties with a valid basis and
   each method's normalised score s in 0..1; ranks; invalid bases take the group's worst value;
3. points = weight * s rounded at indicator_decimals; missing -> 0; not scheduled -> left out;
4. category subtotals (weighted arithmetic or geometric mean of s over the scheduled indicators,
   times the category weight), rounded; then the total (over the categories that have any
   scheduled indicator), rounded; incomplete counties get no total;
5. + bonuses and penalties (each part capped); first ranking; + improvement points against
   base_ranks; the final total, rounded; the final ranking, rank change and tier.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .frames import categories_frame, counties_frame, indicators_frame
from .grid import Grid, bonus_arrays, build_grid, rank_lookup, veto_mask
from .methods import METHODS, MethodInput
from .params import METHOD_PARAMS
from .parsing import parse_rules
from .ranking import TIERS, competition_rank, rank_against, tier_codes
from .rounding import round_half_up
from .rules import Rules

INDICATOR_FLAGS = ("missing", "invalid_base", "not_scheduled", "not_ranked")
COUNTY_FLAGS = ("not_ranked", "incomplete", "vetoed")
CATEGORY_FLAGS = ("not_scheduled",)


@dataclass(frozen=True)
class ScoreResult:
    """Long frames, one row per (period, county[, indicator | category]), in grid order."""

    indicators: pd.DataFrame
    categories: pd.DataFrame
    counties: pd.DataFrame
    rules: Rules
    periods: tuple[str, ...]


def score(
    values: pd.DataFrame,
    rules: Rules | Mapping[str, Any],
    counties: pd.DataFrame | None = None,
    *,
    bonuses: pd.DataFrame | None = None,
    vetoes: Iterable[str] = (),
    base_ranks: Mapping[str, int] | None = None,
    previous_ranks: Mapping[str, int] | None = None,
) -> ScoreResult:
    """Score every county on every period in `values` by `rules` (see docs/rules.md)."""
    if not isinstance(rules, Rules):
        rules = parse_rules(rules)
    g = build_grid(values, rules, counties)
    a = score_grid(
        g,
        rules,
        bonus=bonus_arrays(bonuses, g, rules),
        vetoes=vetoes,
        base_ranks=base_ranks,
        previous_ranks=previous_ranks,
    )
    return ScoreResult(
        indicators=indicators_frame(
            g, rules, a.value, a.prior, a.basis, a.rank, a.points, a.s, a.flags_i, INDICATOR_FLAGS
        ),
        categories=categories_frame(g, rules, a.sub, a.cat_rank, ~a.part, CATEGORY_FLAGS),
        counties=counties_frame(
            g,
            base=a.base,
            bonus=a.bonus,
            improvement=a.improvement,
            total=a.total,
            rank=a.county_rank,
            rank_change=a.rank_change,
            tier=a.tier,
            flags=a.flags_c,
            flag_names=COUNTY_FLAGS,
        ),
        rules=rules,
        periods=tuple(g.periods),
    )


@dataclass(frozen=True)
class GridScores:
    """Everything score() computes, as arrays over the grid: (P, I, C) per indicator,
    (P, K, C) per category, (P, C) per county."""

    value: np.ndarray
    prior: np.ndarray
    basis: np.ndarray
    valid: np.ndarray  # scheduled, with a value and a valid base
    rank: np.ndarray
    points: np.ndarray
    s: np.ndarray
    flags_i: np.ndarray
    sub: np.ndarray
    cat_rank: np.ndarray
    part: np.ndarray
    base: np.ndarray
    bonus: np.ndarray
    improvement: np.ndarray
    total: np.ndarray
    county_rank: np.ndarray
    rank_change: np.ndarray
    tier: np.ndarray
    flags_c: np.ndarray


def score_grid(
    g: Grid,
    rules: Rules,
    *,
    bonus: np.ndarray,
    vetoes: Iterable[str] = (),
    base_ranks: Mapping[str, int] | None = None,
    previous_ranks: Mapping[str, int] | None = None,
    only: Sequence[int] | None = None,
    reuse: GridScores | None = None,
) -> GridScores:
    """The engine proper, on a built grid; `bonus` is bonus_arrays() for the grid's periods.

    The periods are scored independently except for rank_change, which compares each period
    with the one before (the first with previous_ranks). gaps() relies on this to score many
    variants of one period at once. With `only` (indicator positions) and `reuse` (the scores of
    a one-period grid), only those indicators are scored afresh and every other indicator's
    score and rank is taken from `reuse`: for variants that differ from it in those indicators'
    values alone.
    """
    ind = rules.indicators
    n_ind = len(ind)
    value = g.value[:, :n_ind]
    prior = g.prior[:, :n_ind]

    idx: list[int] | None = None
    kept: GridScores | None = None  # the base scores the variants keep outside `only`
    if only is not None and reuse is not None:
        idx, kept = list(only), reuse
    if kept is None or idx is None:
        basis = _basis(g, rules)
    else:
        basis = np.repeat(kept.basis, g.value.shape[0], axis=0)
        basis[:, idx] = _basis(g, rules, idx)[:, idx]
    scheduled = np.array(
        [[i.frequency == "monthly" or m % 3 == 0 for i in ind] for m in g.months], dtype=bool
    )  # (P, I)
    sched3 = scheduled[:, :, None]
    missing = np.isnan(value)
    invalid = ~missing & np.isnan(basis)
    valid = ~missing & ~invalid & sched3

    if kept is None or idx is None:
        s, rank = _score_indicators(g, rules, basis, valid, invalid & sched3)
    else:
        n = basis.shape[0]
        s, rank = np.repeat(kept.s, n, axis=0), np.repeat(kept.rank, n, axis=0)
        part_rules = replace(rules, indicators=tuple(ind[j] for j in idx))
        s[:, idx], rank[:, idx] = _score_indicators(
            g, part_rules, basis[:, idx], valid[:, idx], (invalid & sched3)[:, idx]
        )
    s = np.where(sched3, np.where(np.isnan(s), 0.0, s), np.nan)  # missing (or no reference) -> 0
    weight = np.array([float(i.weight) for i in ind])
    if kept is None or idx is None:
        points = round_half_up(weight[None, :, None] * s, rules.indicator_decimals)
    else:
        points = np.repeat(kept.points, s.shape[0], axis=0)
        scaled = weight[None, idx, None] * s[:, idx]
        points[:, idx] = round_half_up(scaled, rules.indicator_decimals)
    s_used = s if rules.indicator_decimals is None else points / weight[None, :, None]

    sub_raw, sub, part = _categories(rules, s_used, scheduled, weight)
    base_raw, base = _total(rules, sub, part)

    # incomplete: more than missing_share_max of the scheduled indicators missing
    n_sched = scheduled.sum(axis=1)[:, None]
    n_missing = (missing & sched3).sum(axis=1)
    share_max = float(rules.missing_share_max)
    incomplete = n_missing > share_max * n_sched + 1e-9
    base_raw = np.where(incomplete, np.nan, base_raw)
    base = np.where(incomplete, np.nan, base)
    eligible = g.ranked[None, :] & np.isfinite(base)  # (P, C)

    decimals = rules.total.decimals
    total_raw, total = base_raw + bonus, round_half_up(base + bonus, decimals)
    rank_by = total if rules.rank_on == "rounded" else total_raw
    county_rank = _rank_in_groups(g, rank_by, eligible)
    improvement = np.zeros_like(total)
    if rules.improvement is not None and base_ranks:
        improvement = _improvement(rules, rank_lookup(base_ranks, g)[None, :] - county_rank)
        total_raw, total = total_raw + improvement, round_half_up(total + improvement, decimals)
        rank_by = total if rules.rank_on == "rounded" else total_raw
        county_rank = _rank_in_groups(g, rank_by, eligible)

    previous = np.vstack([rank_lookup(previous_ranks, g)[None, :], county_rank[:-1]])
    rank_change = previous - county_rank
    vetoed = veto_mask(vetoes, g)
    tier = _tiers(g, rules, county_rank, eligible)
    tier = np.where(vetoed[None, :], TIERS.index("vetoed"), tier)

    cat_rank = _rank_in_groups(
        g, sub if rules.rank_on == "rounded" else sub_raw, part[:, :, None] & eligible[:, None, :]
    )
    flags_i = (
        (missing & sched3) * 1
        + (invalid & sched3) * 2
        + (~sched3 & np.ones_like(missing)) * 4
        + (~g.ranked)[None, None, :] * 8
    )
    flags_c = (
        (~g.ranked)[None, :] * 1 + incomplete * 2 + vetoed[None, :] * 4 + np.zeros_like(incomplete)
    )
    return GridScores(
        value=value,
        prior=prior,
        basis=basis,
        valid=valid,
        rank=rank,
        points=points,
        s=s,
        flags_i=flags_i,
        sub=sub,
        cat_rank=cat_rank,
        part=part,
        base=base,
        bonus=bonus,
        improvement=improvement,
        total=total,
        county_rank=county_rank,
        rank_change=rank_change,
        tier=tier,
        flags_c=flags_c,
    )


# ---------------------------------------------------------------------------------- the basis


def _basis(g: Grid, rules: Rules, cols: Sequence[int] | None = None) -> np.ndarray:
    """Basis per (period, indicator, county), rounded at each indicator's decimals; NaN where the
    value is missing or the base is invalid (prior or denominator missing or <= 0). With `cols`,
    only those indicators' bases are computed (the others are left NaN)."""
    ind = rules.indicators
    v = g.value[:, : len(ind)]
    out = np.full(v.shape, np.nan)
    wanted = range(len(ind)) if cols is None else cols
    by_type: dict[str, list[int]] = {"value": [], "growth": [], "ratio": []}
    for j in wanted:
        by_type[ind[j].basis.type].append(j)
    if idx := by_type["value"]:
        out[:, idx] = v[:, idx]
    with np.errstate(divide="ignore", invalid="ignore"):
        if idx := by_type["growth"]:
            p = g.prior[:, idx]
            out[:, idx] = np.where(p > 0, (v[:, idx] / p - 1.0) * 100.0, np.nan)
        if idx := by_type["ratio"]:
            den_idx = [g.codes.index(str(ind[j].basis.denominator)) for j in idx]
            factor = np.array([ind[j].basis.factor_value for j in idx])[None, :, None]
            d = g.value[:, den_idx]
            out[:, idx] = np.where(d > 0, v[:, idx] / d * factor, np.nan)
    by_decimals: dict[int, list[int]] = {}
    for j in wanted:
        places = ind[j].decimals
        if places is not None:
            by_decimals.setdefault(places, []).append(j)
    for dec, idx in by_decimals.items():
        out[:, idx] = round_half_up(out[:, idx], dec)
    return out


# ---------------------------------------------------------------------- scores and indicator ranks


def _comparison_sets(g: Grid) -> list[tuple[np.ndarray | slice, np.ndarray]]:
    """(county columns U, which of U are scored here) per peer group, plus one set for unranked
    counties that belong to no group: they are compared with every ranked county."""
    n = len(g.counties)
    sets: list[tuple[np.ndarray | slice, np.ndarray]] = []
    for k in range(len(g.group_names)):
        members = np.flatnonzero(g.group_of == k)
        if len(members) == n:
            sets.append((slice(None), np.ones(n, bool)))
        elif len(members):
            sets.append((members, np.ones(len(members), bool)))
    stray = g.group_of < 0
    if stray.any():
        cols = np.flatnonzero(stray | g.ranked)
        sets.append((cols, stray[cols]))
    return sets


def _param_arrays(rules: Rules, idx: list[int], method: str) -> dict[str, np.ndarray]:
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


def _score_indicators(
    g: Grid, rules: Rules, basis: np.ndarray, valid: np.ndarray, invalid: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    ind = rules.indicators
    sign = np.array([1.0 if i.direction == "higher" else -1.0 for i in ind])[None, :, None]
    weight = np.array([float(i.weight) for i in ind])[None, :, None]
    xd = basis * sign
    by_method: dict[str, list[int]] = {}
    for j, i in enumerate(ind):
        by_method.setdefault(i.method, []).append(j)
    params = {m: _param_arrays(rules, idx, m) for m, idx in by_method.items()}
    s = np.full(basis.shape, np.nan)
    rank = np.full(basis.shape, np.nan)
    for cols, scored in _comparison_sets(g):
        xd_u, valid_u, inv_u = xd[:, :, cols], valid[:, :, cols], invalid[:, :, cols]
        ref_u = valid_u & g.ranked[cols][None, None, :]
        rank_u = rank_against(xd_u, valid_u, ref_u)
        # an invalid base takes the worst value of the reference counties, and its place
        worst = np.min(xd_u, axis=2, keepdims=True, where=ref_u, initial=np.inf)
        worst = np.where(np.isfinite(worst), worst, np.nan)
        worst_rank = np.max(rank_u, axis=2, keepdims=True, where=ref_u, initial=-np.inf)
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
                params=params[method],
            )
            s_u[:, sel] = METHODS[method](m)
        out_cols = np.arange(len(g.counties))[cols][scored]
        s[:, :, out_cols] = s_u[:, :, scored]
        shown = (valid_u | inv_u) & g.ranked[cols][None, None, :]
        rank[:, :, out_cols] = np.where(shown, rank_eff, np.nan)[:, :, scored]
    return s, rank


# ----------------------------------------------------------------------- categories and the total


def _weighted_mean(
    ratios: np.ndarray, weights: np.ndarray, member: np.ndarray, geometric: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted arithmetic or geometric mean over the first item axis, per group of items.

    ratios (P, N, C) in 0..1 (NaN where left out), weights (P, N) (0 where left out), member
    (N, K) one-hot, geometric (K,) bool. Returns the means (P, K, C) and whether each group has any
    weight (P, K).
    """
    w = weights[:, :, None]
    r = np.where(w > 0, ratios, 0.0)
    total_w = weights @ member  # (P, K)
    mt = member.T[None].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.matmul(mt, w * r) / total_w[:, :, None]
        if geometric.any():
            logs = np.log(np.where(r > 0, r, 1.0))
            zeros = np.matmul(mt, ((r <= 0) & (w > 0)).astype(float))
            geo = np.exp(np.matmul(mt, w * logs) / total_w[:, :, None])
            geo = np.where(zeros > 0, 0.0, geo)
            out = np.where(geometric[None, :, None], geo, out)
    has = total_w > 0
    return np.where(has[:, :, None], out, np.nan), has


def _categories(
    rules: Rules, s: np.ndarray, scheduled: np.ndarray, weight: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cats = rules.categories
    codes = [c.code for c in cats]
    member = np.zeros((len(rules.indicators), len(cats)))
    for j, i in enumerate(rules.indicators):
        member[j, codes.index(i.category)] = 1.0
    geometric = np.array([c.aggregation == "geometric" for c in cats])
    agg, part = _weighted_mean(s, weight[None, :] * scheduled, member, geometric)
    cw = np.array([float(c.weight) for c in cats])[None, :, None]
    sub_raw = cw * agg
    sub = sub_raw.copy()
    for k, c in enumerate(cats):
        sub[:, k] = round_half_up(sub_raw[:, k], c.decimals)
    return sub_raw, sub, part


def _total(rules: Rules, sub: np.ndarray, part: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    cw = np.array([float(c.weight) for c in rules.categories])
    member = np.ones((len(cw), 1))
    geometric = np.array([rules.total.aggregation == "geometric"])
    agg, _ = _weighted_mean(sub / cw[None, :, None], cw[None, :] * part, member, geometric)
    raw = rules.total.points_value * agg[:, 0, :]
    return raw, round_half_up(raw, rules.total.decimals)


# --------------------------------------------------------------------------- ranks, tiers, extras


def _rank_in_groups(g: Grid, score: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Competition rank within each peer group along the last (county) axis."""
    out = np.full(score.shape, np.nan)
    eligible = eligible & np.isfinite(score)
    for k in range(len(g.group_names)):
        cols = np.flatnonzero(g.group_of == k)
        if len(cols):
            out[..., cols] = competition_rank(score[..., cols], eligible[..., cols])
    return out


def _tiers(g: Grid, rules: Rules, rank: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    out = np.full(rank.shape, -1)
    for k in range(len(g.group_names)):
        cols = np.flatnonzero(g.group_of == k)
        if len(cols):
            out[:, cols] = tier_codes(
                rank[:, cols],
                eligible[:, cols],
                float(rules.tiers.leading),
                float(rules.tiers.lagging),
            )
    return out


def _improvement(rules: Rules, gained: np.ndarray) -> np.ndarray:
    imp = rules.improvement
    assert imp is not None
    up = gained * float(imp.points_per_place)
    if imp.cap is not None:
        up = np.minimum(up, float(imp.cap))
    down = -gained * float(imp.penalty_per_place)
    if imp.penalty_cap is not None:
        down = np.minimum(down, float(imp.penalty_cap))
    pts = np.where(gained > 0, up, np.where(gained < 0, -down, 0.0))
    return np.where(np.isnan(gained), 0.0, pts) + 0.0
