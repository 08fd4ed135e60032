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

Rank changes and improvement points compare places among the counties ranked in both rankings
only (ranking.common_places), so counties that were not scored in one of them move no one.
Every component of a total is kept (base, bonus, penalty, improvement and the two places the
improvement came from), so that every point of a total can be explained.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .aggregate import category_subtotals, total_of
from .comparison import score_indicators
from .county_targets import TargetArrays, target_arrays, target_grid
from .coverage import Tally, applies, tally
from .frames import categories_frame, counties_frame, indicators_frame
from .grid import (
    BonusPoints,
    Grid,
    bonus_arrays,
    build_grid,
    exempt_mask,
    rank_lookup,
    veto_mask,
)
from .growth import growth_array
from .parsing import parse_rules
from .ranking import TIERS, common_places, competition_rank, tier_codes
from .references import reference_frame
from .rounding import round_half_up
from .rules import Rules

INDICATOR_FLAGS = ("missing", "invalid_base", "not_scheduled", "not_ranked", "exempt")
COUNTY_FLAGS = ("not_ranked", "incomplete", "vetoed")
CATEGORY_FLAGS = ("not_scheduled", "imputed")


@dataclass(frozen=True)
class ScoreResult:
    """Long frames, one row per (period, county[, indicator | category]), in grid order, and
    `references`: the statistics of the reference counties per (period, indicator, group)."""

    indicators: pd.DataFrame
    categories: pd.DataFrame
    counties: pd.DataFrame
    rules: Rules
    periods: tuple[str, ...]
    references: pd.DataFrame
    # the grid and its arrays, for gaps() of the same inputs (not part of the result's value)
    arrays: tuple[Grid, GridScores] | None = field(default=None, repr=False, compare=False)


def score(
    values: pd.DataFrame,
    rules: Rules | Mapping[str, Any],
    counties: pd.DataFrame | None = None,
    *,
    bonuses: pd.DataFrame | None = None,
    vetoes: Iterable[str] = (),
    base_ranks: Mapping[str, int] | None = None,
    previous_ranks: Mapping[str, int] | None = None,
    targets: pd.DataFrame | None = None,
    exemptions: pd.DataFrame | None = None,
) -> ScoreResult:
    """Score every county on every period in `values` by `rules` (see docs/rules.md).

    `targets` (county, indicator, target[, schedule, target_kind]): each county's own annual
    target, for the indicators whose target or stepped params say own_target or by_schedule
    (county_targets.py). `exemptions` (county, indicator): the counties exempted from
    indicators (不考核), treated as the rules' missing_data says (coverage.py)."""
    if not isinstance(rules, Rules):
        rules = parse_rules(rules)
    g = scoring_grid(values, rules, counties, exemptions)
    a = score_grid(
        g,
        rules,
        bonus=bonus_arrays(bonuses, g, rules),
        vetoes=vetoes,
        base_ranks=base_ranks,
        previous_ranks=previous_ranks,
        targets=target_arrays(targets, g, rules),
    )
    return ScoreResult(
        indicators=indicators_frame(
            g,
            rules,
            a.value,
            a.prior,
            a.basis,
            a.target,
            a.rank,
            a.place,
            a.points,
            a.s,
            a.flags_i,
            INDICATOR_FLAGS,
        ),
        categories=categories_frame(g, rules, a.sub, a.cat_rank, a.flags_k, CATEGORY_FLAGS),
        counties=counties_frame(
            g,
            base=a.base,
            bonus=a.bonus,
            penalty=a.penalty,
            improvement=a.improvement,
            base_rank=a.base_rank,
            first_rank=a.first_rank,
            total=a.total,
            rank=a.county_rank,
            rank_change=a.rank_change,
            tier=a.tier,
            vetoed=a.vetoed,
            flags=a.flags_c,
            flag_names=COUNTY_FLAGS,
        ),
        rules=rules,
        periods=tuple(g.periods),
        references=reference_frame(g, rules, a.references),
        arrays=(g, a),
    )


