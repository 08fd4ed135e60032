"""The rows a recompute stores for its run, built a column at a time from the engine's frames.

The engine's results come as pandas frames; each stored table's columns are taken from them in
one pass each (no row objects, no per-row lookups of a frame) and written with one COPY per
table (scorecard.bulk.columns_insert; bulk_create where the database has no COPY). Numbers are
rounded as rankings.convert rounds them one at a time, so a stored decimal is the same whichever
way it was written.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
from django.db import connection

from indicators.scoring import Rules
from indicators.scoring.explain import explain_improvement, explain_total
from scorecard.bulk import columns_insert

from ..convert import decimal_or_none, flag_column, int_column, rounded_column
from ..models import CategoryResult, IndicatorReference, IndicatorResult

# The stored columns of a county result, in the order county_rows() gives each row's values.
COUNTY_FIELDS = [
    "run_id",
    "county_id",
    "base_total",
    "bonus",
    "penalty",
    "improvement",
    "base_rank",
    "first_rank",
    "vetoed",
    "total",
    "rank",
    "rank_change",
    "tier",
    "peer_group",
    "flags",
    "total_formula",
    "improvement_formula",
]


@dataclass(frozen=True)
class CodeIds:
    """Code -> primary key of every county, indicator and category."""

    counties: dict[str, int]
    indicators: dict[str, int]
    categories: dict[str, int]


def code_ids() -> CodeIds:
    """The three code -> id maps a run's rows are written with, in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'county', code, id FROM counties_county"
            " UNION ALL SELECT 'indicator', code, id FROM indicators_indicator"
            " UNION ALL SELECT 'category', code, id FROM indicators_category"
        )
        rows = cursor.fetchall()
    found: dict[str, dict[str, int]] = {"county": {}, "indicator": {}, "category": {}}
    for kind, code, pk in rows:
        found[kind][code] = pk
    return CodeIds(found["county"], found["indicator"], found["category"])


def _texts(values: Any) -> list[Any]:
    """A column's values as Python objects (a categorical column's labels, NaN where none)."""
    return values.tolist() if hasattr(values, "tolist") else list(values)


def _labels(values: Any, keep: bool = True) -> list[str]:
    """Text labels: each str value as it is, "" for none (NaN) or when not `keep`."""
    return [v if keep and isinstance(v, str) else "" for v in _texts(values)]


def county_rows(
    *,
    run_id: int,
    counties: pd.DataFrame,
    rules: Rules,
    county_ids: dict[str, int],
    grouped: bool,
) -> list[tuple]:
    """The period's county results, each a tuple in COUNTY_FIELDS order, with the total's and
    the improvement reward's formulas."""
    base_total = counties["base_total"].tolist()
    bonus = counties["bonus"].tolist()
    penalty = counties["penalty"].tolist()
    improvement = counties["improvement"].tolist()
    base_rank = counties["base_rank"].tolist()
    first_rank = counties["first_rank"].tolist()
    total_formulas = [
        explain_total(rules, base_total=t, bonus=b, penalty=p, improvement=i).formula
        for t, b, p, i in zip(base_total, bonus, penalty, improvement, strict=True)
    ]
    improvement_formulas = [
        explain_improvement(rules, base_rank=b, first_rank=f).formula
        for b, f in zip(base_rank, first_rank, strict=True)
    ]
    n = len(counties)
    # Decimals, not floats: these rows go through rows_insert, whose bulk_create path stores
    # what it is given (columns_insert turns floats into the same Decimals itself).
    return list(
        zip(
            [run_id] * n,
            [county_ids[c] for c in _texts(counties["county"])],
            [decimal_or_none(v) for v in base_total],
            [decimal_or_none(v) or Decimal(0) for v in bonus],
            [decimal_or_none(v) or Decimal(0) for v in penalty],
            [decimal_or_none(v) or Decimal(0) for v in improvement],
            int_column(base_rank),
            int_column(first_rank),
            [bool(v) for v in _texts(counties["vetoed"])],
            [decimal_or_none(v) for v in _texts(counties["total"])],
            int_column(counties["rank"]),
            int_column(counties["rank_change"]),
            _labels(counties["tier"]),
            _labels(counties["group"], grouped),
            flag_column(_texts(counties["flags"])),
            total_formulas,
            improvement_formulas,
            strict=True,
        )
    )


