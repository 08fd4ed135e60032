"""Progress against targets and early warnings for a recompute: the engine's pure functions over
the period's approved values, and the rows a run stores (ProgressResult)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

from counties.models import Period
from indicators.scoring.progress import attach, catch_up, city_rows, progress, warnings
from indicators.scoring.rules import Warnings
from scorecard.bulk import columns_insert

from ..models import ProgressResult, RankingRun
from ..selectors.progress import CITY_CODE, ProgressInputs

REASONS = ("far_behind", "behind", "shrinking", "below_city")


def progress_frame(
    values: pd.DataFrame,
    period: Period,
    inputs: ProgressInputs,
    warning_rules: Warnings | None = None,
    exemptions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per county (and CITY_CODE for the city) and scored indicator: the progress columns and
    the warning's level and reason flags, by the rule set's warning lines (the defaults when it
    sets none). A county exempted from an indicator (`exemptions`: county, indicator; 不考核)
    has no row for it: it is neither measured nor warned, while the city's own figure still
    adds up every county's."""
    scored = set(inputs.indicators["indicator"])
    rows = values[values["indicator"].isin(scored)][
        ["county", "indicator", "value", "prior_value"]
    ].copy()
    rows["month"] = period.month
    if not inputs.prior_annual.empty:
        rows = attach(rows, inputs.prior_annual, ["county", "indicator"])
    targets = _city_targets_for(rows, inputs)
    rows = pd.concat([rows, city_rows(rows, inputs.summable, CITY_CODE)], ignore_index=True)
    rows = _without_exempted(rows, exemptions)
    measured = progress(rows, targets, inputs.indicators)
    city = measured[measured["county"] == CITY_CODE].set_index("indicator")["growth"]
    city_growth = {str(k): float(v) for k, v in city.items()}
    judged = warnings(measured, inputs.indicators, city_growth, warning_rules)
    for name in ("level", *REASONS):
        measured[name] = judged[name].to_numpy()
    plan = catch_up(measured, inputs.targets, inputs.indicators, inputs.prior_months)
    plans: dict[tuple[str, str], list[list[float]]] = {}
    for county, indicator, month, needed in zip(
        plan["county"].tolist(),
        plan["indicator"].tolist(),
        plan["month"].tolist(),
        plan["needed"].tolist(),
        strict=True,
    ):
        plans.setdefault((county, indicator), []).append([int(month), round(float(needed), 4)])
    keys = list(zip(measured["county"].tolist(), measured["indicator"].tolist(), strict=True))
    measured["plan"] = pd.Series([plans.get(key, []) for key in keys], index=measured.index)
    # last month's plan for this month, against this month's value
    due = [inputs.plans_before.get(key, {}).get(period.month) for key in keys]
    measured["milestone"] = [float(d) if d is not None else float("nan") for d in due]
    return measured


def _without_exempted(rows: pd.DataFrame, exemptions: pd.DataFrame | None) -> pd.DataFrame:
    if exemptions is None or exemptions.empty:
        return rows
    exempt = set(
        zip(exemptions["county"].astype(str), exemptions["indicator"].astype(str), strict=True)
    )
    keep = [
        (c, i) not in exempt
        for c, i in zip(rows["county"].astype(str), rows["indicator"].astype(str), strict=True)
    ]
    return rows[np.array(keep, dtype=bool)].reset_index(drop=True)


