"""annual(): the year's result as the weighted mean of the period totals (rules.period_weights)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .engine import ScoreResult
from .ranking import TIERS, competition_rank, tier_codes
from .rounding import round_half_up
from .rules import Rules

ANNUAL_FLAGS = ("not_ranked", "incomplete", "vetoed", "partial")


def annual(result: ScoreResult, rules: Rules | None = None) -> pd.DataFrame:
    """Combine the period totals with `period_weights` and rank the result.

    Only periods whose month has a weight count; the weights are renormalised over those present
    in the result, and every county gets the flag `partial` when some weighted month is absent.
    A county without a total in a counted period (incomplete) gets no annual total and no rank.
    Ranks, ties and tiers follow the same rules as a period's (rank_on, peer groups). A county
    vetoed in any period is vetoed for the year. Columns: county, name, group, ranked, total,
    rank, tier, flags, periods.
    """
    return annual_of(result.counties, tuple(result.periods), rules or result.rules)


def annual_of(frame: pd.DataFrame, periods: tuple[str, ...], rules: Rules) -> pd.DataFrame:
    """annual() over a counties frame (score()'s ScoreResult.counties, or the same columns read
    back from stored runs: period, county, name, group, ranked, total, flags) in period-major
    order with the same counties in every period of `periods` ("YYYY-MM")."""
    if rules.period_weights is None:
        raise ValueError("the rules have no period_weights, so there is no annual combination")
    weights = {int(m): float(w) for m, w in rules.period_weights.items()}
    used = [p for p in periods if int(p[5:7]) in weights]
    if not used:
        months = ", ".join(str(m) for m in sorted(weights))
        raise ValueError(f"the result has none of the weighted months ({months})")
    partial = len({int(p[5:7]) for p in used}) < len(weights)
    # period-major, the same counties in every period
    n_c = len(frame) // len(periods)
    totals = frame["total"].to_numpy().reshape(len(periods), n_c)
    last = frame.iloc[(len(periods) - 1) * n_c :]
    w = np.array([weights[int(p[5:7])] for p in used])
    t = totals[[periods.index(p) for p in used]]
    raw = (w[:, None] * t).sum(axis=0) / w.sum()  # NaN if any counted period has no total
    total = round_half_up(raw, rules.total.decimals)
    ranked = last["ranked"].to_numpy(dtype=bool)
    eligible = ranked & np.isfinite(total)
    by = total if rules.rank_on == "rounded" else raw
    group = last["group"].astype(object).to_numpy()
    rank = np.full(n_c, np.nan)
    tier = np.full(n_c, -1)
    for name in pd.unique(group[pd.notna(group)]):
        cols = np.flatnonzero(group == name)
        rank[cols] = competition_rank(by[cols], eligible[cols])
        tier[cols] = tier_codes(
            rank[cols], eligible[cols], float(rules.tiers.leading), float(rules.tiers.lagging)
        )
    vetoed = (
        frame["flags"].astype(str).str.contains("vetoed").to_numpy().reshape(len(periods), n_c)
    ).any(axis=0)
    tier = np.where(vetoed, TIERS.index("vetoed"), tier)
    flags = ~ranked * 1 + ~np.isfinite(total) * 2 + vetoed * 4 + partial * 8
    return pd.DataFrame(
        {
            "county": last["county"].to_numpy(),
            "name": last["name"].to_numpy(),
            "group": last["group"].to_numpy(),
            "ranked": ranked,
            "total": total,
            "rank": rank,
            "tier": pd.Categorical.from_codes(tier, categories=pd.Index(TIERS)),
            "flags": [
                ",".join(n for k, n in enumerate(ANNUAL_FLAGS) if int(f) >> k & 1) for f in flags
            ],
            "periods": ",".join(used),
        }
    )
