"""Progress against annual targets (目标任务) and the calendar (时序进度); early warnings (预警).

Pure numpy/pandas, no Django: the recompute, the offline command and the tests share it.
docs/rules.md §10 gives the formulas with a worked example.

A target is a **value** in the indicator's unit (budget revenue 12.3 亿元) or a **growth** in
percent (GDP +6.5%). A flow (1-N月累计) with a value target is due by month m the schedule's
cumulative share of it: month/12 unless a custom split says otherwise (investment 20/45/70/100%
by quarter). Per county, indicator and month:

- ``completion``: value ÷ target × 100 (value targets); growth ÷ target growth × 100 (growth
  targets, where the target growth is positive). For lower-is-better indicators the ratio is
  turned round (target ÷ value).
- ``time_progress``: the share due by the month × 100 for flows with value targets; 100 for
  levels (stocks and rates), which are judged against the target itself; NaN for growth
  targets, whose year-to-date growth is already a figure of the months gone.
- ``ahead``: points ahead of (+) or behind (−) the calendar: completion − time progress for
  value targets; growth − target growth (percentage points) for growth targets, turned round
  for lower-is-better indicators.
- ``shortfall`` (欠账): what the value lacks, in the indicator's unit, to be on schedule now: the
  due share of a flow's target; a level's target; for growth targets the value that the target
  growth over last year's same months gives. Zero when on or ahead of schedule.
- ``pace_needed``: for flows, what each remaining month must bring on average to meet the
  annual target (needs last year's annual value for growth targets); ``pace_so_far`` is the
  average month so far. NaN for levels and in December.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
import pandas as pd

from .growth import growth_array
from .rules import Warnings

TARGET_KINDS = ("value", "growth")
INDICATOR_KINDS = ("flow", "stock", "rate")
LEVELS = ("green", "yellow", "red")
_PLACES = Decimal("0.0001")  # month-end percents of a schedule
PROGRESS_COLUMNS = (
    "county",
    "indicator",
    "month",
    "value",
    "prior_value",
    "growth",
    "target_kind",
    "target",
    "due",
    "completion",
    "time_progress",
    "ahead",
    "shortfall",
    "pace_needed",
    "pace_so_far",
)


def linear_schedule() -> tuple[float, ...]:
    """The default split of a flow's annual target: month/12 due by each month."""
    return tuple(m / 12 for m in range(1, 13))


def check_schedule(schedule: tuple[float, ...] | list[float]) -> list[str]:
    """What is wrong with a custom schedule: twelve cumulative shares in 0..1, never falling,
    ending at 1 (the whole target by December). Empty when it is fine."""
    problems = []
    if len(schedule) != 12:
        return [f"a schedule has 12 cumulative shares, one per month, not {len(schedule)}"]
    shares = np.asarray(schedule, dtype=float)
    if not np.isfinite(shares).all() or (shares < 0).any() or (shares > 1).any():
        problems.append("every share is between 0 and 1")
    elif (np.diff(shares) < 0).any():
        problems.append("the shares never fall from one month to the next")
    if not np.isclose(shares[-1], 1.0):
        problems.append("the whole target is due by December (the last share is 1)")
    return problems


