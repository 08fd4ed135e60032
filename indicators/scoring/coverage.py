"""Exemptions (不考核) and missing values as the rule set's policies say (docs/rules.md §11).

Without exemptions and with every category's missing policy "zero", a missing value scores 0 and
this module is not used: engine.score_grid keeps its plain path. Otherwise `tally` takes the
methods' normalised scores and does steps 3 and 4 of the engine (points, category subtotals, the
total, incomplete counties) with the policies:

- An exempted (county, indicator) is not scored, not missing and not counted in the missing share
  (unless `count_exempt`). Its weight, by `missing_data.exemptions`:
  - "pro_rata": its share is the county's points rate on its other scored indicators of the
    category (Σ points / Σ weights; with `pro_rata_level` "total", of all categories; a category
    with no other scored indicator takes the total-level rate), and its points are
    weight × rate (按该县区其余指标得分率折算);
  - "redistribute": its weight is spread over the category's other scheduled indicators in
    proportion to their weights, so each of them scores out of weight × W / (W − exempted);
    the exempted indicator has no points; a category with nothing left is left out of the total;
  - "zero": 0 points out of its weight.
- A category's missing policy:
  - "zero": a missing value scores 0 out of its weight;
  - "available": the category is the weighted mean over the county's available (reported)
    indicators, weights renormalised; with none, the category is left out of the total, whose
    weights are renormalised over the categories left;
  - "impute_group": as "available", and a category with nothing reported (but something to
    report) takes the mean published subtotal of the ranked counties of the county's imputation
    group (`missing_data.imputation_group`, a column of the counties table) that reported in it;
    with no such county, 0.
- A county is incomplete when its missing indicators are more than missing_share_max of its
  scheduled ones. Exempted indicators are in neither count (with `count_exempt`, they count as
  missing); missing indicators of an imputed category count unless `count_imputed` is false.

Everything works on arrays (periods or samples, indicators, counties), with the indicator and
category weights as arrays too, so that rank_stability and gaps run the same steps.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .aggregate import weighted_mean
from .rounding import round_half_up
from .rules import Rules


class Tally(NamedTuple):
    s: np.ndarray  # (P, I, C) the shares shown: exempted ones converted, NaN where not scored
    points: np.ndarray  # (P, I, C)
    s_used: np.ndarray  # (P, I, C) the share each category aggregates
    weight: np.ndarray  # (P, I, C) each entry's weight in its category's mean
    sub_raw: np.ndarray  # (P, K, C)
    sub: np.ndarray  # (P, K, C)
    counted: np.ndarray  # (P, K, C) whether the category counts in the county's total
    imputed: np.ndarray  # (P, K, C)
    base_raw: np.ndarray  # (P, C), NaN for incomplete counties
    base: np.ndarray  # (P, C)
    incomplete: np.ndarray  # (P, C)
    missing: np.ndarray  # (P, I, C) scheduled, not exempted, without a value
    exempt: np.ndarray  # (P, I, C) scheduled and exempted


def applies(rules: Rules, exempt: np.ndarray | None) -> bool:
    """Whether the policies can change anything: an exemption, or a category that does not
    score a missing value as 0."""
    return (exempt is not None and bool(exempt.any())) or rules.treats_missing


def membership(rules: Rules) -> tuple[np.ndarray, np.ndarray]:
    """Each indicator's category position (I,) and the one-hot (I, K)."""
    codes = [c.code for c in rules.categories]
    cat_of = np.array([codes.index(i.category) for i in rules.indicators], dtype=np.intp)
    member = np.zeros((len(cat_of), len(codes)))
    member[np.arange(len(cat_of)), cat_of] = 1.0
    return cat_of, member