def _city_targets_for(rows: pd.DataFrame, inputs: ProgressInputs) -> pd.DataFrame:
    """The targets with the city's value targets on added-up indicators scaled to the counties
    its figure adds up (those that reported both years' figures): while some have not reported,
    the city's sum is measured against their share of the counties' targets, not against the
    whole city's, which it cannot reach yet."""
    targets = inputs.targets
    if targets.empty:
        return targets
    has_both = (rows["value"].notna() & rows["prior_value"].notna()).to_numpy()
    reported = set(
        zip(
            rows["county"].to_numpy()[has_both],
            rows["indicator"].to_numpy()[has_both],
            strict=True,
        )
    )
    county = targets["county"].tolist()
    indicator = targets["indicator"].tolist()
    is_value = (targets["target_kind"] == "value").tolist()
    target = targets["target"].to_numpy(dtype=float)
    whole: dict[str, float] = defaultdict(float)
    counted: dict[str, float] = defaultdict(float)
    for c, i, v, t in zip(county, indicator, is_value, target.tolist(), strict=True):
        if c != CITY_CODE and v and t == t:  # t == t: not NaN
            whole[i] += t
            if (c, i) in reported:
                counted[i] += t
    share = {i: min(counted[i] / w, 1.0) if w > 0 else 1.0 for i, w in whole.items()}
    factor = np.array(
        [
            share.get(i, 1.0) if c == CITY_CODE and v and i in inputs.summable else 1.0
            for c, i, v in zip(county, indicator, is_value, strict=True)
        ]
    )
    adjusted = targets.copy()
    adjusted["target"] = target * factor
    return adjusted


def _met(value: Any, milestone: Any) -> bool | None:
    """Whether this month's value reached what last month's plan asked of it."""
    if milestone is None or value is None or milestone != milestone or value != value:
        return None  # none, or NaN
    return bool(value >= milestone - 1e-9)


def _reasons(frame: pd.DataFrame) -> list[list[str]]:
    """Each row's warning reasons, in REASONS order; far behind implies behind, so only the
    former is named; a row with no colour has none."""
    flags = {name: frame[name].to_numpy(dtype=bool) for name in REASONS}
    flags["behind"] = flags["behind"] & ~flags["far_behind"]
    judged = frame["level"].map(lambda level: isinstance(level, str)).to_numpy(dtype=bool)
    names = np.array(REASONS, dtype=object)
    table = np.column_stack([flags[name] for name in REASONS])
    return [list(names[row]) if ok else [] for row, ok in zip(table, judged, strict=True)]


# The stored columns: name -> (decimal places, max digits), as in ProgressResult.
NUMBER_COLUMNS = {
    "target": (4, 18),
    "value": (4, 18),
    "prior_value": (4, 18),
    "growth": (4, 12),
    "completion": (4, 12),
    "time_progress": (4, 9),
    "ahead": (4, 12),
    "shortfall": (4, 18),
    "pace_needed": (4, 18),
    "pace_so_far": (4, 18),
    "milestone": (4, 18),
}


def _numbers(column: pd.Series, places: int, max_digits: int) -> list[float | None]:
    """A column of floats rounded to the places a column of `max_digits` digits holds, None
    where a value is missing or does not fit (a completion of 10^9 % against a target of almost
    nothing); rounded in one pass. The shortest text of each rounded float is the decimal the
    column stores."""
    numbers = np.round(pd.to_numeric(column, errors="coerce").to_numpy(dtype=float), places)
    fits = np.isfinite(numbers) & (np.abs(numbers) < 10.0 ** (max_digits - places))
    return [x if ok else None for x, ok in zip(numbers.tolist(), fits.tolist(), strict=True)]


def progress_write(
    *, run: RankingRun, frame: pd.DataFrame, county_ids: dict, indicator_ids: dict
) -> None:
    kept = frame[(frame["county"] == CITY_CODE) | frame["county"].isin(list(county_ids))]
    reasons = _reasons(kept)
    numbers = {
        name: _numbers(kept[name], places, digits)
        for name, (places, digits) in NUMBER_COLUMNS.items()
    }
    counties = [None if c == CITY_CODE else county_ids[c] for c in kept["county"].tolist()]
    indicators = [indicator_ids[i] for i in kept["indicator"].tolist()]
    kinds = [k if isinstance(k, str) else "" for k in kept["target_kind"].tolist()]
    levels = [v if isinstance(v, str) else "" for v in kept["level"].tolist()]
    met = [
        _met(v, m) for v, m in zip(kept["value"].tolist(), kept["milestone"].tolist(), strict=True)
    ]
    columns_insert(
        ProgressResult,
        {
            "run_id": [run.pk] * len(kept),
            "county_id": counties,
            "indicator_id": indicators,
            "target_kind": kinds,
            "level": levels,
            "reasons": reasons,
            "plan": kept["plan"].tolist(),
            "milestone_met": met,
            **numbers,
        },
    )
