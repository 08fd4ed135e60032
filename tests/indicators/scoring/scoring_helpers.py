"""Small builders for engine tests: rule sets and values frames written compactly."""

from __future__ import annotations

import copy
from typing import Any

import pandas as pd

PERIOD = "2025-06"


def indicator(
    code: str,
    method: str,
    params: dict[str, Any] | None = None,
    *,
    category: str = "main",
    weight: float = 100,
    basis: dict[str, Any] | None = None,
    direction: str = "higher",
    decimals: int | None = None,
    frequency: str = "monthly",
) -> dict[str, Any]:
    return {
        "code": code,
        "name": code,
        "category": category,
        "weight": weight,
        "basis": basis or {"type": "value"},
        "direction": direction,
        "decimals": decimals,
        "method": method,
        "params": params or {},
        "frequency": frequency,
    }


def rules_dict(
    indicators: list[dict[str, Any]],
    categories: list[dict[str, Any]] | None = None,
    **top: Any,
) -> dict[str, Any]:
    """A rule set; without categories, one "main" category whose weight is the indicators' sum."""
    if categories is None:
        categories = [
            {
                "code": "main",
                "name": "main",
                "weight": sum(i["weight"] for i in indicators),
                "aggregation": "sum",
                "decimals": None,
            }
        ]
    total_weight = sum(c["weight"] for c in categories)
    d: dict[str, Any] = {
        "format": "scorecard-rules/1",
        "name": "test",
        "year": 2025,
        "version": 1,
        "total": {"weight": total_weight, "points": None, "aggregation": "sum", "decimals": None},
        "indicator_decimals": None,
        "rank_on": "rounded",
        "missing_share_max": 1,
        "tiers": {"leading": 0.3333, "lagging": 0.3333},
        "peer_groups": None,
        "period_weights": None,
        "bonus": None,
        "improvement": None,
        "categories": categories,
        "indicators": indicators,
    }
    for key, value in top.items():
        if key == "total":
            d["total"] = {**d["total"], **value}
        else:
            d[key] = copy.deepcopy(value)
    return d


def values(data: dict[str, dict[str, Any]], period: str = PERIOD) -> pd.DataFrame:
    """{indicator: {county: value or (value, prior_value)}} -> a long values frame."""
    rows = []
    for code, per_county in data.items():
        for county, v in per_county.items():
            value, prior = v if isinstance(v, tuple) else (v, None)
            rows.append((county, code, period, value, prior))
    return pd.DataFrame(rows, columns=["county", "indicator", "period", "value", "prior_value"])


def by_county(frame: pd.DataFrame, column: str, **filters: str) -> dict[str, Any]:
    """{county: frame[column]} for the rows matching filters (e.g. indicator="gdp")."""
    for key, value in filters.items():
        frame = frame[frame[key] == value]
    return {str(c): v for c, v in zip(frame["county"], frame[column], strict=True)}
