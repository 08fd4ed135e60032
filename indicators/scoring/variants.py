"""One period scored again with one county's value changed, for many such variants at once.

gaps.py asks, for every county and indicator, what one changed value would bring. Scoring the
whole period again for each variant costs (counties x indicators) per variant, so a province
month would cost the square of its grid. Here a variant costs what its change reaches:

1. Only the changed indicator j and the ratios over j have new bases (`affected`), and only at
   the changed county c.
2. On those indicators, the counties whose scores move are found from the base period:
   - methods that compare nothing (goalposts, target, stepped): c alone;
   - rank methods (rank points, threshold then rank): c and the counties c passes or stops
     passing, found on the group's sorted reference values;
   - efficacy, when c neither is nor becomes the best or worst reference value, and an invalid
     base (which takes the worst value) sees no change: c alone;
   - otherwise (z-score always: the mean and deviation move; efficacy at an extreme; a set
     whose worst value changes while some county takes it) every county of the grid is
     scored afresh on those indicators, as score() does ("dense" variants).
3. For the counties whose shares moved, the categories holding those indicators and then their
   totals are added up again from the base's other shares; everyone else keeps the base's.
4. The variant's county's new place: 1 + the eligible counties of its group ahead of it, from
   the base's sorted totals corrected by the counties the variant moved.

Categories and totals are added up item by item in a fixed order (aggregate.weighted_mean), and
the methods are the engine's own, so each variant's figures are what score() gives for the
changed period. tests/indicators/scoring/test_scoring_gaps.py checks every gap against score().
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import NamedTuple

import numpy as np

from .aggregate import category_subtotals, total_of
from .comparison import OneChange, param_arrays, score_indicators
from .coverage import applies, tally
from .engine import (
    GridScores,
    basis_of,
    final_ranks,
    indicator_points,
    indicator_weights,
    scheduled_mask,
    shares_used,
)
from .grid import Grid
from .methods import METHODS, MethodInput
from .params import TARGET_METHODS
from .rounding import round_half_up
from .rules import Rules

FULL_CELLS = 2_000_000
RANK_METHODS = frozenset({"rank_points", "threshold_rank"})
LOCAL_METHODS = frozenset({"goalposts", "target", "stepped"})  # a county's own basis only


class Moved(NamedTuple):
    """New shares of the (variant, county, affected indicator) entries that a change moved."""

    v: np.ndarray  # variant
    c: np.ndarray  # county
    q: np.ndarray  # position in the affected indicators
    share: np.ndarray  # the share its category aggregates
    s: np.ndarray  # the method's normalised score


class Outcome(NamedTuple):
    rank: np.ndarray  # the county's new rank on the changed indicator
    basis: np.ndarray  # its new basis there
    total: np.ndarray  # its new total
    place: np.ndarray  # its new place


def affected(rules: Rules, j: int) -> list[int]:
    """The indicators whose basis changes with indicator j's value: j and the ratios over it."""
    code = rules.indicators[j].code
    return [j] + [
        k
        for k, i in enumerate(rules.indicators)
        if k != j and i.basis.type == "ratio" and i.basis.denominator == code
    ]


class _Set(NamedTuple):
    """One affected indicator in one peer group of the base period: its reference values
    (direction applied) sorted, with their counties, and the extremes."""

    values: np.ndarray
    counties: np.ndarray
    best: float
    worst: float
    has_invalid: bool  # a scheduled county with an invalid base takes the worst value


