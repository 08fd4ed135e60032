"""Recomputing a period's ranking: selector -> DataFrame -> engine -> bulk write -> switch.

The whole write happens in one transaction, under a row lock on the period so that at most one
recompute of a period runs at a time. The period's `is_current` run changes only when the new run
has been written in full; a failure (or a killed worker) leaves the previous ranking as it was.
Identical inputs (same checksum as the current run) write nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pandas as pd
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from counties.access import AnyUser
from counties.models import County, Period
from indicators.models import Category, Indicator, RuleSet
from indicators.scoring import gaps, parse_rules, score
from indicators.scoring.explain import explain_improvement, explain_result, explain_total
from indicators.selectors import ruleset_as_dict, ruleset_published_for_year
from scorecard.bulk import rows_insert
from targets.models import TargetSet

from ..convert import decimal_or_none, flag_list, int_or_none
from ..models import (
    CategoryResult,
    CountyResult,
    IndicatorReference,
    IndicatorResult,
    RankingRun,
)
from ..selectors.inputs import engine_inputs, run_current
from ..selectors.progress import progress_inputs
from ..signals import ranking_published, run_made_current
from .annual import annual_frame, annual_write
from .progress import progress_frame, progress_write

logger = logging.getLogger(__name__)

# The stored columns, in the order _write_run gives each row's values.
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
INDICATOR_FIELDS = [
    "run_id",
    "county_id",
    "indicator_id",
    "value",
    "prior_value",
    "basis",
    "rank",
    "score",
    "flags",
    "formula",
    "gap_basis",
    "gap_value",
    "gap_rank",
    "gap_total_rank",
    "gap_points",
    "gap_kind",
]


class Outcome(StrEnum):
    COMPUTED = "computed"  # a new run was written and made current
    UNCHANGED = "unchanged"  # same inputs and rule set as the current run: nothing written
    NO_RULES = "no_rules"  # the year has no published rule set


@dataclass(frozen=True)
class RecomputeOutcome:
    status: Outcome
    run: RankingRun | None = None
    detail: str = ""


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def inputs_checksum(
    *,
    rules: dict[str, Any],
    values: pd.DataFrame,
    counties: pd.DataFrame,
    bonuses: pd.DataFrame,
    vetoes: list[str],
    previous_ranks: dict[str, int],
    base_ranks: dict[str, int],
    targets: dict[str, Any] | None = None,
) -> str:
    """A SHA-256 of everything that decides a ranking (and the progress and warnings stored
    with it), in a canonical order."""

    def records(frame: pd.DataFrame) -> list[list[Any]]:
        ordered = frame.sort_values(list(frame.columns)).astype(object)
        return ordered.where(ordered.notna(), None).values.tolist()

    payload = {
        "rules": rules,
        "values": records(values),
        "counties": records(counties),
        "bonuses": records(bonuses),
        "vetoes": sorted(vetoes),
        "previous_ranks": sorted(previous_ranks.items()),
        "base_ranks": sorted(base_ranks.items()),
    }
    if targets:  # a year without targets keeps the checksum it always had
        payload["targets"] = targets
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=_json_default)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def actor(user: AnyUser | None) -> User | None:
    """The signed-in user who triggered a run; None for the system (nightly, commands)."""
    return user if user is not None and user.is_authenticated else None


def ranking_recompute(
    *,
    period: Period,
    trigger: RankingRun.Trigger,
    user: AnyUser | None = None,
    force: bool = False,
) -> RecomputeOutcome:
    """Score the period with its year's published rule set and make the result current."""
    ruleset = ruleset_published_for_year(period.year)
    if ruleset is None:
        return RecomputeOutcome(Outcome.NO_RULES, detail=f"no published rule set for {period.year}")
    started = timezone.now()
    clock = time.perf_counter()
    checksum = ""
    try:
        with transaction.atomic():
            # One recompute per period at a time: the second waits here, then finds its
            # inputs already scored (same checksum) and writes nothing.
            Period.objects.select_for_update().filter(pk=period.pk).first()
            rules_dict = ruleset_as_dict(ruleset)
            rules = parse_rules(rules_dict)
            inputs = engine_inputs(period, rules)
            targets_in = progress_inputs(
                period, [i.code for i in rules.indicators], inputs.target_set
            )
            checksum = inputs_checksum(
                rules=rules_dict,
                values=inputs.values,
                counties=inputs.counties,
                bonuses=inputs.bonuses,
                vetoes=inputs.vetoes,
                previous_ranks=inputs.previous_ranks,
                base_ranks=inputs.base_ranks,
                targets=targets_in.checksum_part(),
            )
            current = run_current(period)
            if (
                not force
                and current is not None
                and current.input_checksum == checksum
                and current.ruleset_id == ruleset.pk
            ):
                return RecomputeOutcome(Outcome.UNCHANGED, run=current)
            result = score(inputs.values, rules, inputs.counties, **inputs.as_kwargs())
            gap = gaps(
                inputs.values,
                rules,
                inputs.counties,
                bonuses=inputs.bonuses,
                vetoes=inputs.vetoes,
                base_ranks=inputs.base_ranks or None,
                whole=inputs.whole,
                targets=inputs.targets,
                scored=result,
            )
            measured = progress_frame(inputs.values, period, targets_in, rules.warnings)
            yearly = annual_frame(
                period, result.counties[result.counties["period"] == period.key], rules
            )
            run = _write_run(
                annual=yearly,
                gaps=gap,
                progress=measured,
                target_set=targets_in.target_set,
                grouped=rules.peer_groups is not None,
                period=period,
                ruleset=ruleset,
                checksum=checksum,
                trigger=trigger,
                user=user,
                started=started,
                clock=clock,
                result=result,
            )
            RankingRun.objects.filter(period=period, is_current=True).update(is_current=False)
            run.is_current = True
            run.supersedes = current
            fields = ["is_current", "supersedes"]
            republish = {
                RankingRun.Trigger.RULESET: RankingRun.PublishReason.RULESET,
                RankingRun.Trigger.TARGETS: RankingRun.PublishReason.TARGETS,
            }
            if trigger in republish and _was_published(period):
                # A new version of the year's rules or targets: a period its counties have seen
                # is published again under the new version in the same transaction, so leaders
                # and counties never see two versions of one period.
                run.is_published = True
                run.published_at = timezone.now()
                run.published_by = actor(user)
                run.publish_reason = republish[trigger]
                fields += ["is_published", "published_at", "published_by", "publish_reason"]
            run.save(update_fields=fields)
            transaction.on_commit(
                lambda: run_made_current.send(sender=RankingRun, run=run), robust=True
            )
            if run.is_published:  # published again under new rules or targets
                transaction.on_commit(
                    lambda: ranking_published.send(sender=RankingRun, run=run), robust=True
                )
    except Exception as exc:
        logger.exception("ranking recompute of %s failed", period.key)
        _record_failure(
            period=period,
            ruleset=ruleset,
            checksum=checksum,
            trigger=trigger,
            user=user,
            started=started,
            clock=clock,
            error=exc,
        )
        raise
    logger.info(
        "ranking of %s recomputed with %s in %d ms (%s)",
        period.key,
        ruleset,
        run.duration_ms,
        trigger,
        extra={
            "event": "recompute",
            "period": period.key,
            "run": run.pk,
            "ruleset": ruleset.pk,
            "ms": run.duration_ms,
            "trigger": str(trigger),
        },
    )
    return RecomputeOutcome(Outcome.COMPUTED, run=run)


