"""Rank stability (权重敏感性): how much a period's ranking depends on the exact weights.

    result = rank_stability(values, rules, counties, samples=300, spread=0.2, seed=0)
    result.samples   # one row per (sample, county): the county's rank and total in that sample
    result.summary   # one row per ranked county: base rank, min / quartiles / max, share at base

Every sample multiplies each category weight and each indicator weight by its own factor drawn
uniformly from [1 - spread, 1 + spread], then rescales each level so that it still adds up: the
category weights to the rule set's total weight, each category's indicator weights to that
category's (perturbed) weight. The parser refuses a rule set whose weights do not add up, so every
sample is a rule set that could have been published.

What a sample changes is how much each indicator and category counts, not how an indicator is
scored: the normalised scores s (0..1) of the base scoring are kept. Methods whose parameters are
written in points (stepped: base and per_step; threshold_rank: threshold_points) therefore keep
their share of the weight rather than producing parameters that no longer fit a smaller weight.
Everything after the normalised scores is recomputed per sample exactly as score() does it:
points rounded at indicator_decimals, category subtotals (arithmetic or geometric), the total and
its rounding, bonuses and penalties (capped, unaffected by weights), the competition rank within
each peer group, and the improvement points (进位奖励) against `base_ranks` (compared over the
counties ranked in both, as score() does) with the ranking after them. A veto does not move a
rank (only the tier), so it leaves the distribution as is.

The expensive part, building the grid and scoring the indicators, runs once; the samples are then
computed together as arrays of shape (samples, indicators | categories, counties), in chunks so
that a caller can report progress. numpy's Generator(seed) draws all the factors up front: the
same seed gives the same output whatever the chunk size, and a larger number of samples starts
with the same samples as a smaller one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .aggregate import weighted_mean
from .coverage import applies, tally
from .engine import GridScores, _improvement, scheduled_mask, score  # the engine's own steps
from .grid import Grid
from .ranking import common_places, competition_rank
from .rounding import round_half_up
from .rules import Rules

FIRM_SHARE = 0.9  # a place held in at least this share of the samples is firm (稳定)
MAX_SAMPLES = 5000


@dataclass(frozen=True)
class StabilityResult:
    """`samples`: sample (0-based), county, rank, total, for the ranked counties with a total.
    `summary`: one row per such county, ordered by group then base rank: county, name, group
    ("" without peer groups), base_rank, base_total, min, q1, median, q3, max (of the sampled
    ranks), share_at_base (0..1) and firm (share_at_base >= firm_share)."""

    samples: pd.DataFrame
    summary: pd.DataFrame
    period: str
    n_samples: int
    spread: float
    seed: int


@dataclass(frozen=True)
class _Prepared:
    s: np.ndarray  # (I, C) normalised scores of the base scoring, NaN where not scheduled
    scheduled: np.ndarray  # (I,) bool
    member: np.ndarray  # (I, K) one-hot indicator -> category
    category_of: np.ndarray  # (I,) int
    geometric: np.ndarray  # (K,) bool
    ind_weight: np.ndarray  # (I,)
    cat_weight: np.ndarray  # (K,)
    bonus: np.ndarray  # (C,) bonus + penalty
    eligible: np.ndarray  # (C,) bool: ranked and has a total in the base scoring
    group_of: np.ndarray  # (C,) int, -1: in no group
    n_groups: int
    base_rank_lookup: np.ndarray  # (C,) last year's ranks for the improvement points (NaN: none)
    # with exemptions or missing-data policies: the base grid and its scores (None: plain path)
    coverage: tuple[Grid, GridScores] | None = None


def rank_stability(
    values: pd.DataFrame,
    rules: Rules | Mapping[str, Any],
    counties: pd.DataFrame | None = None,
    *,
    bonuses: pd.DataFrame | None = None,
    vetoes: Iterable[str] = (),
    base_ranks: Mapping[str, int] | None = None,
    samples: int = 300,
    spread: float = 0.2,
    seed: int = 0,
    firm_share: float = FIRM_SHARE,
    chunk_size: int = 50,
    progress: Callable[[int, int], None] | None = None,
    targets: pd.DataFrame | None = None,
    exemptions: pd.DataFrame | None = None,
) -> StabilityResult:
    """Rank distribution of every county over `samples` random weightings (see the module doc).

    `values` must hold exactly one period. `progress(done, total)` is called after each chunk
    of samples; an exception it raises stops the computation (a caller's way to cancel).
    `targets`, `exemptions`: as score() takes them; exemptions and missing-data policies are
    applied to every sample as score() applies them (coverage.tally).
    """
    if not 1 <= samples <= MAX_SAMPLES:
        raise ValueError(f"samples must be between 1 and {MAX_SAMPLES}, got {samples}")
    if not 0 <= spread < 1:
        raise ValueError(f"spread must be at least 0 and below 1, got {spread}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, got {chunk_size}")
    base = score(
        values,
        rules,
        counties,
        bonuses=bonuses,
        vetoes=vetoes,
        base_ranks=base_ranks,
        targets=targets,
        exemptions=exemptions,
    )
    if len(base.periods) != 1:
        raise ValueError(
            f"rank_stability takes the values of one period, got {len(base.periods)}: "
            + ", ".join(base.periods)
        )
    rules = base.rules
    prep = _prepare(base, rules, base_ranks)
    n_ind, n_cat = len(prep.ind_weight), len(prep.cat_weight)

    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.0 - spread, 1.0 + spread, size=(samples, n_cat + n_ind))

    ranks = np.empty((samples, len(prep.eligible)))
    totals = np.empty((samples, len(prep.eligible)))
    for start in range(0, samples, chunk_size):
        stop = min(start + chunk_size, samples)
        cat_w, ind_w = _weights(prep, float(rules.total.weight), factors[start:stop])
        ranks[start:stop], totals[start:stop] = _rank_samples(prep, rules, cat_w, ind_w)
        if progress is not None:
            progress(stop, samples)

    cty = base.counties
    keep = np.flatnonzero(prep.eligible)
    codes = cty["county"].astype(str).to_numpy()
    sample_frame = pd.DataFrame(
        {
            "sample": np.repeat(np.arange(samples), len(keep)),
            "county": np.tile(codes[keep], samples),
            "rank": ranks[:, keep].reshape(-1).astype(int),
            "total": totals[:, keep].reshape(-1),
        }
    )
    summary = _summary(cty, keep, ranks[:, keep], firm_share, grouped=rules.peer_groups is not None)
    return StabilityResult(
        samples=sample_frame,
        summary=summary,
        period=base.periods[0],
        n_samples=samples,
        spread=spread,
        seed=seed,
    )


# ------------------------------------------------------------------------------------- set-up


def _prepare(base, rules: Rules, base_ranks: Mapping[str, int] | None) -> _Prepared:
    ind, cats = rules.indicators, rules.categories
    cty = base.counties
    n_c, n_i = len(cty), len(ind)
    # the indicators frame is in (period, county, indicator) order
    s = base.indicators["normalised"].to_numpy(dtype=float).reshape(n_c, n_i).T.copy()
    month = int(base.periods[0][5:7])
    scheduled = np.array([i.frequency == "monthly" or month % 3 == 0 for i in ind], dtype=bool)
    codes = [c.code for c in cats]
    category_of = np.array([codes.index(i.category) for i in ind])
    member = np.zeros((n_i, len(cats)))
    member[np.arange(n_i), category_of] = 1.0
    county_codes = cty["county"].astype(str).tolist()
    lookup = np.array(
        [np.nan if (r := (base_ranks or {}).get(c)) is None else float(r) for c in county_codes]
    )
    groups = cty["group"]
    return _Prepared(
        s=s,
        scheduled=scheduled,
        member=member,
        category_of=category_of,
        geometric=np.array([c.aggregation == "geometric" for c in cats]),
        ind_weight=np.array([float(i.weight) for i in ind]),
        cat_weight=np.array([float(c.weight) for c in cats]),
        bonus=cty["bonus"].to_numpy(dtype=float) + cty["penalty"].to_numpy(dtype=float),
        eligible=(cty["ranked"].to_numpy(dtype=bool) & cty["base_total"].notna().to_numpy()),
        group_of=np.asarray(groups.cat.codes, dtype=int),
        n_groups=len(groups.cat.categories),
        base_rank_lookup=lookup,
        coverage=base.arrays if base.arrays and applies(rules, base.arrays[0].exempt) else None,
    )


def _weights(prep: _Prepared, total_weight: float, factors: np.ndarray):
    """Perturbed category weights (S, K) adding up to the total weight, and indicator weights
    (S, I) adding up, within each category, to that category's perturbed weight."""
    n_cat = len(prep.cat_weight)
    cat = prep.cat_weight[None, :] * factors[:, :n_cat]
    cat = cat * (total_weight / cat.sum(axis=1, keepdims=True))
    ind = prep.ind_weight[None, :] * factors[:, n_cat:]
    per_cat = ind @ prep.member  # (S, K)
    ind = ind * (cat / per_cat)[:, prep.category_of]
    return cat, ind


# ------------------------------------------------------------------------------- the samples


def _rank_in_groups(prep: _Prepared, by: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    out = np.full(by.shape, np.nan)
    eligible = eligible & np.isfinite(by)
    for k in range(prep.n_groups):
        cols = np.flatnonzero(prep.group_of == k)
        if len(cols):
            out[:, cols] = competition_rank(by[:, cols], eligible[:, cols])
    return out


def _rank_samples(
    prep: _Prepared, rules: Rules, cat_w: np.ndarray, ind_w: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Ranks and totals (S, C) for the weights of S samples."""
    if prep.coverage is not None:
        base_raw, base = _covered_totals(prep.coverage, rules, cat_w, ind_w)
    else:
        base_raw, base = _plain_totals(prep, rules, cat_w, ind_w)
    eligible = np.broadcast_to(prep.eligible[None, :], base.shape)
    base_raw = np.where(eligible, base_raw, np.nan)
    base = np.where(eligible, base, np.nan)
    decimals = rules.total.decimals
    total_raw = base_raw + prep.bonus[None, :]
    total = round_half_up(base + prep.bonus[None, :], decimals)
    rank = _rank_in_groups(prep, total if rules.rank_on == "rounded" else total_raw, eligible)
    if rules.improvement is not None and np.isfinite(prep.base_rank_lookup).any():
        before, first = common_places(
            prep.base_rank_lookup[None, :], rank, prep.group_of, prep.n_groups
        )
        improvement = _improvement(rules, before - first)
        total_raw = total_raw + improvement
        total = round_half_up(total + improvement, decimals)
        rank = _rank_in_groups(prep, total if rules.rank_on == "rounded" else total_raw, eligible)
    return rank, total


def _plain_totals(
    prep: _Prepared, rules: Rules, cat_w: np.ndarray, ind_w: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Base totals (S, C), unrounded and rounded, from the base's normalised scores."""
    w3 = ind_w[:, :, None]
    s = prep.s[None, :, :]
    points = round_half_up(w3 * s, rules.indicator_decimals)
    s_used = s if rules.indicator_decimals is None else points / w3
    agg, part = weighted_mean(s_used, ind_w * prep.scheduled[None, :], prep.member, prep.geometric)
    sub_raw = cat_w[:, :, None] * agg
    sub = sub_raw.copy()
    for k, c in enumerate(rules.categories):
        sub[:, k] = round_half_up(sub_raw[:, k], c.decimals)
    agg_t, _ = weighted_mean(
        sub / cat_w[:, :, None],
        cat_w * part,
        np.ones((len(rules.categories), 1)),
        np.array([rules.total.aggregation == "geometric"]),
    )
    base_raw = rules.total.points_value * agg_t[:, 0, :]
    return base_raw, round_half_up(base_raw, rules.total.decimals)


def _covered_totals(
    coverage: tuple[Grid, GridScores], rules: Rules, cat_w: np.ndarray, ind_w: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Base totals (S, C) with exemptions and missing-data policies, by coverage.tally: the
    base scoring's normalised scores with each sample's weights."""
    g, a = coverage
    n = len(cat_w)
    t = tally(
        rules,
        np.repeat(a.s, n, axis=0),
        np.repeat(scheduled_mask(rules, g.months), n, axis=0),
        np.repeat((a.flags_i & 1).astype(bool), n, axis=0),
        g.exempt,
        imputation_of=g.imputation_of,
        ranked=g.ranked,
        ind_weight=ind_w,
        cat_weight=cat_w,
    )
    return t.base_raw, t.base


# ------------------------------------------------------------------------------- the summary


def _summary(
    cty: pd.DataFrame, keep: np.ndarray, ranks: np.ndarray, firm_share: float, *, grouped: bool
) -> pd.DataFrame:
    base_rank = cty["rank"].to_numpy(dtype=float)[keep]
    q = np.quantile(ranks, [0.25, 0.5, 0.75], axis=0) if len(ranks) else np.full((3, 0), np.nan)
    share = (ranks == base_rank[None, :]).mean(axis=0)
    group_order = np.asarray(cty["group"].cat.codes, dtype=int)[keep]
    group = cty["group"].astype(object).where(cty["group"].notna(), "").to_numpy()[keep]
    if not grouped:
        group = np.full(len(keep), "", dtype=object)
    frame = pd.DataFrame(
        {
            "county": cty["county"].astype(str).to_numpy()[keep],
            "name": cty["name"].to_numpy()[keep],
            "group": group.astype(str),
            "base_rank": base_rank.astype(int),
            "base_total": cty["total"].to_numpy(dtype=float)[keep],
            "min": ranks.min(axis=0).astype(int),
            "q1": q[0],
            "median": q[1],
            "q3": q[2],
            "max": ranks.max(axis=0).astype(int),
            "share_at_base": share,
            "firm": share >= firm_share,
        }
    )
    order = np.lexsort((frame["county"].to_numpy(), base_rank, group_order))
    return frame.iloc[order].reset_index(drop=True)