class Variants:
    """Variants of the one period of `g`, scored from `base` (its score_grid() result)."""

    def __init__(
        self,
        g: Grid,
        rules: Rules,
        base: GridScores,
        own_targets: bool,
        net: np.ndarray,
        base_ranks: Mapping[str, int] | None,
    ):
        self.g, self.rules, self.base, self.net = g, rules, base, net
        self.own_targets = own_targets
        self.base_ranks = base_ranks
        self.scheduled = scheduled_mask(rules, g.months)  # (1, I)
        self.s_used = shares_used(rules, base.s, base.points)  # (1, I, C)
        # exemptions or missing-data policies: a county's shares depend on one another (and,
        # by imputation, on other counties'): totals are added up again over the whole grid
        self.full = applies(rules, g.exempt)
        self.weight = indicator_weights(rules)
        codes = [c.code for c in rules.categories]
        self.cat_of = np.array([codes.index(i.category) for i in rules.indicators])
        self.incomplete = (base.flags_c[0] & 2).astype(bool)  # (C,)
        self.eligible = g.ranked & np.isfinite(base.base[0])  # (C,)
        self.by_improvement = rules.improvement is not None and bool(base_ranks)
        self.sign = np.array([1.0 if i.direction == "higher" else -1.0 for i in rules.indicators])
        # what the base period ranks on, and its sorted values per peer group
        if rules.rank_on == "rounded":
            self.rank_by = base.total[0]
        else:
            self.rank_by = base.base_raw[0] + net[0]
        self.ladders = {
            int(grp): np.sort(self.rank_by[self.eligible & (g.group_of == grp)])
            for grp in np.unique(g.group_of)
        }
        self._sets: dict[tuple[int, int], _Set] = {}

    # ------------------------------------------------------------------------------ the driver

    def score(self, j: int, cs: np.ndarray, values: np.ndarray) -> Outcome:
        """For county cs[k] taking values[k] on indicator j: its new rank and basis on j, its
        new total and its new place."""
        cols = affected(self.rules, j)  # j first
        new_basis = self._new_bases(cols, cs, values)  # (n, A)
        local = self._local(cols, cs, new_basis)
        n = len(cs)
        rank = np.empty(n)
        parts: list[Moved] = []
        for idx, dense in ((np.flatnonzero(local), False), (np.flatnonzero(~local), True)):
            if not len(idx):
                continue
            if dense:
                r, moved = self._dense(cols, cs[idx], values[idx])
            else:
                r, moved = self._sparse(cols, cs[idx], new_basis[idx])
            rank[idx] = r
            parts.append(moved._replace(v=idx[moved.v]))
        moved = Moved(*(np.concatenate(x) for x in zip(*parts, strict=True)))
        total, place = self._totals(cols, cs, moved)
        return Outcome(rank, new_basis[:, 0], total, place)

    def _new_bases(self, cols: list[int], cs: np.ndarray, values: np.ndarray) -> np.ndarray:
        """The affected indicators' bases of each variant's county, (n, A)."""
        g = self.g
        sub_rules, need = self._sub_rules(cols)
        n = len(cs)
        value = g.value[0][need][:, cs].T[:, :, None].copy()  # (n, need, 1)
        value[:, 0, 0] = values
        one = replace(
            g,
            periods=[g.periods[0]] * n,
            months=np.repeat(g.months, n),
            counties=[g.counties[0]],
            codes=[g.codes[x] for x in need],
            value=value,
            prior=g.prior[0][need][:, cs].T[:, :, None].copy(),
            imputation_of=None,
            exempt=None,
        )
        return basis_of(one, sub_rules)[:, :, 0]

    def _sub_rules(self, cols: list[int]) -> tuple[Rules, list[int]]:
        """Rules of the affected indicators alone, and the grid columns their bases read."""
        g = self.g
        sub_rules = replace(self.rules, indicators=tuple(self.rules.indicators[x] for x in cols))
        extra = [
            g.codes.index(str(i.basis.denominator))
            for i in sub_rules.indicators
            if i.basis.type == "ratio"
        ]
        return sub_rules, cols + [x for x in dict.fromkeys(extra) if x not in cols]

    # ------------------------------------------------------------------ which variants are local

    def _set(self, x: int, grp: int) -> _Set:
        """Indicator x in peer group grp of the base period (cached)."""
        key = (x, grp)
        if key not in self._sets:
            g, base = self.g, self.base
            members = np.flatnonzero(g.group_of == grp)
            xd = base.basis[0, x, members] * self.sign[x]
            ref = base.valid[0, x, members] & g.ranked[members]
            order = np.argsort(xd[ref], kind="stable")
            values = xd[ref][order]
            sched = bool(self.scheduled[0, x])
            invalid = (
                sched & ~np.isnan(base.value[0, x, members]) & np.isnan(base.basis[0, x, members])
            )
            self._sets[key] = _Set(
                values=values,
                counties=members[ref][order],
                best=float(values[-1]) if len(values) else np.nan,
                worst=float(values[0]) if len(values) else np.nan,
                has_invalid=bool(invalid.any()),
            )
        return self._sets[key]

    def _local(self, cols: list[int], cs: np.ndarray, new_basis: np.ndarray) -> np.ndarray:
        """Whether each variant moves only its own county and the counties it passes, on every
        affected indicator (the others are scored densely)."""
        g, base = self.g, self.base
        ok = np.ones(len(cs), dtype=bool)
        # an unranked county outside every group is compared with all ranked counties: its
        # score is of no total, so it never matters here
        ok &= g.group_of[cs] >= 0
        for q, x in enumerate(cols):
            ind = self.rules.indicators[x]
            if not self.scheduled[0, x]:
                continue  # not scored this month: nothing moves
            if ind.method not in RANK_METHODS | LOCAL_METHODS | {"efficacy"}:
                ok[:] = False
                break
            old = base.basis[0, x, cs] * self.sign[x]
            new = new_basis[:, q] * self.sign[x]
            was_ref = base.valid[0, x, cs]
            ok &= was_ref & np.isfinite(new)
            if ind.method in LOCAL_METHODS:
                continue
            for grp in np.unique(g.group_of[cs]):
                if grp < 0:
                    continue
                st = self._set(x, int(grp))
                mine = g.group_of[cs] == grp
                at_edge = (
                    (old[mine] >= st.best)
                    | (old[mine] <= st.worst)
                    | (new[mine] >= st.best)
                    | (new[mine] <= st.worst)
                )
                if ind.method == "efficacy" or st.has_invalid:
                    ok[mine] &= ~at_edge
        return ok

    # ------------------------------------------------------------------------- local variants

    def _sparse(
        self, cols: list[int], cs: np.ndarray, new_basis: np.ndarray
    ) -> tuple[np.ndarray, Moved]:
        """Local variants: the county's own entries and the counties it passes."""
        g, base = self.g, self.base
        n, k = len(cs), np.arange(len(cs))
        moved: list[Moved] = []
        own_rank = np.empty(n)
        for q, x in enumerate(cols):
            ind = self.rules.indicators[x]
            sign = self.sign[x]
            old = base.basis[0, x, cs] * sign
            new = new_basis[:, q] * sign
            rank_c = np.empty(n)
            ev, ec, erank = [k], [cs], []  # the entries scored: each variant's county first
            passed_v, passed_c, passed_rank = [], [], []
            for grp in np.unique(g.group_of[cs]):
                st = self._set(x, int(grp))
                mine = np.flatnonzero(g.group_of[cs] == grp)
                # the county's rank among the others: 1 + those strictly ahead
                ahead = len(st.values) - np.searchsorted(st.values, new[mine], side="right")
                rank_c[mine] = 1.0 + ahead - (old[mine] > new[mine])
                if ind.method in RANK_METHODS:
                    lo = np.searchsorted(st.values, np.minimum(old[mine], new[mine]), "left")
                    hi = np.searchsorted(st.values, np.maximum(old[mine], new[mine]), "left")
                    length = hi - lo
                    at = np.repeat(lo - np.cumsum(length) + length, length) + np.arange(
                        length.sum()
                    )
                    who = np.repeat(mine, length)
                    county = st.counties[at]
                    keep = county != cs[who]
                    who, county = who[keep], county[keep]
                    step = np.where(new[who] > old[who], 1.0, -1.0)
                    passed_v.append(who)
                    passed_c.append(county)
                    passed_rank.append(base.rank[0, x, county] + step)
            erank.append(rank_c)
            if passed_v:
                ev += passed_v
                ec += passed_c
                erank += passed_rank
            v_all = np.concatenate(ev)
            c_all = np.concatenate(ec)
            r_all = np.concatenate(erank)
            xd = base.basis[0, x, c_all] * sign
            xd[:n] = new
            share, s_new = self._evaluate(x, xd, r_all, c_all, cs[v_all])
            changed = self._changed(x, c_all, share, s_new)
            changed[:n] = True
            moved.append(
                Moved(
                    v_all[changed],
                    c_all[changed],
                    np.full(changed.sum(), q),
                    share[changed],
                    s_new[changed],
                )
            )
            if q == 0:
                own_rank = np.where(g.ranked[cs], rank_c, np.nan)
        return own_rank, Moved(*(np.concatenate(x) for x in zip(*moved, strict=True)))

    def _changed(
        self, x: int | np.ndarray, c: np.ndarray, share: np.ndarray, s: np.ndarray
    ) -> np.ndarray:
        """Whether each entry's share (its score, on the full path) differs from the base's."""
        new, was = (s, self.base.s[0, x, c]) if self.full else (share, self.s_used[0, x, c])
        return ~((new == was) | (np.isnan(new) & np.isnan(was)))

    def _evaluate(
        self, x: int, xd: np.ndarray, rank: np.ndarray, county: np.ndarray, of: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """The share and the normalised score of indicator x of each entry (a county with basis
        xd and rank), by the engine's method, against the extremes of the group of county
        `of`."""
        ind = self.rules.indicators[x]
        sign = self.sign[x]
        one = replace(self.rules, indicators=(ind,))
        params = _params(one, ind.method)
        if self.own_targets and ind.method in TARGET_METHODS:
            params = {**params, "target": self.base.target[0, x, county][None, None, :]}
        extremes = None
        if ind.method == "efficacy":
            best = np.empty(len(xd))
            worst = np.empty(len(xd))
            for grp in np.unique(self.g.group_of[of]):
                st = self._set(x, int(grp))
                mine = self.g.group_of[of] == grp
                best[mine], worst[mine] = st.best, st.worst
            extremes = (best[None, None, :], worst[None, None, :])
        m = MethodInput(
            x=(xd * sign)[None, None, :],
            xd=xd[None, None, :],
            sign=np.array([[[sign]]]),
            rank=rank[None, None, :],
            ref=np.ones((1, 1, len(xd)), dtype=bool),
            weight=np.array([[[float(ind.weight)]]]),
            params=params,
            extremes=extremes,
        )
        s = METHODS[ind.method](m)
        sched3 = np.broadcast_to(self.scheduled[:, [x]][:, :, None], s.shape)
        s, _, share = indicator_points(one, s, sched3)
        return share[0, 0], s[0, 0]

    # ------------------------------------------------------------------------- dense variants

    def _dense(
        self, cols: list[int], cs: np.ndarray, values: np.ndarray
    ) -> tuple[np.ndarray, Moved]:
        """Variants scored afresh on the affected indicators over every county of their peer
        group (the only counties with a total that the change can move)."""
        g = self.g
        rank = np.empty(len(cs))
        parts = []
        for grp in np.unique(g.group_of[cs]):
            mine = np.flatnonzero(g.group_of[cs] == grp)
            members = np.flatnonzero(g.group_of == grp) if grp >= 0 else np.arange(len(g.counties))
            r, moved = self._dense_in(cols, cs[mine], values[mine], members)
            rank[mine] = r
            parts.append(moved._replace(v=mine[moved.v], c=members[moved.c]))
        return rank, Moved(*(np.concatenate(x) for x in zip(*parts, strict=True)))

    def _dense_in(
        self, cols: list[int], cs: np.ndarray, values: np.ndarray, members: np.ndarray
    ) -> tuple[np.ndarray, Moved]:
        """_dense() over the counties `members` (positions in the grid); the Moved entries'
        counties are positions among them."""
        g, base = self.g, self.base
        sub_rules, need = self._sub_rules(cols)
        n, k = len(cs), np.arange(len(cs))
        pos = np.searchsorted(members, cs)
        value = np.repeat(g.value[:, need][:, :, members], n, axis=0)
        value[k, 0, pos] = values
        sub = replace(
            g,
            periods=[g.periods[0]] * n,
            months=np.repeat(g.months, n),
            counties=[g.counties[c] for c in members],
            names=[g.names[c] for c in members],
            ranked=g.ranked[members],
            group_of=g.group_of[members],
            codes=[g.codes[x] for x in need],
            value=value,
            prior=np.repeat(g.prior[:, need][:, :, members], n, axis=0),
            imputation_of=None,
            exempt=None,
        )
        basis = basis_of(sub, sub_rules)
        sched3 = self.scheduled[:, cols][:, :, None]
        missing = np.isnan(value[:, : len(cols)])
        invalid = ~missing & np.isnan(basis)
        valid = ~missing & ~invalid & sched3
        if g.exempt is not None:  # exempted counties are not scored
            kept = ~g.exempt[cols][:, members][None]
            invalid, valid = invalid & kept, valid & kept
        target = None
        if self.own_targets:
            target = np.repeat(base.target[:, cols][:, :, members], n, axis=0)
        change = OneChange(
            base.basis[:, cols][:, :, members], base.valid[:, cols][:, :, members], pos
        )
        s, place, _ = score_indicators(
            sub, sub_rules, basis, valid, invalid & sched3, target=target, one_change=change
        )
        s, _, share = indicator_points(sub_rules, s, sched3)
        x3 = np.array(cols)[None, :, None]
        changed = self._changed(x3, members[None, None, :], share, s)  # (n, A, U)
        changed[k, :, pos] = True
        v, q, c = np.nonzero(changed)
        rank = np.where(g.ranked[cs], place[k, 0, pos], np.nan)
        return rank, Moved(v, c, q, share[v, q, c], s[v, q, c])

    # ------------------------------------------------------------------------ totals and places

    def _totals(
        self, cols: list[int], cs: np.ndarray, moved: Moved
    ) -> tuple[np.ndarray, np.ndarray]:
        """New totals of the (variant, county) pairs the variants moved; each variant's
        county's new total and place."""
        if self.full:
            return self._totals_full(cols, cs, moved)
        g, rules, base = self.g, self.rules, self.base
        n_c, n = len(g.counties), len(cs)
        k = np.arange(n)
        keys = np.unique(np.concatenate([moved.v * n_c + moved.c, k * n_c + cs]))
        vi, ci = keys // n_c, keys % n_c
        at = np.searchsorted(keys, moved.v * n_c + moved.c)  # each entry's pair
        subs = base.sub[0][:, ci].T.copy()  # (m, K)
        for cat in np.unique(self.cat_of[cols]):
            members = np.flatnonzero(self.cat_of == cat)
            shares = self.s_used[0][members][:, ci].T.copy()  # (m, members)
            for q, x in enumerate(cols):
                if self.cat_of[x] == cat:
                    mine = moved.q == q
                    shares[at[mine], int(np.searchsorted(members, x))] = moved.share[mine]
            cat_rules = replace(
                rules,
                indicators=tuple(rules.indicators[x] for x in members),
                categories=(rules.categories[cat],),
            )
            _, rounded, _ = category_subtotals(
                cat_rules, shares[:, :, None], self.scheduled[:, members], self.weight[members]
            )
            subs[:, cat] = rounded[:, 0, 0]
        raw, rounded = total_of(rules, subs[:, :, None], base.part[0][None, :])
        gone = self.incomplete[ci]
        new_raw = np.where(gone, np.nan, raw[:, 0])
        new_base = np.where(gone, np.nan, rounded[:, 0])

        if self.by_improvement:  # improvement points move everyone's total: rank them all
            base_raw = np.repeat(base.base_raw, n, axis=0)
            base_total = np.repeat(base.base, n, axis=0)
            base_raw[vi, ci], base_total[vi, ci] = new_raw, new_base
            eligible = np.broadcast_to(self.eligible, base_total.shape)
            ranks = final_ranks(g, rules, base_raw, base_total, self.net, eligible, self.base_ranks)
            return ranks.total[k, cs], ranks.county_rank[k, cs]
        net = self.net[0, ci]
        new_total = round_half_up(new_base + net, rules.total.decimals)
        new_by = new_total if rules.rank_on == "rounded" else new_raw + net
        mine_at = np.searchsorted(keys, k * n_c + cs)
        mine = new_by[mine_at]  # (n,) each variant's own county
        # 1 + the eligible counties of its group strictly ahead: the base's, less the counties
        # the variant moved as they were, plus them as they are now
        ahead = self._ahead(mine, g.group_of[cs])
        counts = self.eligible[ci] & (g.group_of[ci] == g.group_of[cs][vi])
        was = counts & (self.rank_by[ci] > mine[vi])
        now = counts & (new_by > mine[vi])
        ahead = ahead + np.bincount(vi, weights=now.astype(float) - was, minlength=n)
        return new_total[mine_at], 1.0 + ahead

    def _totals_full(
        self, cols: list[int], cs: np.ndarray, moved: Moved
    ) -> tuple[np.ndarray, np.ndarray]:
        """_totals() when exemptions or missing-data policies apply: every variant's grid is
        added up again as score() does (coverage.tally), then ranked; in chunks of at most
        FULL_CELLS (variant, indicator, county) cells."""
        g, rules, base = self.g, self.rules, self.base
        n_i, n_c = base.s.shape[1:]
        missing = (base.flags_i[0] & 1).astype(bool)[None]  # (1, I, C)
        x_of = np.array(cols)[moved.q]
        total, place = np.empty(len(cs)), np.empty(len(cs))
        step = max(1, FULL_CELLS // max(1, n_i * n_c))
        for start in range(0, len(cs), step):
            stop = min(start + step, len(cs))
            n, k = stop - start, np.arange(stop - start)
            s = np.repeat(base.s, n, axis=0)
            mine = (moved.v >= start) & (moved.v < stop)
            s[moved.v[mine] - start, x_of[mine], moved.c[mine]] = moved.s[mine]
            t = tally(
                rules,
                s,
                np.repeat(self.scheduled, n, axis=0),
                np.repeat(missing, n, axis=0),
                g.exempt,
                imputation_of=g.imputation_of,
                ranked=g.ranked,
            )
            eligible = g.ranked[None, :] & np.isfinite(t.base)
            ranks = final_ranks(g, rules, t.base_raw, t.base, self.net, eligible, self.base_ranks)
            total[start:stop] = ranks.total[k, cs[start:stop]]
            place[start:stop] = ranks.county_rank[k, cs[start:stop]]
        return total, place

    def _ahead(self, score: np.ndarray, group: np.ndarray) -> np.ndarray:
        """How many eligible counties of each group score strictly more than `score` in the
        base period."""
        out = np.zeros(len(score))
        for grp, ladder in self.ladders.items():
            mine = group == grp
            out[mine] = len(ladder) - np.searchsorted(ladder, score[mine], side="right")
        return out


def _params(rules: Rules, method: str) -> dict[str, np.ndarray]:
    return param_arrays(rules, [0], method)