def _write_run(
    *,
    period: Period,
    ruleset: RuleSet,
    checksum: str,
    trigger: RankingRun.Trigger,
    user: AnyUser | None,
    started: datetime,
    clock: float,
    result,
    gaps: pd.DataFrame | None = None,
    progress: pd.DataFrame | None = None,
    annual: pd.DataFrame | None = None,
    target_set: TargetSet | None = None,
    grouped: bool,
) -> RankingRun:
    county_ids = dict(County.objects.order_by().values_list("code", "id"))
    indicator_ids = dict(Indicator.objects.order_by().values_list("code", "id"))
    category_ids = dict(Category.objects.order_by().values_list("code", "id"))
    counties = result.counties[result.counties["period"] == period.key]
    rules = result.rules
    formulas = explain_result(result, period=period.key)
    formula_of = {
        (c, i): f
        for c, i, f in zip(
            formulas["county"], formulas["indicator"], formulas["formula"], strict=True
        )
    }
    run = RankingRun.objects.create(
        period=period,
        ruleset=ruleset,
        input_checksum=checksum,
        status=RankingRun.Status.SUCCEEDED,
        trigger=trigger,
        triggered_by=actor(user),
        started_at=started,
        finished_at=started,
        duration_ms=0,
        counties_scored=int(counties["total"].notna().sum()),
        counties_expected=int(counties["ranked"].astype(bool).sum()),
        counties_ranked=int(counties["rank"].notna().sum()),
        target_set=target_set,
    )
    rows_insert(
        CountyResult,
        COUNTY_FIELDS,
        (
            (
                run.pk,
                county_ids[row.county],
                decimal_or_none(row.base_total),
                decimal_or_none(row.bonus) or Decimal(0),
                decimal_or_none(row.penalty) or Decimal(0),
                decimal_or_none(row.improvement) or Decimal(0),
                int_or_none(row.base_rank),
                int_or_none(row.first_rank),
                bool(row.vetoed),
                decimal_or_none(row.total),
                int_or_none(row.rank),
                int_or_none(row.rank_change),
                row.tier if isinstance(row.tier, str) else "",
                str(row.group) if grouped and isinstance(row.group, str) else "",
                flag_list(row.flags),
                explain_total(
                    rules,
                    base_total=row.base_total,
                    bonus=row.bonus,
                    penalty=row.penalty,
                    improvement=row.improvement,
                ).formula,
                explain_improvement(
                    rules, base_rank=row.base_rank, first_rank=row.first_rank
                ).formula,
            )
            for row in counties.itertuples(index=False)
        ),
    )
    categories = result.categories[result.categories["period"] == period.key]
    rows_insert(
        CategoryResult,
        ["run_id", "county_id", "category_id", "subtotal", "rank"],
        (
            (
                run.pk,
                county_ids[row.county],
                category_ids[row.category],
                decimal_or_none(row.subtotal),
                int_or_none(row.rank),
            )
            for row in categories.itertuples(index=False)
        ),
    )
    indicators = result.indicators[result.indicators["period"] == period.key]
    gap_of = {} if gaps is None else {(g.county, g.indicator): g for g in gaps.itertuples()}
    rows_insert(
        IndicatorResult,
        INDICATOR_FIELDS,
        (
            (
                run.pk,
                county_ids[row.county],
                indicator_ids[row.indicator],
                decimal_or_none(row.value, 4),
                decimal_or_none(row.prior_value, 4),
                decimal_or_none(row.basis),
                int_or_none(row.rank),
                decimal_or_none(row.score),
                flag_list(row.flags),
                formula_of.get((row.county, row.indicator), ""),
                *_gap_fields(gap_of.get((row.county, row.indicator))),
            )
            for row in indicators.itertuples(index=False)
        ),
    )
    references = result.references[result.references["period"] == period.key]
    # how many counties of each indicator's comparison set have a place on it
    group_label = {
        str(c): (str(g) if grouped and isinstance(g, str) else "")
        for c, g in zip(counties["county"], counties["group"], strict=True)
    }
    placed = indicators["rank"].notna().to_numpy()
    ranked_n = Counter(
        (str(indicator), group_label[str(county)])
        for indicator, county in zip(
            indicators["indicator"].to_numpy()[placed],
            indicators["county"].to_numpy()[placed],
            strict=True,
        )
    )

    def group_of(row: Any) -> str:
        return str(row.group) if grouped and isinstance(row.group, str) else ""

    rows_insert(
        IndicatorReference,
        ["run_id", "indicator_id", "peer_group", "count", "ranked", "best", "worst", "mean", "std"],
        (
            (
                run.pk,
                indicator_ids[row.indicator],
                group_of(row),
                int(row.count),
                int(ranked_n.get((str(row.indicator), group_of(row)), 0)),
                decimal_or_none(row.best),
                decimal_or_none(row.worst),
                decimal_or_none(row.mean),
                decimal_or_none(row.std),
            )
            for row in references.itertuples(index=False)
        ),
    )
    if annual is not None:
        annual_write(run=run, frame=annual, county_ids=county_ids)
    if progress is not None:
        progress_write(run=run, frame=progress, county_ids=county_ids, indicator_ids=indicator_ids)
    finished = timezone.now()
    run.finished_at = finished
    run.duration_ms = int((time.perf_counter() - clock) * 1000)
    run.save(update_fields=["finished_at", "duration_ms"])
    return run


