"""A province for the benchmarks at scale: 200 counties (60 urban districts), 60 indicators
over 8 categories with every scoring method, two years of periods, published rule sets and
synthetic year-to-date values. Django is imported inside the functions: the caller configures
its database first (benchdb.configure)."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

N_COUNTIES = 200
N_URBAN = 60  # districts; the rest are counties and county-level cities
N_INDICATORS = 60
CATEGORIES = [
    ("growth", "经济增长", "Growth"),
    ("industry", "产业发展", "Industry"),
    ("investment", "项目投资", "Investment"),
    ("innovation", "创新驱动", "Innovation"),
    ("openness", "开放合作", "Openness"),
    ("fiscal", "财政金融", "Fiscal and finance"),
    ("livelihood", "民生福祉", "Livelihood"),
    ("green", "绿色发展", "Green development"),
]
YEARS = (2025, 2026)
PEER_GROUPS = {"by": "kind", "groups": {"urban": ["district"], "county": ["county", "county_city"]}}
METHOD_CYCLE = [
    ("rank_points", {"step": 0.02, "floor": 0.4}),
    ("efficacy", {"base": 0.6}),
    ("goalposts", {"lower": -10, "upper": 20}),
    ("target", {"target": 6, "cap": 1.2}),
    ("stepped", {"target": 6, "step": 1, "step_unit": "points", "per_step": 0.25}),
    ("threshold_rank", {"threshold": 5, "step": 0.01, "floor": 0.3}),
    ("zscore", {"clip": 3}),
]


# -- the province: catalogue, counties, periods, rule sets --------------------------------------


def _indicator_specs() -> list[dict]:
    """60 indicators over the 8 categories (8, 8, 8, 8, 7, 7, 7, 7), weights adding up to 100."""
    sizes = [8, 8, 8, 8, 7, 7, 7, 7]
    specs = []
    j = 0
    for k, size in enumerate(sizes):
        for n in range(size):
            method, params = METHOD_CYCLE[j % len(METHOD_CYCLE)]
            params = dict(params)
            weight = Decimal("2") if j % 3 == 0 else Decimal("1.5")  # 20 x 2 + 40 x 1.5 = 100
            denominator = None
            if j % 10 == 7:  # a ratio: this indicator over the next one, in percent
                basis = "ratio"
                denominator = (j + 1) % N_INDICATORS
                if method in ("goalposts", "target", "stepped", "threshold_rank"):
                    method, params = "efficacy", {"base": 0.6}
            elif j % 3 == 0:
                basis = "value"
            else:
                basis = "growth"
            if basis == "value" and method in ("goalposts", "target", "stepped", "threshold_rank"):
                method, params = "rank_points", {"step": 0.02, "floor": 0.4}
            if method == "stepped":
                params["base"] = float(weight) * 0.6
            if method == "threshold_rank":
                params["threshold_points"] = float(weight) * 0.4
            specs.append(
                {
                    "j": j,
                    "code": f"i{j:02d}",
                    "name": f"{CATEGORIES[k][1]}指标{n + 1}",
                    "name_en": f"{CATEGORIES[k][2]} indicator {n + 1}",
                    "category": k,
                    "weight": weight,
                    "basis": basis,
                    "denominator": denominator,
                    "direction": "lower" if j % 11 == 5 else "higher",
                    "decimals": 2 if basis == "value" else 1,
                    "method": method,
                    "params": params,
                    "frequency": "quarterly" if j % 8 == 3 else "monthly",
                }
            )
            j += 1
    return specs


def seed_catalogue(specs: list[dict]):
    from indicators.models import Category, Indicator

    categories = Category.objects.bulk_create(
        Category(code=code, name=name, name_en=name_en, display_order=k)
        for k, (code, name, name_en) in enumerate(CATEGORIES)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            code=s["code"],
            name=s["name"],
            name_en=s["name_en"],
            category=categories[s["category"]],
            unit="%" if s["basis"] == "ratio" else "亿元",
            kind="flow",
            direction=s["direction"],
            decimals=2,
            display_order=s["j"],
        )
        for s in specs
    )
    return categories, indicators


def seed_counties(rng: np.random.Generator):
    from counties.models import County

    kinds = ["district"] * N_URBAN + list(
        rng.choice(["county", "county_city"], size=N_COUNTIES - N_URBAN, p=[0.8, 0.2])
    )
    suffix = {"district": "区", "county": "县", "county_city": "市"}
    return County.objects.bulk_create(
        County(
            code=f"{330100 + k:06d}",
            name=f"第{k + 1:03d}{suffix[kind]}",
            name_en=f"Unit {k + 1:03d}",
            kind=kind,
            is_ranked=True,
            display_order=k,
            is_active=True,
        )
        for k, kind in enumerate(kinds)
    )


def seed_periods():
    from counties.models import Period, default_deadline

    return Period.objects.bulk_create(
        Period(year=y, month=m, deadline=default_deadline(y, m), is_open=False)
        for y in YEARS
        for m in range(1, 13)
    )


def seed_ruleset(year: int, categories, indicators, specs):
    """A published rule set with its category and indicator rows (bulk: no signal, no recompute)."""
    from django.utils import timezone

    from indicators.models import RuleSet, RuleSetCategory, RuleSetIndicator

    (ruleset,) = RuleSet.objects.bulk_create(
        [
            RuleSet(
                year=year,
                version=1,
                name=f"{year}年度全省县域经济发展考核办法",
                status=RuleSet.Status.PUBLISHED,
                published_at=timezone.now(),
                peer_groups=PEER_GROUPS,
                period_weights={"3": 15, "6": 25, "9": 25, "12": 35},
            )
        ]
    )
    weights = [Decimal(0)] * len(categories)
    for s in specs:
        weights[s["category"]] += s["weight"]
    rows = RuleSetCategory.objects.bulk_create(
        RuleSetCategory(ruleset=ruleset, category=c, weight=weights[k], display_order=k)
        for k, c in enumerate(categories)
    )
    RuleSetIndicator.objects.bulk_create(
        RuleSetIndicator(
            ruleset=ruleset,
            indicator=indicators[s["j"]],
            category=rows[s["category"]],
            weight=s["weight"],
            basis=s["basis"],
            denominator=indicators[s["denominator"]] if s["denominator"] is not None else None,
            factor=Decimal(100) if s["basis"] == "ratio" else Decimal(1),
            direction=s["direction"],
            decimals=s["decimals"],
            method=s["method"],
            params=s["params"],
            frequency=s["frequency"],
            display_order=s["j"],
        )
        for s in specs
    )
    return ruleset


# -- synthetic values, the engine, synthetic gaps -----------------------------------------------


def make_values(rng: np.random.Generator, year: int, codes: list[str], level) -> pd.DataFrame:
    """Year-to-date values and last year's, 12 months x counties x indicators: each county's
    growth has a lasting part, so ranks move a little from month to month, as they do."""
    n_c, n_i = level.shape
    county_effect = rng.normal(0, 3, size=(n_c, 1))
    indicator_effect = rng.normal(0, 2, size=(1, n_i))
    persistent = 6 + county_effect + indicator_effect + rng.normal(0, 2, size=(n_c, n_i))
    frames = []
    for month in range(1, 13):
        growth = persistent + rng.normal(0, 0.6, size=(n_c, n_i))
        prior = np.round(level * month, 4)
        value = np.round(prior * (1 + growth / 100), 4)
        value[rng.random((n_c, n_i)) < 0.003] = np.nan  # a few missing figures
        frames.append(
            pd.DataFrame(
                {
                    "county": np.repeat(np.arange(n_c), n_i),
                    "indicator": np.tile(np.arange(n_i), n_c),
                    "period": f"{year}-{month:02d}",
                    "value": value.reshape(-1),
                    "prior_value": prior.reshape(-1),
                }
            )
        )
    values = pd.concat(frames, ignore_index=True)
    return values