def schedule_from_text(text: str) -> tuple[float, ...] | None:
    """Twelve cumulative shares (0..1) from a schedule as people write it, in percent:
    "20/45/70/100" by quarter (spread evenly over each quarter's months) or twelve monthly
    figures, separated by "/", ",", "、", ";" or spaces. Empty text: None (month/12 applies).
    Raises ValueError saying what is wrong. Month-end percents are kept to 4 decimals, rounded
    half up, as the targets app stores them, so both give the same shares."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw:
        return None
    parts = [p for p in re.split(r"[/,、;\s]+", raw.replace("%", "")) if p]
    try:
        numbers = [Decimal(p) for p in parts]
    except InvalidOperation as e:
        raise ValueError(
            f"{text!r} is not a schedule: cumulative percents separated by '/', "
            "e.g. 20/45/70/100 by quarter or twelve by month"
        ) from e
    if len(numbers) == 4:  # quarter ends: each quarter's months evenly in between
        ends, numbers, before = numbers, [], Decimal(0)
        for end in ends:
            for k in (1, 2, 3):
                numbers.append((before + (end - before) * k / 3).quantize(_PLACES, ROUND_HALF_UP))
            before = end
    elif len(numbers) != 12:
        raise ValueError(
            f"a schedule has 4 cumulative percents (by quarter) or 12 (by month), not "
            f"{len(numbers)}"
        )
    if any(not n.is_finite() or n < 0 or n > 100 for n in numbers):
        raise ValueError(f"{text!r}: every percent of a schedule is between 0 and 100")
    if any(b < a for a, b in zip(numbers, numbers[1:], strict=False)):
        raise ValueError(f"{text!r}: a schedule is cumulative, it never falls")
    if numbers[-1] != 100:
        raise ValueError(f"{text!r}: the whole target is due by December (the last is 100)")
    return tuple(float(n) / 100 for n in numbers)


def _due(targets: pd.DataFrame, months: np.ndarray) -> np.ndarray:
    """The cumulative share due by each row's month: the row's schedule, or month/12."""
    due = months / 12.0
    if "schedule" not in targets:
        return due
    schedules = targets["schedule"].to_numpy(dtype=object)
    for index in np.flatnonzero(pd.notna(schedules)):
        schedule = schedules[index]
        if isinstance(schedule, tuple | list) and len(schedule) == 12:
            due[index] = float(schedule[months[index] - 1])
    return due


def attach(left: pd.DataFrame, right: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """`left` with `right`'s other columns matched on `keys` (a left join, many to one): missing
    where `right` has no row. Raises ValueError when `right` has two rows for one key. A
    dictionary lookup, much cheaper than merge() on the few hundred rows of a city's month."""
    right_keys = list(zip(*(right[k].tolist() for k in keys), strict=True))
    position = {key: k for k, key in enumerate(right_keys)}
    if len(position) != len(right_keys):
        raise ValueError(f"{', '.join(keys)} repeated in a table that has one row per key")
    left_keys = zip(*(left[k].tolist() for k in keys), strict=True)
    found = np.fromiter(
        (position.get(key, -1) for key in left_keys), dtype=np.intp, count=len(left)
    )
    out = left.copy()
    hit = found >= 0
    for column in right.columns:
        if column in keys:
            continue
        values = right[column].to_numpy()
        if values.dtype.kind in "fc":
            picked = np.full(len(left), np.nan, dtype=values.dtype)
        else:
            picked = np.full(len(left), None, dtype=object)
        picked[hit] = values[found[hit]]
        out[column] = picked
    return out