NO_GAP = (None, None, None, None, None, "")


def _gap_fields(gap: Any) -> tuple[Any, ...]:
    """The gap_* columns of an indicator result, in INDICATOR_FIELDS order."""
    if gap is None:
        return NO_GAP
    return (
        decimal_or_none(gap.target_basis),
        decimal_or_none(gap.target_value, 4),
        int_or_none(gap.new_rank),
        int_or_none(gap.new_total_rank),
        decimal_or_none(gap.points, 4),
        str(gap.kind),
    )


def _was_published(period: Period) -> bool:
    """Whether the period's counties have seen a ranking of it (any run ever published)."""
    return RankingRun.objects.filter(period=period, is_published=True).exists()


def _record_failure(
    *,
    period: Period,
    ruleset: RuleSet,
    checksum: str,
    trigger: RankingRun.Trigger,
    user: AnyUser | None,
    started: datetime,
    clock: float,
    error: Exception,
) -> None:
    try:
        RankingRun.objects.create(
            period=period,
            ruleset=ruleset,
            input_checksum=checksum,
            status=RankingRun.Status.FAILED,
            trigger=trigger,
            triggered_by=actor(user),
            started_at=started,
            finished_at=timezone.now(),
            duration_ms=int((time.perf_counter() - clock) * 1000),
            error=f"{type(error).__name__}: {error}"[:4000],
        )
    except Exception:  # the database itself may be what failed
        logger.exception("could not record the failed run of %s", period.key)


