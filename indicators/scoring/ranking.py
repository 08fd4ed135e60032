"""Competition ranking (1, 2, 2, 4) along the last axis, common-set places, and tiers."""

from __future__ import annotations

import numpy as np

TIERS = ("leading", "middle", "lagging", "vetoed")


def rank_against(score: np.ndarray, valid: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Competition rank, higher score first, of every valid entry among the `ref` entries.

    rank = 1 + the number of ref entries strictly better, along the last axis. For a ref entry
    this is its competition rank among the ref entries; for a valid entry outside ref (a county
    that is not ranked) it is the place it would take without moving anyone else. NaN where
    not valid. `ref` must be a subset of `valid`. Ties are exact: equal values share a rank.
    """
    # entries that are not valid sort last: as +inf, which keeps numpy's vectorised sort (NaN
    # keys make it several times slower), unless a valid score is -inf itself
    filler = np.nan if np.isneginf(score[valid]).any() else np.inf
    key = np.where(valid, -score, filler)
    order = np.argsort(key, axis=-1)  # ties need no stable order: blocks get one rank
    sorted_key = np.take_along_axis(key, order, axis=-1)
    is_ref = np.take_along_axis(ref, order, axis=-1).astype(np.int32)
    before = np.cumsum(is_ref, axis=-1, dtype=np.int32) - is_ref  # ref entries strictly earlier
    start = np.ones(sorted_key.shape, dtype=bool)
    start[..., 1:] = sorted_key[..., 1:] != sorted_key[..., :-1]
    # `before` does not decrease along the sorted axis, so the running maximum of its values at
    # tie-block starts is, for each position, the value at the start of its tie block.
    better = np.maximum.accumulate(np.where(start, before, 0), axis=-1)
    rank = np.empty(key.shape, dtype=float)
    np.put_along_axis(rank, order, better + 1.0, axis=-1)
    rank[~valid] = np.nan
    return rank


def rank_wide(
    score: np.ndarray, valid: np.ndarray, ref: np.ndarray, wanted: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """rank_against() for wide comparison sets, and the worst reference place (..., 1).

    Each row's reference values are sorted (a plain sort, several times cheaper than the
    argsort rank_against needs), and each wanted entry's rank is 1 + the reference values
    strictly above it, by binary search. `wanted` (last axis, bool) limits the entries
    ranked (the others are NaN): a set of unranked counties compared with every ranked county
    ranks only its own. The worst reference place is 1 + the reference values strictly above
    the worst one.
    """
    ladder = np.sort(np.where(ref, score, np.nan), axis=-1)  # NaN (no reference) last
    n_ref = ref.sum(axis=-1)
    rank = np.full(score.shape, np.nan)
    worst = np.full((*score.shape[:-1], 1), np.nan)
    cols = np.arange(score.shape[-1]) if wanted is None else np.flatnonzero(wanted)
    flat_l = ladder.reshape(-1, ladder.shape[-1])
    flat_s = score.reshape(-1, score.shape[-1])[:, cols]
    flat_v = valid.reshape(-1, valid.shape[-1])[:, cols]
    flat_n = n_ref.reshape(-1)
    out = np.full(flat_s.shape, np.nan)
    flat_w = worst.reshape(-1)
    for r in range(flat_l.shape[0]):
        n = int(flat_n[r])
        if not n:  # nothing to compare with: every valid entry is first
            out[r] = 1.0
            continue
        row = flat_l[r, :n]
        out[r] = n + 1.0 - np.searchsorted(row, flat_s[r], side="right")
        flat_w[r] = n + 1.0 - np.searchsorted(row, row[0], side="right")
    out[~flat_v] = np.nan
    rank[..., cols] = out.reshape(*score.shape[:-1], len(cols))
    return rank, worst


def competition_rank(score: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Plain competition rank of the eligible entries along the last axis (NaN elsewhere)."""
    return rank_against(score, eligible, eligible)


def common_places(
    before: np.ndarray, after: np.ndarray, group_of: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Two rankings re-ranked over the counties ranked in both, within each peer group.

    `before` and `after` are places (..., C), NaN where a county has none; `group_of` (C,) the
    peer group of each county (-1: none). Within a group, the counties with a place on both
    sides form the common set; each side's places are re-ranked over it by competition ranking
    (ties kept): 1 + the number of common counties strictly ahead on that side. NaN outside the
    common set. When both sides are competition rankings of the same counties, this returns
    them unchanged. Rank changes and the improvement reward compare these common places, so
    that counties that are not ranked on one side move no one (docs/rules.md, 3.7).
    """
    before, after = np.broadcast_arrays(before, after)
    both = np.isfinite(before) & np.isfinite(after)
    out_before = np.full(before.shape, np.nan)
    out_after = np.full(after.shape, np.nan)
    for k in range(n_groups):
        cols = np.flatnonzero(group_of == k)
        if len(cols):
            common = both[..., cols]
            out_before[..., cols] = competition_rank(-before[..., cols], common)
            out_after[..., cols] = competition_rank(-after[..., cols], common)
    return out_before, out_after


def tier_codes(
    rank: np.ndarray, eligible: np.ndarray, leading: float, lagging: float
) -> np.ndarray:
    """0 leading, 1 middle, 2 lagging, -1 none, per entry; counts along the last axis.

    With n ranked counties, the leading tier is the first round(n * leading) places and the
    lagging tier the last round(n * lagging) places (rounded half up, so 0.3333 of 9 is 3).
    Ties at a boundary fall on the better side: a county is leading if its rank is within the
    leading places, and lagging only if its rank lies beyond n - round(n * lagging).
    """
    n = eligible.sum(axis=-1, keepdims=True)
    k_lead = np.floor(n * leading + 0.5 + 1e-9)
    k_lag = np.floor(n * lagging + 0.5 + 1e-9)
    code = np.where(rank <= k_lead, 0, np.where(rank > n - k_lag, 2, 1))
    return np.where(eligible & ~np.isnan(rank), code, -1)
