"""The year so far for a recompute: the period totals of the year's weighted months (the stored
current runs of the earlier ones, the new result for this one) combined by the engine's
annual_of() and stored with the run (AnnualResult)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from django.db import connection

from counties.models import Period
from indicators.scoring import Rules
from indicators.scoring.annual import annual_of
from scorecard.bulk import columns_insert

from ..convert import flag_column, flag_list, int_column, rounded_column
from ..models import AnnualResult, RankingRun

COLUMNS = ["period", "county", "name", "group", "ranked", "total", "flags"]


def _weights(rules: Rules) -> dict[int, float]:
    return {int(m): float(w) for m, w in (rules.period_weights or {}).items()}


def annual_frame(period: Period, counties: pd.DataFrame, rules: Rules) -> pd.DataFrame | None:
    """annual_of() over the weighted months up to `period`; None when the rules weigh no
    periods or none of those months has come yet. `counties`: the new result's counties frame
    for `period`."""
    weights = _weights(rules)
    months = sorted(m for m in weights if m <= period.month)
    if not months:
        return None
    codes = [str(c) for c in counties["county"].tolist()]
    this_totals = counties["total"].tolist()
    this_flags = [",".join(flag_list(f)) for f in counties["flags"].astype(object).tolist()]
    stored = _stored_totals(period, [m for m in months if m != period.month])
    keys = [f"{period.year}-{m:02d}" for m in months]
    periods, totals, flags = [], [], []
    for month, key in zip(months, keys, strict=True):
        periods += [key] * len(codes)
        if month == period.month:
            totals += this_totals
            flags += this_flags
        else:
            got = [stored.get((month, c)) for c in codes]
            totals += [g[0] if g else float("nan") for g in got]
            flags += [g[1] if g else "" for g in got]
    k = len(months)
    frame = pd.DataFrame(  # period-major, the same counties in every period, as annual_of reads
        {
            "period": periods,
            "county": counties["county"].tolist() * k,
            "name": counties["name"].tolist() * k,
            "group": counties["group"].tolist() * k,
            "ranked": counties["ranked"].tolist() * k,
            "total": np.asarray(totals, dtype="float64"),
            "flags": flags,
        },
        columns=COLUMNS,
    )
    combined = annual_of(frame, tuple(keys), rules)
    by_month = dict(zip(zip(periods, codes * k, strict=True), totals, strict=True))
    counted = list(zip(months, keys, strict=True))
    parts = {
        code: [[m, weights[m], _number(by_month[(key, code)])] for m, key in counted]
        for code in codes
    }
    combined["parts"] = combined["county"].astype(str).map(parts)
    return combined


def _stored_totals(period: Period, months: list[int]) -> dict[tuple[int, str], tuple]:
    """(month, county code) -> (total as a float, NaN for none; flags joined with commas) of
    the current runs of `months` of the period's year, in one statement."""
    if not months:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.month, c.code, CAST(cr.total AS DOUBLE PRECISION), cr.flags"
            " FROM rankings_countyresult cr"
            " JOIN rankings_rankingrun r ON r.id = cr.run_id"
            " JOIN counties_period p ON p.id = r.period_id"
            " JOIN counties_county c ON c.id = cr.county_id"
            " WHERE p.year = %s AND r.is_current = %s"
            f" AND p.month IN ({', '.join(['%s'] * len(months))})",
            [period.year, True, *months],
        )
        rows = cursor.fetchall()
    return {
        (month, code): (
            float("nan") if total is None else total,
            ",".join(json.loads(flags) if isinstance(flags, str | bytes) else flags),
        )
        for month, code, total, flags in rows
    }


def _number(value: float) -> float | None:
    """A total as parts store it: None where there is none."""
    return None if value != value else float(value)


def annual_write(*, run: RankingRun, frame: pd.DataFrame, county_ids: dict) -> None:
    columns_insert(
        AnnualResult,
        {
            "run_id": [run.pk] * len(frame),
            "county_id": [county_ids[str(c)] for c in frame["county"].tolist()],
            "total": rounded_column(frame["total"]),
            "rank": int_column(frame["rank"]),
            "tier": [t if isinstance(t, str) else "" for t in frame["tier"].tolist()],
            "flags": flag_column(frame["flags"].tolist()),
            "parts": frame["parts"].tolist(),
        },
    )