def rankings_recompute_from(
    *,
    period: Period,
    trigger: RankingRun.Trigger,
    user: AnyUser | None = None,
    through_unchanged: bool = False,
    progress: Callable[[Period, RecomputeOutcome], object] | None = None,
) -> list[RecomputeOutcome]:
    """Recompute `period`, then the later months of its year in month order: each month's rank
    change builds on the month before, so a change carries forward. The one cascade.

    It stops after the first month whose recompute writes nothing (unchanged inputs: nothing
    after it can have changed either), unless `through_unchanged` (the nightly run and the
    command go through the whole year whatever they find).
    """
    outcomes = []
    periods = Period.objects.filter(year=period.year, month__gte=period.month).order_by("month")
    for current in periods:
        outcome = ranking_recompute(period=current, trigger=trigger, user=user)
        outcomes.append(outcome)
        if progress is not None:
            progress(current, outcome)
        if outcome.status != Outcome.COMPUTED and not through_unchanged:
            break
    return outcomes


def rankings_recompute_year(
    *,
    year: int,
    trigger: RankingRun.Trigger,
    progress: Callable[[Period, RecomputeOutcome], object] | None = None,
) -> list[RecomputeOutcome]:
    """Recompute every period of a year in month order, through unchanged months."""
    first = Period.objects.filter(year=year).order_by("month").first()
    if first is None:
        return []
    return rankings_recompute_from(
        period=first, trigger=trigger, through_unchanged=True, progress=progress
    )
