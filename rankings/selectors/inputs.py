"""What the scoring engine reads to score a period: approved values, counties, bonus and penalty
items, vetoes, and the stored ranks a period builds on. The one read behind a recompute, a what-if
preview and a rank-stability analysis.

engine_inputs() runs on every recompute, so it reads with plain SQL on one cursor, a statement
per kind of input (the ORM's compiling of each query cost more than the database's answer):
the stored ranks a period builds on come with the lookup of the run that holds them, and the
approved values come as doubles (CAST AS DOUBLE PRECISION rounds a decimal to the nearest
double, as float(Decimal) does). The SQL is portable (PostgreSQL and SQLite).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection

from counties.models import Period, Submission
from counties.selectors import exemptions_frame
from indicators.models import WHOLE_UNITS, RuleSet
from indicators.scoring import Rules

from ..models import RankingRun

VALUE_COLUMNS = ["county", "indicator", "period", "value", "prior_value"]
# The counties' column a rule set may group imputation by (missing_data.imputation_group).
IMPUTATION_COLUMN = "region"

# The current run of the period (year, month) (none, one: rankingrun_one_current).
CURRENT_RUN = (
    "SELECT r.id FROM rankings_rankingrun r JOIN counties_period p ON p.id = r.period_id"
    " WHERE p.year = %s AND p.month = %s AND r.is_current = %s"
)
# ... of last year's final period, the base of the improvement reward (进位奖励).
BASE_RUN = (
    "SELECT r.id FROM rankings_rankingrun r JOIN counties_period p ON p.id = r.period_id"
    " WHERE p.year = %s AND r.is_current = %s"
    " AND p.month = (SELECT MAX(month) FROM counties_period WHERE year = %s)"
)


def period_previous(period: Period) -> Period | None:
    """The month before in the same assessment year (January has none)."""
    if period.month == 1:
        return None
    return Period.objects.filter(year=period.year, month=period.month - 1).first()


def run_current(period: Period) -> RankingRun | None:
    return (
        RankingRun.objects.filter(period=period, is_current=True).select_related("ruleset").first()
    )


def _rows(sql: str, params: list[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _ranks(run_sql: str, params: list[Any]) -> dict[str, int]:
    """County code -> rank of the run that `run_sql` selects (no rows: none)."""
    rows = _rows(
        "SELECT c.code, cr.rank FROM rankings_countyresult cr"
        " JOIN counties_county c ON c.id = cr.county_id"
        f" WHERE cr.rank IS NOT NULL AND cr.run_id IN ({run_sql})",
        params,
    )
    return dict(rows)


def _base_ranks(run_sql: str, params: list[Any]) -> dict[str, int]:
    """base_ranks_of() of the run that `run_sql` selects, its annual rows and its ranks read in
    one statement."""
    rows = _rows(
        "SELECT 'annual', c.code, a.rank, a.flags FROM rankings_annualresult a"
        " JOIN counties_county c ON c.id = a.county_id"
        f" WHERE a.run_id IN ({run_sql})"
        " UNION ALL "
        "SELECT 'period', c.code, cr.rank, NULL FROM rankings_countyresult cr"
        " JOIN counties_county c ON c.id = cr.county_id"
        f" WHERE cr.rank IS NOT NULL AND cr.run_id IN ({run_sql})",
        [*params, *params],
    )
    annual = [(code, rank, _json(flags)) for kind, code, rank, flags in rows if kind == "annual"]
    if annual and not any("partial" in flags for _c, _r, flags in annual):
        return {code: rank for code, rank, _f in annual if rank is not None}
    return {code: rank for kind, code, rank, _f in rows if kind == "period"}


def _json(value: Any) -> Any:
    """A JSON column read with plain SQL: text (jsonb as Django's connection hands it, or
    SQLite's text), or already decoded."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def ranks_of_run(run: RankingRun | None) -> dict[str, int]:
    if run is None:
        return {}
    return _ranks("%s", [run.pk])


def base_ranks_of(run: RankingRun | None) -> dict[str, int]:
    """Last year's standing, the base of the improvement reward: its annual ranks (年度考核结果)
    where its final run holds a whole year's combination, else the final period's ranks."""
    if run is None:
        return {}
    return _base_ranks("%s", [run.pk])


def approved_values_frame(period: Period, indicator_codes: list[str]) -> pd.DataFrame:
    """Approved year-to-date values of the period, long form, as floats for the engine.

    Only approved submissions feed rankings. A county with none is simply absent (the engine
    flags it missing on every indicator).
    """
    if not indicator_codes:
        rows: list[tuple] = []
    else:
        rows = _rows(
            "SELECT c.code, i.code, CAST(v.value AS DOUBLE PRECISION),"
            " CAST(v.prior_value AS DOUBLE PRECISION)"
            " FROM counties_submissionvalue v"
            " JOIN counties_submission s ON s.id = v.submission_id"
            " JOIN counties_county c ON c.id = s.county_id"
            " JOIN indicators_indicator i ON i.id = v.indicator_id"
            f" WHERE s.period_id = %s AND s.status = %s AND i.code IN ({_marks(indicator_codes)})",
            [period.pk, Submission.Status.APPROVED.value, *indicator_codes],
        )
    columns = [list(column) for column in zip(*rows, strict=True)] if rows else [[]] * 4
    counties, indicators, values, priors = columns
    return pd.DataFrame(
        {
            "county": pd.Series(counties, dtype=object),
            "indicator": pd.Series(indicators, dtype=object),
            "period": period.key,
            "value": np.asarray(values, dtype="float64"),  # None (no figure) -> NaN
            "prior_value": np.asarray(priors, dtype="float64"),
        },
        columns=VALUE_COLUMNS,
    )


def _marks(items: list[Any]) -> str:
    return ", ".join(["%s"] * len(items))


def counties_frame() -> pd.DataFrame:
    """The active counties in their display order, with the region that groups them for
    imputation (missing_data.imputation_group "region"; "" in none)."""
    rows = _rows(
        "SELECT code, name, kind, is_ranked, region FROM counties_county WHERE is_active = %s"
        " ORDER BY display_order, code",
        [True],
    )
    frame = pd.DataFrame.from_records(
        rows, columns=["county", "name", "kind", "ranked", IMPUTATION_COLUMN]
    )
    if not frame.empty:
        frame["ranked"] = frame["ranked"].astype(bool)  # SQLite answers 0 and 1
    return frame


def bonuses_frame(period: Period) -> pd.DataFrame:
    rows = _rows(
        "SELECT c.code, CAST(b.points AS DOUBLE PRECISION), b.reason FROM rankings_bonusitem b"
        " JOIN counties_county c ON c.id = b.county_id WHERE b.period_id = %s"
        " ORDER BY c.display_order, b.id",
        [period.pk],
    )
    return pd.DataFrame.from_records(
        [(c, period.key, p, r) for c, p, r in rows],
        columns=["county", "period", "points", "reason"],
    )


def vetoed_codes(year: int) -> list[str]:
    rows = _rows(
        "SELECT c.code FROM rankings_veto v JOIN counties_county c ON c.id = v.county_id"
        " WHERE v.year = %s",
        [year],
    )
    return sorted(code for (code,) in rows)


def whole_unit_codes(codes: list[str]) -> list[str]:
    """Which of `codes` are counted in whole units (a count unit, or no decimals)."""
    if not codes:
        return []
    units = sorted(str(unit) for unit in WHOLE_UNITS)
    rows = _rows(
        f"SELECT code FROM indicators_indicator WHERE code IN ({_marks(codes)})"
        f" AND (unit IN ({_marks(units)}) OR decimals = 0)",
        [*codes, *units],
    )
    return sorted(code for (code,) in rows)


def previous_ranks_of(period: Period) -> dict[str, int]:
    """The stored ranks of the month before (its current run), the base of the rank change;
    none in January or before that month has a current run."""
    if period.month == 1:
        return {}
    return _ranks(CURRENT_RUN, [period.year, period.month - 1, True])


def base_ranks_for(period: Period) -> dict[str, int]:
    """base_ranks_of() the current run of last year's final period (none: {})."""
    return _base_ranks(BASE_RUN, [period.year - 1, True, period.year - 1])


@dataclass(frozen=True)
class EngineInputs:
    """Everything the engine reads to score a period, besides the rules."""

    values: pd.DataFrame
    counties: pd.DataFrame
    bonuses: pd.DataFrame
    vetoes: list[str]
    previous_ranks: dict[str, int]  # last month's stored ranks (rank change)
    base_ranks: dict[str, int]  # last year's final ranks (improvement bonus)
    whole: list[str] = field(default_factory=list)  # indicators counted in whole units
    # the year's published targets in the terms of each indicator's basis, for the methods
    # that score against a county's own target (own_target); None: the year has none
    targets: pd.DataFrame | None = None
    target_set: Any = None  # the year's published TargetSet they come from, or None
    # 不考核: the rule set's exemptions of active counties (county, indicator, reason codes);
    # None: the rule set has none
    exemptions: pd.DataFrame | None = None

    def as_kwargs(self) -> dict:
        """score()'s keyword arguments (empty rank maps as None)."""
        return {
            "bonuses": self.bonuses,
            "vetoes": self.vetoes,
            "base_ranks": self.base_ranks or None,
            "previous_ranks": self.previous_ranks or None,
            "targets": self.targets,
            "exemptions": self.exemptions,
        }


def scoring_targets(target_set, rules: Rules) -> pd.DataFrame | None:
    """The year's published targets (`target_set`, or None) as the engine scores against them:
    the counties' rows of the indicators the rules score, where the target's kind is the basis'
    terms (a growth target for a growth basis, a value target for a value basis; a ratio basis
    takes none)."""
    from targets.selectors import CITY_CODE, targets_frame

    if target_set is None:
        return None
    frame = targets_frame(target_set)
    kinds = {i.code: i.basis.type for i in rules.indicators}
    in_terms = frame["indicator"].map(kinds) == frame["target_kind"]
    keep = frame["county"].ne(CITY_CODE) & in_terms
    return frame[keep].reset_index(drop=True)


def scoring_exemptions(
    ruleset: RuleSet | int | None, counties: pd.DataFrame
) -> pd.DataFrame | None:
    """The rule set's exemptions (不考核) of the counties scored (an inactive county's are left
    out: the engine knows only the counties it is given); None when there are none."""
    frame = exemptions_frame(ruleset)
    frame = frame[frame["county"].isin(counties["county"])].reset_index(drop=True)
    return frame if len(frame) else None


def engine_inputs(period: Period, rules: Rules, *, ruleset: RuleSet | int | None) -> EngineInputs:
    """The approved values of the rules' indicators (and ratio denominators), the counties,
    bonus and penalty items, vetoes, the exemptions of `ruleset` (the rule set `rules` come
    from: the published one of a recompute, the draft of a preview; None: no exemptions) and
    the stored ranks a period's scoring builds on. The one read behind a recompute, a what-if
    preview and a stability analysis: eight statements and the year's published target set."""
    codes = sorted(
        {i.code for i in rules.indicators}
        | {i.basis.denominator for i in rules.indicators if i.basis.denominator}
    )
    from targets.selectors import published_target_set

    target_set = published_target_set(period.year)  # read once: progress takes it from here
    counties = counties_frame()
    return EngineInputs(
        values=approved_values_frame(period, codes),
        counties=counties,
        exemptions=scoring_exemptions(ruleset, counties),
        bonuses=bonuses_frame(period),
        vetoes=vetoed_codes(period.year),
        targets=scoring_targets(target_set, rules),
        target_set=target_set,
        previous_ranks=previous_ranks_of(period),
        base_ranks=base_ranks_for(period),
        whole=whole_unit_codes(codes),
    )