def scoring_grid(
    values: pd.DataFrame,
    rules: Rules,
    counties: pd.DataFrame | None,
    exemptions: pd.DataFrame | None,
) -> Grid:
    """build_grid() with the exemptions' mask."""
    g = build_grid(values, rules, counties)
    g.exempt = exempt_mask(exemptions, g, rules)
    return g


@dataclass(frozen=True)
class GridScores:
    """Everything score() computes, as arrays over the grid: (P, I, C) per indicator,
    (P, K, C) per category, (P, C) per county."""

    value: np.ndarray
    prior: np.ndarray
    basis: np.ndarray
    target: np.ndarray  # (P, I, C), or (1, I, 1) when every county takes the rule's target
    valid: np.ndarray  # scheduled, with a value and a valid base
    rank: np.ndarray
    place: np.ndarray  # the rank the method scored with (also for unranked counties)
    points: np.ndarray
    s: np.ndarray
    flags_i: np.ndarray
    sub: np.ndarray
    cat_rank: np.ndarray
    part: np.ndarray  # (P, K) scheduled categories, or (P, K, C) those in each county's total
    flags_k: np.ndarray  # (P, K, C) category flag bits
    # (P, I, C) the weight each entry scored out of, where it is not the indicator's (an
    # exempted weight redistributed, coverage.py); None otherwise
    weight: np.ndarray | None
    base_raw: np.ndarray  # (P, C) unrounded, NaN for incomplete counties
    base: np.ndarray
    bonus: np.ndarray  # >= 0, capped
    penalty: np.ndarray  # <= 0, capped
    improvement: np.ndarray
    base_rank: np.ndarray  # the base place the improvement compares with (common set)
    first_rank: np.ndarray  # the place before the improvement (common set when base_rank is)
    total: np.ndarray
    county_rank: np.ndarray
    rank_change: np.ndarray
    tier: np.ndarray
    vetoed: np.ndarray  # (C,)
    flags_c: np.ndarray
    references: np.ndarray | None  # (statistic, P, I, comparison set)