def category_results_write(*, run_id: int, categories: pd.DataFrame, ids: CodeIds) -> int:
    return columns_insert(
        CategoryResult,
        {
            "run_id": [run_id] * len(categories),
            "county_id": [ids.counties[c] for c in _texts(categories["county"])],
            "category_id": [ids.categories[c] for c in _texts(categories["category"])],
            "subtotal": rounded_column(categories["subtotal"]),
            "rank": int_column(categories["rank"]),
            "flags": flag_column(_texts(categories["flags"])),
        },
    )


# The gap_* columns of an indicator result without a gap.
NO_GAP = (None, None, None, None, None, "")


def _gap_columns(gaps: pd.DataFrame | None) -> dict[tuple[str, str], tuple]:
    """(county, indicator) -> the gap_* columns of its indicator result: target basis and
    value, the place and the total's place it would reach, the points it would gain, the
    kind of gap."""
    if gaps is None or gaps.empty:
        return {}
    return dict(
        zip(
            zip(_texts(gaps["county"]), _texts(gaps["indicator"]), strict=True),
            zip(
                rounded_column(gaps["target_basis"]),
                rounded_column(gaps["target_value"], 4),
                int_column(gaps["new_rank"]),
                int_column(gaps["new_total_rank"]),
                rounded_column(gaps["points"], 4),
                [str(k) for k in _texts(gaps["kind"])],
                strict=True,
            ),
            strict=True,
        )
    )


def indicator_results_write(
    *,
    run_id: int,
    indicators: pd.DataFrame,
    formulas: pd.DataFrame,
    gaps: pd.DataFrame | None,
    ids: CodeIds,
) -> int:
    """The period's indicator results, with each one's points formula (explain_result) and its
    gap to the next place (gaps())."""
    formula_of = dict(
        zip(
            zip(_texts(formulas["county"]), _texts(formulas["indicator"]), strict=True),
            _texts(formulas["formula"]),
            strict=True,
        )
    )
    gap_of = _gap_columns(gaps)
    keys = list(zip(_texts(indicators["county"]), _texts(indicators["indicator"]), strict=True))
    gap_rows = [gap_of.get(key, NO_GAP) for key in keys]
    gap_cols: list[tuple[Any, ...]] = (
        list(zip(*gap_rows, strict=True)) if gap_rows else [()] * len(NO_GAP)
    )
    return columns_insert(
        IndicatorResult,
        {
            "run_id": [run_id] * len(keys),
            "county_id": [ids.counties[c] for c, _i in keys],
            "indicator_id": [ids.indicators[i] for _c, i in keys],
            "value": rounded_column(indicators["value"], 4),
            "prior_value": rounded_column(indicators["prior_value"], 4),
            "basis": rounded_column(indicators["basis"]),
            "rank": int_column(indicators["rank"]),
            "score": rounded_column(indicators["score"]),
            "flags": flag_column(_texts(indicators["flags"])),
            "formula": [formula_of.get(key, "") for key in keys],
            "gap_basis": list(gap_cols[0]),
            "gap_value": list(gap_cols[1]),
            "gap_rank": list(gap_cols[2]),
            "gap_total_rank": list(gap_cols[3]),
            "gap_points": list(gap_cols[4]),
            "gap_kind": list(gap_cols[5]),
        },
    )


def references_write(
    *,
    run_id: int,
    references: pd.DataFrame,
    indicators: pd.DataFrame,
    counties: pd.DataFrame,
    ids: CodeIds,
    grouped: bool,
) -> int:
    """Each indicator's comparison set (per peer group where the rules group counties): its
    statistics and how many of its counties have a place on it."""
    group_label = dict(
        zip(
            [str(c) for c in _texts(counties["county"])],
            _labels(counties["group"], grouped),
            strict=True,
        )
    )
    placed = indicators["rank"].notna().to_numpy()
    ranked_n = Counter(
        (str(indicator), group_label[str(county)])
        for indicator, county in zip(
            indicators["indicator"].to_numpy()[placed],
            indicators["county"].to_numpy()[placed],
            strict=True,
        )
    )
    codes = [str(i) for i in _texts(references["indicator"])]
    groups = _labels(references["group"], grouped)
    return columns_insert(
        IndicatorReference,
        {
            "run_id": [run_id] * len(codes),
            "indicator_id": [ids.indicators[i] for i in codes],
            "peer_group": groups,
            "count": [int(n) for n in _texts(references["count"])],
            "ranked": [ranked_n.get(key, 0) for key in zip(codes, groups, strict=True)],
            "best": rounded_column(references["best"]),
            "worst": rounded_column(references["worst"]),
            "mean": rounded_column(references["mean"]),
            "std": rounded_column(references["std"]),
        },
    )
