"""Progress against targets and early warnings for a recompute: the engine's pure functions over
the period's approved values, and the rows a run stores (ProgressResult)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pandas as pd

from counties.models import Period
from indicators.scoring.progress import catch_up, city_rows, progress, warnings
from indicators.scoring.rules import Warnings

from ..convert import decimal_or_none
from ..models import ProgressResult, RankingRun
from ..selectors.progress import CITY_CODE, ProgressInputs

REASONS = ("far_behind", "behind", "shrinking", "below_city")


def progress_frame(
    values: pd.DataFrame,
    period: Period,
    inputs: ProgressInputs,
    warning_rules: Warnings | None = None,
) -> pd.DataFrame:
    """Per county (and CITY_CODE for the city) and scored indicator: the progress columns and
    the warning's level and reason flags, by the rule set's warning lines (the defaults when it
    sets none)."""
    scored = set(inputs.indicators["indicator"])
    rows = values[values["indicator"].isin(scored)][
        ["county", "indicator", "value", "prior_value"]
    ].copy()
    rows["month"] = period.month
    if not inputs.prior_annual.empty:
        rows = rows.merge(inputs.prior_annual, on=["county", "indicator"], how="left")
    targets = _city_targets_for(rows, inputs)
    rows = pd.concat([rows, city_rows(rows, inputs.summable, CITY_CODE)], ignore_index=True)
    measured = progress(rows, targets, inputs.indicators)
    city = measured[measured["county"] == CITY_CODE].set_index("indicator")["growth"]
    city_growth = {str(k): float(v) for k, v in city.items()}
    judged = warnings(measured, inputs.indicators, city_growth, warning_rules)
    for name in ("level", *REASONS):
        measured[name] = judged[name].to_numpy()
    plan = catch_up(measured, inputs.targets, inputs.indicators, inputs.prior_months)
    plans: dict[tuple[str, str], list[list[float]]] = {}
    for county, indicator, month, needed in plan.itertuples(index=False, name=None):
        plans.setdefault((county, indicator), []).append([int(month), round(float(needed), 4)])
    keys = list(zip(measured["county"], measured["indicator"], strict=True))
    measured["plan"] = pd.Series([plans.get(key, []) for key in keys], index=measured.index)
    # last month's plan for this month, against this month's value
    due = [inputs.plans_before.get(key, {}).get(period.month) for key in keys]
    measured["milestone"] = [float(d) if d is not None else float("nan") for d in due]
    return measured


def _city_targets_for(rows: pd.DataFrame, inputs: ProgressInputs) -> pd.DataFrame:
    """The targets with the city's value targets on added-up indicators scaled to the counties
    its figure adds up (those that reported both years' figures): while some have not reported,
    the city's sum is measured against their share of the counties' targets, not against the
    whole city's, which it cannot reach yet."""
    targets = inputs.targets
    if targets.empty:
        return targets
    reported = rows[rows["value"].notna() & rows["prior_value"].notna()]
    included = reported.groupby("indicator")["county"].agg(set).to_dict()
    counties = targets[(targets["county"] != CITY_CODE) & (targets["target_kind"] == "value")]
    adjusted = targets.copy()
    for index, row in targets.iterrows():
        if row["county"] != CITY_CODE or row["target_kind"] != "value":
            continue
        if row["indicator"] not in inputs.summable:
            continue
        own = counties[counties["indicator"] == row["indicator"]]
        whole = own["target"].sum()
        part = own[own["county"].isin(included.get(row["indicator"], set()))]["target"].sum()
        if whole > 0 and part < whole:
            adjusted.at[index, "target"] = row["target"] * part / whole
    return adjusted


def _bounded(value: Any, places: int, max_digits: int) -> Decimal | None:
    """A float as a Decimal for a column of `max_digits` digits, `places` of them decimals;
    None where it does not fit (a completion of 10^9 % against a target of almost nothing)."""
    number = decimal_or_none(value, places)
    if number is None or abs(number) >= Decimal(10) ** (max_digits - places):
        return None
    return number


def _met(value: Any, milestone: Any) -> bool | None:
    """Whether this month's value reached what last month's plan asked of it."""
    if pd.isna(milestone) or pd.isna(value):
        return None
    return bool(value >= milestone - 1e-9)


def _reasons(row: Any) -> list[str]:
    found = [name for name in REASONS if bool(getattr(row, name))]
    if "far_behind" in found:
        found.remove("behind")
    return found


def progress_write(
    *, run: RankingRun, frame: pd.DataFrame, county_ids: dict, indicator_ids: dict
) -> None:
    ProgressResult.objects.bulk_create(
        (
            ProgressResult(
                run=run,
                county_id=None if row.county == CITY_CODE else county_ids[row.county],
                indicator_id=indicator_ids[row.indicator],
                target_kind=row.target_kind if isinstance(row.target_kind, str) else "",
                target=_bounded(row.target, 4, 18),
                value=_bounded(row.value, 4, 18),
                prior_value=_bounded(row.prior_value, 4, 18),
                growth=_bounded(row.growth, 4, 12),
                completion=_bounded(row.completion, 4, 12),
                time_progress=_bounded(row.time_progress, 4, 9),
                ahead=_bounded(row.ahead, 4, 12),
                shortfall=_bounded(row.shortfall, 4, 18),
                pace_needed=_bounded(row.pace_needed, 4, 18),
                pace_so_far=_bounded(row.pace_so_far, 4, 18),
                level=row.level if isinstance(row.level, str) else "",
                reasons=_reasons(row) if isinstance(row.level, str) else [],
                plan=row.plan,
                milestone=_bounded(row.milestone, 4, 18),
                milestone_met=_met(row.value, row.milestone),
            )
            for row in frame.itertuples(index=False)
            if row.county == CITY_CODE or row.county in county_ids
        ),
        batch_size=2000,
    )