def progress(rows: pd.DataFrame, targets: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Progress of every row against its target.

    ``rows``: county, indicator, month (1-12), value, prior_value (the same months last year) and,
    optionally, prior_annual (last year's whole-year value, for the pace of a growth target).
    ``targets``: county, indicator, target_kind ("value" or "growth"), target, and optionally
    schedule (twelve cumulative shares, or None for month/12). ``indicators``: indicator, kind
    ("flow", "stock", "rate"), direction ("higher", "lower"). A row without a target keeps NaN in
    every target column. Columns: PROGRESS_COLUMNS.
    """
    frame = attach(rows, indicators, ["indicator"])
    if frame["kind"].isna().any():
        missing = sorted(set(frame.loc[frame["kind"].isna(), "indicator"]))
        raise ValueError(f"indicators without a kind: {', '.join(map(str, missing))}")
    frame = attach(frame, targets, ["county", "indicator"])
    months = frame["month"].to_numpy(dtype=int)
    if ((months < 1) | (months > 12)).any():
        raise ValueError("months are 1..12")
    value = frame["value"].to_numpy(dtype=float)
    prior = frame["prior_value"].to_numpy(dtype=float)
    target = frame["target"].to_numpy(dtype=float)
    kind = frame["target_kind"].to_numpy(dtype=object)
    is_value, is_growth = kind == "value", kind == "growth"
    flow = frame["kind"].to_numpy(dtype=object) == "flow"
    lower = frame["direction"].to_numpy(dtype=object) == "lower"
    sign = np.where(lower, -1.0, 1.0)
    growth = growth_array(value, prior)
    due = np.where(is_value & flow, _due(frame, months), np.where(is_value, 1.0, np.nan))

    with np.errstate(divide="ignore", invalid="ignore"):
        value_completion = np.where(lower, target / value, value / target) * 100.0
        growth_completion = np.where(target > 0, growth / target * 100.0, np.nan)
        completion = np.where(
            is_value, value_completion, np.where(is_growth, growth_completion, np.nan)
        )
        time_progress = np.where(is_value, due * 100.0, np.nan)
        ahead = np.where(
            is_value,
            completion - time_progress,
            np.where(is_growth, sign * (growth - target), np.nan),
        )
        # the value that would be on schedule now
        on_schedule = np.where(is_value, due * target, prior * (1.0 + target / 100.0))
        shortfall = np.maximum(sign * (on_schedule - value), 0.0)
        shortfall = np.where(is_value | is_growth, shortfall, np.nan)

        annual = np.where(is_value, target, np.nan)
        if "prior_annual" in frame:
            prior_annual = frame["prior_annual"].to_numpy(dtype=float)
            annual = np.where(is_growth, prior_annual * (1.0 + target / 100.0), annual)
        left = 12 - months
        remaining = np.where(lower, value - annual, annual - value)
        pace_needed = np.where(
            flow & (left > 0), np.maximum(remaining, 0.0) / np.maximum(left, 1), np.nan
        )
        pace_so_far = np.where(flow, value / months, np.nan)

    # percent figures to 10 decimals: 0.45 × 100 is 45.00000000000001 in binary, and a county
    # exactly 5 points behind must read as 5 points behind at the warning boundary
    completion, time_progress, ahead = (np.round(a, 10) for a in (completion, time_progress, ahead))
    out = pd.DataFrame(
        {
            "county": frame["county"].to_numpy(),
            "indicator": frame["indicator"].to_numpy(),
            "month": months,
            "value": value,
            "prior_value": prior,
            "growth": growth,
            "target_kind": kind,
            "target": target,
            "due": due,
            "completion": completion,
            "time_progress": time_progress,
            "ahead": ahead,
            "shortfall": shortfall,
            "pace_needed": pace_needed,
            "pace_so_far": pace_so_far,
        }
    )
    return out


def catch_up(
    progress_frame: pd.DataFrame,
    targets: pd.DataFrame,
    indicators: pd.DataFrame,
    prior_months: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The catch-up plan (追赶计划): for every row of `progress` short of its annual target, the
    year-to-date value each remaining month must reach for the target to be met.

    - value target on a flow: the rest of the target (target − value) falls due in the
      proportions the schedule still has to go: needed_k = value + (target − value) ×
      (s_k − s_m) / (1 − s_m);
    - value target on a level (stock, rate): evenly to the target by December;
    - growth target: last year's figure for month k (``prior_months``: county, indicator,
      month, prior_value) grown by the target: needed_k = prior_k × (1 + target / 100).

    Rows on or past their target, lower-is-better indicators (whose plan is a ceiling, not a
    milestone) and December get none. Columns: county, indicator, month (the month of the
    milestone), needed."""
    frame = attach(progress_frame, indicators, ["indicator"])
    if "schedule" in targets:
        schedules = targets[["county", "indicator", "schedule"]]
        frame = attach(frame, schedules, ["county", "indicator"])
    months = frame["month"].to_numpy(dtype=int)
    value = frame["value"].to_numpy(dtype=float)
    target = frame["target"].to_numpy(dtype=float)
    short = (
        (frame["target_kind"] == "value").to_numpy(dtype=bool)
        & (frame["direction"] != "lower").to_numpy(dtype=bool)
        & (months < 12)
        & (value < target)  # NaN on either side compares False
    )
    flow = (frame["kind"] == "flow").to_numpy(dtype=bool)
    # the cumulative share due by each month: the row's schedule for a flow, else (a level
    # brought evenly to its target) the months elapsed since the row's month
    shares = np.tile(np.asarray(linear_schedule()), (len(frame), 1))
    if "schedule" in frame:
        for k, schedule in enumerate(frame["schedule"].to_numpy(dtype=object)):
            if flow[k] and isinstance(schedule, tuple | list) and len(schedule) == 12:
                shares[k] = schedule
    idx = np.clip(months - 1, 0, 11)
    now = shares[np.arange(len(frame)), idx]
    ahead_months = np.arange(1, 13)[None, :]
    later = ahead_months > months[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        part_flow = np.where(
            (1.0 - now)[:, None] > 0, (shares - now[:, None]) / (1.0 - now)[:, None], 1.0
        )
        part_level = (ahead_months - months[:, None]) / np.maximum(12 - months, 1)[:, None]
    part = np.where(flow[:, None], part_flow, part_level)
    needed = value[:, None] + (target - value)[:, None] * part
    rows, cols = np.nonzero(later & short[:, None])
    out: list[tuple[str, str, int, float]] = list(
        zip(
            frame["county"].to_numpy()[rows],
            frame["indicator"].to_numpy()[rows],
            (cols + 1).tolist(),
            needed[rows, cols].tolist(),
            strict=True,
        )
    )
    if prior_months is not None and not prior_months.empty:
        growth = frame[(frame["target_kind"] == "growth") & (frame["direction"] != "lower")]
        growth = growth[growth["value"].notna() & (growth["month"] < 12)]
        coming = growth[["county", "indicator", "month", "target"]].merge(
            prior_months.rename(columns={"month": "k"}), on=["county", "indicator"]
        )
        coming = coming[(coming["k"] > coming["month"]) & coming["prior_value"].notna()]
        grown = coming["prior_value"] * (1.0 + coming["target"] / 100.0)
        out.extend(
            zip(
                coming["county"],
                coming["indicator"],
                coming["k"].astype(int),
                grown.astype(float),
                strict=True,
            )
        )
    plan = pd.DataFrame(out, columns=["county", "indicator", "month", "needed"])
    return plan.sort_values(["county", "indicator", "month"], ignore_index=True)


def city_rows(
    rows: pd.DataFrame, summable: set[str] | frozenset[str], city: str = "city"
) -> pd.DataFrame:
    """The city as a whole, one row per indicator and month, with the county ``city``: the
    counties' values added up where they add up (money, counts), their mean otherwise (rates,
    intensities). An indicator's sum counts only the counties that reported both figures, so
    that its growth compares like with like. Columns as ``rows`` (plus prior_annual summed
    where given)."""
    if rows.empty:
        return rows.iloc[0:0].copy()
    both = rows[rows["value"].notna() & rows["prior_value"].notna()]
    numbers = [c for c in ("value", "prior_value", "prior_annual") if c in rows]
    keys = ["indicator", "month"]
    added = both.groupby(keys, sort=True)[numbers].sum(min_count=1)
    averaged = both.groupby(keys, sort=True)[numbers].mean()
    is_summed = added.index.get_level_values("indicator").isin(list(summable))
    city_frame = averaged.copy()
    city_frame.loc[is_summed, numbers] = added.loc[is_summed, numbers]
    city_frame = city_frame.reset_index()
    city_frame.insert(0, "county", city)
    return city_frame


# When a row is yellow or red: the rule set's `warnings` block (rules.Warnings), the defaults
# when it has none.
WarningRules = Warnings


def warnings(
    progress_frame: pd.DataFrame,
    indicators: pd.DataFrame,
    city_growth: pd.Series | dict[str, float] | None = None,
    rules: WarningRules | None = None,
) -> pd.DataFrame:
    """A colour for every row of `progress` and the reasons for it, as flags a page turns into
    words: ``behind`` (more than yellow_behind points behind), ``far_behind`` (more than
    red_behind), ``shrinking`` (growth the wrong way: below 0, or above 0 for lower-is-better
    indicators), ``below_city`` (growth worse than the city's for the indicator). A row with
    no target is judged on growth alone; a row with no value (not reported) has no colour.
    Columns: county, indicator, month, level, behind, far_behind, shrinking, below_city."""
    rules = rules or WarningRules()
    direction = dict(zip(indicators["indicator"], indicators["direction"], strict=True))
    lower = progress_frame["indicator"].map(direction).to_numpy(dtype=object) == "lower"
    sign = np.where(lower, -1.0, 1.0)
    ahead = progress_frame["ahead"].to_numpy(dtype=float)
    growth = progress_frame["growth"].to_numpy(dtype=float)
    value = progress_frame["value"].to_numpy(dtype=float)
    city = pd.Series(city_growth if city_growth is not None else {}, dtype=float)
    city_values = progress_frame["indicator"].map(city).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        behind = ahead < -float(rules.yellow_behind)
        far_behind = ahead < -float(rules.red_behind)
        shrinking = (sign * growth < 0) & rules.red_when_shrinking
        below_city = (sign * (growth - city_values) < 0) & rules.yellow_below_city
    red = far_behind | shrinking
    yellow = ~red & (behind | below_city)
    level = np.where(red, "red", np.where(yellow, "yellow", "green")).astype(object)
    level[np.isnan(value)] = None
    return pd.DataFrame(
        {
            "county": progress_frame["county"].to_numpy(),
            "indicator": progress_frame["indicator"].to_numpy(),
            "month": progress_frame["month"].to_numpy(),
            "level": level,
            "behind": behind,
            "far_behind": far_behind,
            "shrinking": shrinking,
            "below_city": below_city,
        }
    )
