"""Statistics of the reference counties, per (period, indicator, comparison set).

The relative methods (efficacy, zscore, and the worst value an invalid basis takes) compare a
county with the reference counties of its comparison set: the ranked counties of its peer group
with a valid basis (comparison.py). To explain a score, a reader needs exactly those numbers.
The engine computes them while it scores (comparison.score_indicators calls `set_statistics` on
the very arrays the methods see, with the methods' own functions, methods.best_of, ...), and
`reference_frame` reports them in the basis' own units: for a lower-is-better indicator `best`
is the smallest value. It is a small frame (periods x indicators x sets).

Columns: period, indicator, group (the peer group as in `result.counties`, "all" without peer
groups; empty for the set of unranked counties in no group, which is compared with every ranked
county), count (reference counties), best, worst, mean, std (population standard deviation);
the statistics are empty when count is 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .comparison import STATS, comparison_sets
from .grid import Grid
from .rules import Rules

REFERENCE_COLUMNS = ["period", "indicator", "group", *STATS]


def reference_frame(g: Grid, rules: Rules, stats: np.ndarray | None) -> pd.DataFrame:
    """One row per (period, indicator, comparison set), in that order (see the module doc).

    `stats` (5, P, I, S) comes from comparison.score_indicators(..., stats=True); an indicator
    that is not scheduled in a period has count 0 there.
    """
    if stats is None:
        return pd.DataFrame(columns=REFERENCE_COLUMNS)
    _, n_p, n_i, n_s = stats.shape
    p = np.repeat(np.arange(n_p, dtype=np.int32), n_i * n_s)
    i = np.tile(np.repeat(np.arange(n_i, dtype=np.int32), n_s), n_p)
    groups = np.array([cs.group for cs in comparison_sets(g)], dtype=np.int32)
    cats = pd.Categorical.from_codes
    frame = pd.DataFrame(
        {
            "period": cats(p, categories=pd.Index(g.periods, dtype=object)),
            "indicator": cats(i, pd.Index([x.code for x in rules.indicators], dtype=object)),
            "group": cats(np.tile(groups, n_p * n_i), pd.Index(g.group_names, dtype=object)),
        }
    )
    for k, name in enumerate(STATS):
        frame[name] = stats[k].reshape(-1)
    frame["count"] = frame["count"].astype(np.int64)
    return frame