def tally(
    rules: Rules,
    s: np.ndarray,
    scheduled: np.ndarray,
    missing: np.ndarray,
    exempt: np.ndarray | None,
    *,
    imputation_of: np.ndarray | None,
    ranked: np.ndarray,
    ind_weight: np.ndarray | None = None,
    cat_weight: np.ndarray | None = None,
) -> Tally:
    """Points, subtotals and base totals from the methods' scores s (P, I, C), NaN where not
    scored.

    scheduled (P, I); missing (P, I, C): no value; exempt (I, C) or None; imputation_of (C,)
    each county's imputation group (-1: none) or None; ranked (C,). ind_weight (W, I) and
    cat_weight (W, K), W 1 or P: the weights (default the rules')."""
    md = rules.missing_policy
    cat_of, member = membership(rules)
    n_p, n_i, n_c = s.shape
    if ind_weight is None:
        ind_weight = np.array([[float(i.weight) for i in rules.indicators]])
    if cat_weight is None:
        cat_weight = np.array([[float(c.weight) for c in rules.categories]])
    dec = rules.indicator_decimals
    sched3 = np.broadcast_to(scheduled[:, :, None], s.shape)
    ex = sched3 & (False if exempt is None else exempt[None, :, :])
    miss = missing & sched3 & ~ex
    drop_cat = np.array([c.missing != "zero" for c in rules.categories])
    drop = miss & drop_cat[cat_of][None, :, None]  # missing and left out of its category

    w_nom = np.broadcast_to(ind_weight[:, :, None], (ind_weight.shape[0], n_i, n_c))
    w_sched = np.where(sched3, w_nom, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if md.exemptions == "redistribute":
            whole = _per_category(w_sched, member)
            kept = _per_category(np.where(ex, 0.0, w_sched), member)
            factor = np.where(kept > 0, whole / kept, 0.0)[:, cat_of, :]
            w_eff = np.where(ex, 0.0, w_nom * factor)
        else:
            w_eff = w_nom
        s0 = np.where(sched3, np.where(np.isnan(s) | ex, 0.0, s), np.nan)
        points = round_half_up(w_eff * s0, dec)
        s_used = s0 if dec is None else np.where(w_eff > 0, points / w_eff, s0)
        w_mean = np.where(drop | ~sched3, 0.0, w_eff)

        if md.exemptions == "pro_rata" and ex.any():
            others = np.where(ex, 0.0, w_mean)
            part = np.where(others > 0, others * s_used, 0.0)
            num, den = _per_category(part, member), _per_category(others, member)
            all_num, all_den = num.sum(axis=1), den.sum(axis=1)
            rate_total = np.where(all_den > 0, all_num / all_den, 0.0)[:, None, :]
            if md.pro_rata_level == "category":
                rate = np.where(den > 0, num / den, rate_total)
            else:
                rate = np.broadcast_to(rate_total, num.shape)
            rate_i = rate[:, cat_of, :]
            pts_ex = round_half_up(w_nom * rate_i, dec)
            s0 = np.where(ex, rate_i, s0)
            points = np.where(ex, pts_ex, points)
            share_ex = rate_i if dec is None else np.where(w_nom > 0, pts_ex / w_nom, rate_i)
            s_used = np.where(ex, share_ex, s_used)
        elif md.exemptions == "redistribute":
            s0 = np.where(ex, np.nan, s0)
            points = np.where(ex, np.nan, points)
            s_used = np.where(ex, np.nan, s_used)

    geometric = np.array([c.aggregation == "geometric" for c in rules.categories])
    agg, counted = weighted_mean(s_used, w_mean, member, geometric)
    cw = cat_weight[:, :, None]
    sub_raw = cw * agg
    sub = sub_raw.copy()
    for k, c in enumerate(rules.categories):
        sub[:, k] = round_half_up(sub_raw[:, k], c.decimals)

    imputed = np.zeros(sub.shape, dtype=bool)
    impute_cat = np.array([c.missing == "impute_group" for c in rules.categories])
    if impute_cat.any() and imputation_of is not None:
        to_report = _per_category((sched3 & ~ex).astype(float), member) > 0
        reported = _per_category((sched3 & ~ex & ~miss).astype(float), member) > 0
        imputed = impute_cat[None, :, None] & to_report & ~reported
        if imputed.any():
            sub_raw, sub = _impute(rules, sub_raw, sub, counted, imputed, imputation_of, ranked)
            counted = counted | imputed

    total_geometric = np.array([rules.total.aggregation == "geometric"])
    with np.errstate(divide="ignore", invalid="ignore"):
        agg_t, _ = weighted_mean(
            sub / cw, np.where(counted, cw, 0.0), np.ones((member.shape[1], 1)), total_geometric
        )
    base_raw = rules.total.points_value * agg_t[:, 0, :]
    base = round_half_up(base_raw, rules.total.decimals)

    n_sched = sched3.sum(axis=1)
    n_exempt = ex.sum(axis=1)
    n_missing = miss.sum(axis=1)
    if not md.count_imputed:
        n_missing = n_missing - (miss & imputed[:, cat_of, :]).sum(axis=1)
    if md.count_exempt:
        n_missing = n_missing + n_exempt
    else:
        n_sched = n_sched - n_exempt
    incomplete = n_missing > float(rules.missing_share_max) * n_sched + 1e-9
    return Tally(
        s=s0,
        points=points,
        s_used=s_used,
        weight=w_eff,
        sub_raw=sub_raw,
        sub=sub,
        counted=counted,
        imputed=imputed,
        base_raw=np.where(incomplete, np.nan, base_raw),
        base=np.where(incomplete, np.nan, base),
        incomplete=incomplete,
        missing=miss,
        exempt=ex,
    )


def _per_category(a: np.ndarray, member: np.ndarray) -> np.ndarray:
    """(P, I, C) summed over each category's indicators, in indicator order: (P, K, C)."""
    out = np.zeros((a.shape[0], member.shape[1], a.shape[2]))
    for k in range(member.shape[1]):
        for i in np.flatnonzero(member[:, k]):
            out[:, k] = out[:, k] + a[:, i]
    return out


def _impute(
    rules: Rules,
    sub_raw: np.ndarray,
    sub: np.ndarray,
    counted: np.ndarray,
    imputed: np.ndarray,
    imputation_of: np.ndarray,
    ranked: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Each imputed (period, category, county) takes the mean published subtotal of the ranked
    counties of its imputation group that reported in the category (none: 0)."""
    sub_raw, sub = sub_raw.copy(), sub.copy()
    donors = counted & ~imputed & ranked[None, None, :] & (imputation_of >= 0)[None, None, :]
    for grp in np.unique(imputation_of):
        cols = np.flatnonzero(imputation_of == grp)
        take = imputed[:, :, cols]
        if not take.any():
            continue
        if grp < 0:
            mean = np.zeros(sub.shape[:2])
        else:
            d = donors[:, :, cols]
            n = d.sum(axis=2)
            total = np.where(d, sub[:, :, cols], 0.0).sum(axis=2)
            with np.errstate(divide="ignore", invalid="ignore"):
                mean = np.where(n > 0, total / n, 0.0)
        fill = np.broadcast_to(mean[:, :, None], take.shape)
        sub_raw[:, :, cols] = np.where(take, fill, sub_raw[:, :, cols])
        rounded = fill.copy()
        for k, c in enumerate(rules.categories):
            rounded[:, k] = round_half_up(fill[:, k], c.decimals)
        sub[:, :, cols] = np.where(take, rounded, sub[:, :, cols])
    return sub_raw, sub
