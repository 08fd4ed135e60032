"""Reads of annual targets: the version in force, the grid, sums that do not add up, and the
frame the engine's progress functions take."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import pandas as pd
from django.db.models import QuerySet

from counties.models import County
from indicators.models import Indicator

from .models import Schedule, Target, TargetSet

CITY_CODE = "city"  # the county column of the city's own row in frames


def published_target_set(year: int) -> TargetSet | None:
    """The year's targets in force: the newest published version."""
    return (
        TargetSet.objects.filter(year=year, status=TargetSet.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )


def draft_target_set(year: int) -> TargetSet | None:
    return TargetSet.objects.filter(year=year, status=TargetSet.Status.DRAFT).first()


def target_indicators(year: int) -> dict[str, Indicator]:
    """The indicators that take targets in a year: those the year's published rule set scores
    (every active indicator while it has none), by code, in display order."""
    from indicators.selectors import ruleset_published_for_year

    ruleset = ruleset_published_for_year(year)
    queryset = Indicator.objects.filter(is_active=True)
    if ruleset is not None:
        queryset = Indicator.objects.filter(
            id__in=ruleset.indicators.values_list("indicator_id", flat=True)
        )
    ordered = queryset.select_related("category").order_by(
        "category__display_order", "display_order", "code"
    )
    return {ind.code: ind for ind in ordered}


@dataclass(frozen=True)
class SumMismatch:
    indicator: Indicator
    city: Decimal
    counties: Decimal  # the sum of the counties' value targets

    @property
    def difference(self) -> Decimal:
        return self.counties - self.city


def sum_mismatches(target_set: TargetSet) -> list[SumMismatch]:
    """Additive indicators where the city has a value target and the counties' value targets
    do not add up to it (every active county with a value target, or the sum is not judged)."""
    counties = County.objects.filter(is_active=True).count()
    rows = Target.objects.filter(target_set=target_set, kind=Target.Kind.VALUE).select_related(
        "indicator"
    )
    city: dict[int, Decimal] = {}
    sums: dict[int, tuple[Decimal, int]] = {}
    indicators: dict[int, Indicator] = {}
    for row in rows:
        indicators[row.indicator_id] = row.indicator
        if row.county_id is None:
            city[row.indicator_id] = row.value
        else:
            total, n = sums.get(row.indicator_id, (Decimal(0), 0))
            sums[row.indicator_id] = (total + row.value, n + 1)
    mismatches = []
    for indicator_id, target in city.items():
        indicator = indicators[indicator_id]
        total, n = sums.get(indicator_id, (Decimal(0), 0))
        if indicator.is_summable and n == counties and total != target:
            mismatches.append(SumMismatch(indicator, target, total))
    return sorted(mismatches, key=lambda m: (m.indicator.display_order, m.indicator.code))


def targets_fingerprint(target_set: TargetSet) -> str:
    """A digest of the set's targets and schedules as stored now: the grid carries the one it
    was drawn from, so that a save over someone else's later changes is refused."""
    rows = sorted(
        (str(c), str(i), k, str(v))
        for c, i, k, v in Target.objects.filter(target_set=target_set).values_list(
            "county_id", "indicator_id", "kind", "value"
        )
    )
    plans = sorted(
        (str(c), str(i), json.dumps(s))
        for c, i, s in Schedule.objects.filter(target_set=target_set).values_list(
            "county_id", "indicator_id", "shares"
        )
    )
    text = json.dumps([rows, plans], ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def targets_of(target_set: TargetSet) -> QuerySet[Target]:
    return target_set.targets.select_related("county", "indicator")


@dataclass(frozen=True)
class GridCell:
    kind: str | None
    value: Decimal | None


def target_grid(
    target_set: TargetSet, counties: list[County], indicators: list[Indicator]
) -> dict[tuple[str | None, str], GridCell]:
    """Every (county code or None for the city, indicator code) cell that has a target."""
    wanted = {c.pk for c in counties}
    cells = {}
    for row in targets_of(target_set):
        if row.county_id is not None and row.county_id not in wanted:
            continue
        code = row.county.code if row.county is not None else None
        cells[(code, row.indicator.code)] = GridCell(row.kind, row.value)
    return cells


def schedules_of(target_set: TargetSet) -> dict[tuple[str, str | None], list]:
    """(indicator code, county code or None for every county) -> twelve cumulative percents."""
    return {
        (s.indicator.code, s.county.code if s.county is not None else None): s.shares
        for s in target_set.schedules.select_related("indicator", "county")
    }


def targets_frame(target_set: TargetSet) -> pd.DataFrame:
    """The targets as the engine's progress() takes them: county (CITY_CODE for the city),
    indicator, target_kind, target (float), schedule (twelve shares of 1, or None: month/12).
    A county's own schedule comes before the indicator's schedule for every county.

    A published set never changes, so its frame is read once per process and copied out (every
    recompute of its year reads it); a draft's is read afresh."""
    if target_set.is_published and target_set.published_at is not None:
        key = (target_set.pk, target_set.version, target_set.published_at.isoformat())
        return _published_frame(key).copy()
    return _read_frame(target_set.pk)


@lru_cache(maxsize=16)
def _published_frame(key: tuple[int, int, str]) -> pd.DataFrame:
    """Keyed by the set's id, version and publication time, so that an id a test database
    hands out again never finds another set's frame."""
    return _read_frame(key[0])


def _read_frame(target_set_id: int) -> pd.DataFrame:
    """Two queries: the targets and the schedules, as plain values."""
    schedules: dict[tuple[str, str | None], list] = {
        (indicator, county): shares
        for indicator, county, shares in Schedule.objects.filter(
            target_set_id=target_set_id
        ).values_list("indicator__code", "county__code", "shares")
    }

    def shares(indicator: str, county: str | None) -> tuple[float, ...] | None:
        found = schedules.get((indicator, county)) or schedules.get((indicator, None))
        return tuple(float(s) / 100 for s in found) if found else None

    rows = [
        (
            county or CITY_CODE,
            indicator,
            kind,
            float(value),
            shares(indicator, county),
        )
        for county, indicator, kind, value in Target.objects.filter(
            target_set_id=target_set_id
        ).values_list("county__code", "indicator__code", "kind", "value")
    ]
    columns = ["county", "indicator", "target_kind", "target", "schedule"]
    return pd.DataFrame(rows, columns=columns)


# ------------------------------------------------------------- for the pages and the workbook


def default_target_kinds(year: int) -> dict[str, str]:
    """The kind of target an indicator takes where none is stored yet: a growth target where the
    year's published rule set scores the indicator's growth, a value target otherwise."""
    from indicators.models import RuleSetIndicator
    from indicators.selectors import ruleset_published_for_year

    ruleset = ruleset_published_for_year(year)
    if ruleset is None:
        return {}
    growth = ruleset.indicators.filter(basis=RuleSetIndicator.Basis.GROWTH)
    return {code: Target.Kind.GROWTH for code in growth.values_list("indicator__code", flat=True)}


def target_sets_by_year(target_sets: QuerySet[TargetSet]) -> list[tuple[int, list[TargetSet]]]:
    """The given versions grouped by year, newest year and version first, each with
    `n_targets` (how many targets it holds) and its publisher loaded."""
    from django.db.models import Count

    rows = (
        target_sets.select_related("published_by", "created_by")
        .annotate(n_targets=Count("targets"))
        .order_by("-year", "-version")
    )
    years: dict[int, list[TargetSet]] = {}
    for row in rows:
        years.setdefault(row.year, []).append(row)
    return list(years.items())