def score_grid(
    g: Grid,
    rules: Rules,
    *,
    bonus: BonusPoints,
    vetoes: Iterable[str] = (),
    base_ranks: Mapping[str, int] | None = None,
    previous_ranks: Mapping[str, int] | None = None,
    targets: TargetArrays | None = None,
) -> GridScores:
    """The engine proper, on a built grid; `bonus` is bonus_arrays() for the grid's periods.

    The periods are scored independently except for rank_change, which compares each period
    with the one before (the first with previous_ranks), over the counties ranked in both.
    `targets` (county_targets.target_arrays) gives the counties' own targets.
    """
    ind = rules.indicators
    n_ind = len(ind)
    value = g.value[:, :n_ind]
    prior = g.prior[:, :n_ind]

    basis = basis_of(g, rules)
    scheduled = scheduled_mask(rules, g.months)  # (P, I)
    sched3 = scheduled[:, :, None]
    missing = np.isnan(value)
    invalid = ~missing & np.isnan(basis)
    valid = ~missing & ~invalid & sched3
    if g.exempt is not None:  # an exempted county is neither scored, missing nor a reference
        kept = ~g.exempt[None]
        missing, invalid, valid = missing & kept, invalid & kept, valid & kept

    target = target_grid(rules, g.months, targets)
    own = target if targets is not None else None  # None: the methods take the rules' target
    s, place, ref_stats = score_indicators(
        g, rules, basis, valid, invalid & sched3, stats=True, target=own
    )
    rank = np.where(g.ranked[None, None, :], place, np.nan)  # unranked counties hold no place
    t = tally_scores(g, rules, s, scheduled, missing)
    s, points, sub_raw, sub, part = t.s, t.points, t.sub_raw, t.sub, t.counted
    base_raw, base, incomplete = t.base_raw, t.base, t.incomplete
    eligible = g.ranked[None, :] & np.isfinite(base)  # (P, C)

    ranks = final_ranks(g, rules, base_raw, base, bonus.net, eligible, base_ranks)
    county_rank = ranks.county_rank
    previous = np.vstack([rank_lookup(previous_ranks, g)[None, :], county_rank[:-1]])
    previous_common, current_common = _common(g, previous, county_rank)
    rank_change = previous_common - current_common
    vetoed = veto_mask(vetoes, g)
    tier = _tiers(g, rules, county_rank, eligible)
    tier = np.where(vetoed[None, :], TIERS.index("vetoed"), tier)

    in_total = part if part.ndim == 3 else part[:, :, None]
    cat_rank = _rank_in_groups(
        g, sub if rules.rank_on == "rounded" else sub_raw, in_total & eligible[:, None, :]
    )
    flags_i = (
        t.missing * 1
        + (invalid & sched3) * 2
        + (~sched3 & np.ones_like(missing)) * 4
        + (~g.ranked)[None, None, :] * 8
        + t.exempt * 16
    )
    k_sched = scheduled_categories(rules, scheduled)
    flags_k = (~k_sched)[:, :, None] * 1 + t.imputed * 2
    flags_c = (
        (~g.ranked)[None, :] * 1 + incomplete * 2 + vetoed[None, :] * 4 + np.zeros_like(incomplete)
    )
    return GridScores(
        value=value,
        prior=prior,
        basis=basis,
        target=target,
        valid=valid,
        rank=rank,
        place=place,
        points=points,
        s=s,
        flags_i=flags_i,
        sub=sub,
        cat_rank=cat_rank,
        part=part,
        flags_k=flags_k,
        weight=t.weight
        if rules.missing_policy.exemptions == "redistribute" and t.exempt.any()
        else None,
        base_raw=base_raw,
        base=base,
        bonus=bonus.bonus,
        penalty=bonus.penalty,
        improvement=ranks.improvement,
        base_rank=ranks.base_rank,
        first_rank=ranks.first_rank,
        total=ranks.total,
        county_rank=county_rank,
        rank_change=rank_change,
        tier=tier,
        vetoed=vetoed,
        flags_c=flags_c,
        references=ref_stats,
    )


def tally_scores(
    g: Grid, rules: Rules, s: np.ndarray, scheduled: np.ndarray, missing: np.ndarray
) -> Tally:
    """From the methods' scores s (P, I, C): points, category subtotals and base totals, as
    the rules' missing-data policies say (coverage.tally), or by the plain path when no
    exemption or policy applies."""
    if applies(rules, g.exempt):
        return tally(
            rules,
            s,
            scheduled,
            missing,
            g.exempt,
            imputation_of=g.imputation_of,
            ranked=g.ranked,
        )
    sched3 = scheduled[:, :, None]
    s, points, s_used = indicator_points(rules, s, sched3)
    weight = indicator_weights(rules)
    sub_raw, sub, part = category_subtotals(rules, s_used, scheduled, weight)
    base_raw, base = total_of(rules, sub, part)
    # incomplete: more than missing_share_max of the scheduled indicators missing
    n_sched = scheduled.sum(axis=1)[:, None]
    miss = missing & sched3
    n_missing = miss.sum(axis=1)
    share_max = float(rules.missing_share_max)
    incomplete = n_missing > share_max * n_sched + 1e-9
    no = np.zeros(sub.shape, dtype=bool)
    return Tally(
        s=s,
        points=points,
        s_used=s_used,
        weight=np.broadcast_to(weight[None, :, None], s.shape),
        sub_raw=sub_raw,
        sub=sub,
        counted=part,
        imputed=no,
        base_raw=np.where(incomplete, np.nan, base_raw),
        base=np.where(incomplete, np.nan, base),
        incomplete=incomplete,
        missing=miss,
        exempt=np.zeros(s.shape, dtype=bool),
    )


