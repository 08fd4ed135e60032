"""Result arrays -> the long output frames (categorical labels, so that 2M rows stay cheap)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .grid import Grid
from .ranking import TIERS
from .rules import Rules


def _labels(codes: np.ndarray, categories: list[str]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=pd.Index(categories, dtype=object))


def flag_labels(names: tuple[str, ...]) -> list[str]:
    """Label of every bit combination: bit k set -> names[k], joined by commas in name order."""
    return [
        ",".join(n for k, n in enumerate(names) if code >> k & 1) for code in range(2 ** len(names))
    ]


def _flags(bits: np.ndarray, names: tuple[str, ...]) -> pd.Categorical:
    labels = flag_labels(names)
    used = np.flatnonzero(np.bincount(bits, minlength=len(labels)))
    keep = sorted(set(used.tolist()) | {0})  # only the combinations that occur, and ""
    remap = np.full(len(labels), -1, dtype=np.int16)
    remap[keep] = np.arange(len(keep))
    return _labels(remap[bits], [labels[k] for k in keep])


def _keys(n_p: int, n_c: int, n_items: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Period, county and item positions of the rows, in (period, county, item) order."""
    ar = np.arange
    return (
        np.repeat(ar(n_p, dtype=np.int32), n_c * n_items),
        np.tile(np.repeat(ar(n_c, dtype=np.int32), n_items), n_p),
        np.tile(ar(n_items, dtype=np.int32), n_p * n_c),
    )


def pci(a: np.ndarray) -> np.ndarray:
    """(P, I, C) -> flat in (period, county, item) order."""
    return np.ascontiguousarray(a.transpose(0, 2, 1)).reshape(-1)


def indicators_frame(
    g: Grid,
    rules: Rules,
    value: np.ndarray,
    prior: np.ndarray,
    basis: np.ndarray,
    target: np.ndarray,
    rank: np.ndarray,
    place: np.ndarray,
    points: np.ndarray,
    s: np.ndarray,
    flags: np.ndarray,
    flag_names: tuple[str, ...],
) -> pd.DataFrame:
    n_p, n_i, n_c = value.shape
    cat_codes = [c.code for c in rules.categories]
    ind_cat = np.array([cat_codes.index(i.category) for i in rules.indicators], dtype=np.int32)
    p, c, i = _keys(n_p, n_c, n_i)
    return pd.DataFrame(
        {
            "period": _labels(p, g.periods),
            "county": _labels(c, g.counties),
            "indicator": _labels(i, [ind.code for ind in rules.indicators]),
            "category": _labels(ind_cat[i], cat_codes),
            "value": pci(value),
            "prior_value": pci(prior),
            "basis": pci(basis),
            "target": pci(np.broadcast_to(target, value.shape)),
            "rank": pci(rank),
            "scored_rank": pci(place),
            "score": pci(points),
            "normalised": pci(s),
            "flags": _flags(pci(flags.astype(np.int16)), flag_names),
        }
    )


def categories_frame(
    g: Grid,
    rules: Rules,
    subtotal: np.ndarray,
    rank: np.ndarray,
    flags: np.ndarray,
    flag_names: tuple[str, ...],
) -> pd.DataFrame:
    """`flags` (P, K, C): the flag bits of each category result."""
    n_p, n_k, n_c = subtotal.shape
    bits = np.broadcast_to(flags, subtotal.shape).astype(np.int16)
    p, c, k = _keys(n_p, n_c, n_k)
    return pd.DataFrame(
        {
            "period": _labels(p, g.periods),
            "county": _labels(c, g.counties),
            "category": _labels(k, [cat.code for cat in rules.categories]),
            "subtotal": pci(subtotal),
            "rank": pci(rank),
            "flags": _flags(pci(bits), flag_names),
        }
    )


def counties_frame(
    g: Grid,
    *,
    base: np.ndarray,
    bonus: np.ndarray,
    penalty: np.ndarray,
    improvement: np.ndarray,
    base_rank: np.ndarray,
    first_rank: np.ndarray,
    total: np.ndarray,
    rank: np.ndarray,
    rank_change: np.ndarray,
    tier: np.ndarray,
    vetoed: np.ndarray,
    flags: np.ndarray,
    flag_names: tuple[str, ...],
) -> pd.DataFrame:
    """Per (period, county) every component of the total: base_total + bonus + penalty +
    improvement gives the total (rounded as the engine rounds), and improvement follows from
    base_rank and first_rank (docs/rules.md, 3.7)."""
    n_p = total.shape[0]
    p, c, _ = _keys(n_p, len(g.counties), 1)
    return pd.DataFrame(
        {
            "period": _labels(p, g.periods),
            "county": _labels(c, g.counties),
            "name": np.array(g.names, dtype=object)[c],
            "group": _labels(g.group_of[c], g.group_names),  # -1 (in no group) -> NaN
            "ranked": g.ranked[c],
            "base_total": base.reshape(-1),
            "bonus": bonus.reshape(-1) + 0.0,
            "penalty": penalty.reshape(-1) + 0.0,
            "base_rank": base_rank.reshape(-1),
            "first_rank": first_rank.reshape(-1),
            "improvement": improvement.reshape(-1) + 0.0,
            "total": total.reshape(-1),
            "rank": rank.reshape(-1),
            "rank_change": rank_change.reshape(-1) + 0.0,
            "tier": _labels(tier.reshape(-1), list(TIERS)),
            "vetoed": vetoed[c],
            "flags": _flags(flags.reshape(-1).astype(np.int16), flag_names),
        }
    )