def scheduled_categories(rules: Rules, scheduled: np.ndarray) -> np.ndarray:
    """(P, K) whether each category has a scheduled indicator."""
    codes = [c.code for c in rules.categories]
    out = np.zeros((scheduled.shape[0], len(codes)), dtype=bool)
    for j, i in enumerate(rules.indicators):
        out[:, codes.index(i.category)] |= scheduled[:, j]
    return out


def scheduled_mask(rules: Rules, months: np.ndarray) -> np.ndarray:
    """Whether each indicator is scored in each period's month (P, I): monthly indicators
    always, quarterly ones at quarter ends."""
    monthly = np.array([i.frequency == "monthly" for i in rules.indicators], dtype=bool)
    return monthly[None, :] | (np.asarray(months) % 3 == 0)[:, None]


def indicator_weights(rules: Rules) -> np.ndarray:
    return np.array([float(i.weight) for i in rules.indicators])


def shares_used(rules: Rules, s: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The share each category aggregates: s, or points / weight when points are rounded."""
    if rules.indicator_decimals is None:
        return s
    return points / indicator_weights(rules)[None, :, None]


def indicator_points(
    rules: Rules, s: np.ndarray, sched3: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From the methods' scores s (P, I, C): s with missing scheduled entries at 0 (NaN where not
    scheduled), the points (weight x s, rounded at indicator_decimals), and the share each
    category aggregates (s, or points / weight when points are rounded)."""
    s = np.where(sched3, np.where(np.isnan(s), 0.0, s), np.nan)  # missing (or no reference) -> 0
    weight = indicator_weights(rules)[None, :, None]
    points = round_half_up(weight * s, rules.indicator_decimals)
    return s, points, shares_used(rules, s, points)


class FinalRanks(NamedTuple):
    total_raw: np.ndarray
    total: np.ndarray
    county_rank: np.ndarray
    first_rank: np.ndarray
    improvement: np.ndarray
    base_rank: np.ndarray


def final_ranks(
    g: Grid,
    rules: Rules,
    base_raw: np.ndarray,
    base: np.ndarray,
    net: np.ndarray,
    eligible: np.ndarray,
    base_ranks: Mapping[str, int] | None,
) -> FinalRanks:
    """From the base totals (P, C): + bonuses and penalties (`net`), the first ranking, the
    improvement points against base_ranks, the final total and the final ranking."""
    decimals = rules.total.decimals
    total_raw, total = base_raw + net, round_half_up(base + net, decimals)
    rank_by = total if rules.rank_on == "rounded" else total_raw
    county_rank = first_rank = _rank_in_groups(g, rank_by, eligible)
    improvement = np.zeros_like(total)
    base_rank = np.full(total.shape, np.nan)
    if rules.improvement is not None and base_ranks:
        base_rank, first_common = _common(g, rank_lookup(base_ranks, g)[None, :], first_rank)
        improvement = _improvement(rules, base_rank - first_common)
        first_rank = np.where(np.isnan(base_rank), first_rank, first_common)
        total_raw, total = total_raw + improvement, round_half_up(total + improvement, decimals)
        rank_by = total if rules.rank_on == "rounded" else total_raw
        county_rank = _rank_in_groups(g, rank_by, eligible)
    return FinalRanks(total_raw, total, county_rank, first_rank, improvement, base_rank)


# ---------------------------------------------------------------------------------- the basis


def basis_of(g: Grid, rules: Rules, cols: Sequence[int] | None = None) -> np.ndarray:
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
            out[:, idx] = growth_array(v[:, idx], g.prior[:, idx])
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


def _common(g: Grid, before: np.ndarray, after: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both rankings' places re-ranked over the counties ranked in both, per peer group."""
    return common_places(before, after, g.group_of, len(g.group_names))


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
