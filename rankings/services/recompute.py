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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pandas as pd
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils import timezone

from counties.access import AnyUser
from counties.models import Period
from indicators.models import RuleSet
from indicators.scoring import gaps, parse_rules, score
from indicators.scoring.explain import explain_result
from indicators.selectors import ruleset_as_dict, ruleset_published_for_year
from scorecard.bulk import rows_insert
from targets.models import TargetSet

from ..models import CountyResult, RankingRun
from ..selectors.inputs import IMPUTATION_COLUMN, engine_inputs, run_current
from ..selectors.progress import progress_inputs
from ..signals import ranking_published, run_made_current
from .annual import annual_frame, annual_write
from .progress import progress_frame, progress_write
from .writer import (
    COUNTY_FIELDS,
    category_results_write,
    code_ids,
    county_rows,
    indicator_results_write,
    references_write,
)

logger = logging.getLogger(__name__)


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


def _records(frame: pd.DataFrame) -> list[list[Any]]:
    """The frame's rows as lists of plain values (None where missing), sorted by every column
    in turn with missing values last: what frame.sort_values(all columns) (a stable sort)
    then .astype(object) with None for NA gives, in plain Python."""
    na = pd.NA
    columns = [
        [
            None if v is None or v is na or (isinstance(v, float) and v != v) else v
            for v in frame[name].tolist()
        ]
        for name in frame.columns
    ]
    rows = [list(row) for row in zip(*columns, strict=True)]
    rows.sort(key=lambda row: [(True, 0) if v is None else (False, v) for v in row])
    return rows


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
    exemptions: pd.DataFrame | None = None,
) -> str:
    """A SHA-256 of everything that decides a ranking (and the progress and warnings stored
    with it), in a canonical order."""
    if IMPUTATION_COLUMN in counties.columns and not counties[IMPUTATION_COLUMN].astype(bool).any():
        counties = counties.drop(columns=[IMPUTATION_COLUMN])  # a city without regions
    payload = {
        "rules": rules,
        "values": _records(values),
        "counties": _records(counties),
        "bonuses": _records(bonuses),
        "vetoes": sorted(vetoes),
        "previous_ranks": sorted(previous_ranks.items()),
        "base_ranks": sorted(base_ranks.items()),
    }
    if targets:  # a year without targets keeps the checksum it always had
        payload["targets"] = targets
    if exemptions is not None and len(exemptions):  # so does a rule set without exemptions
        payload["exemptions"] = _records(exemptions[["county", "indicator"]])
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
            _period_lock(period)
            rules_dict = ruleset_as_dict(ruleset)
            rules = parse_rules(rules_dict)
            inputs = engine_inputs(period, rules, ruleset=ruleset)
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
                exemptions=inputs.exemptions,
            )
            current = _current_of(period)
            if (
                not force
                and current is not None
                and current.checksum == checksum
                and current.ruleset_id == ruleset.pk
            ):
                return RecomputeOutcome(Outcome.UNCHANGED, run=run_current(period))
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
                exemptions=inputs.exemptions,
                scored=result,
            )
            measured = progress_frame(
                inputs.values, period, targets_in, rules.warnings, inputs.exemptions
            )
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
            _current_cleared(period)
            run.is_current = True
            run.supersedes_id = current.pk if current is not None else None
            # the end of the write (_write_run) is saved with the switch, in one statement
            fields = ["finished_at", "duration_ms", "is_current", "supersedes"]
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
    """The run and its results, written with one COPY per table (rankings.services.writer); its
    finished_at and duration_ms are set here and saved with the switch to current."""
    ids = code_ids()
    counties = result.counties[result.counties["period"] == period.key]
    formulas = explain_result(result, period=period.key)
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
    # The county results first, through this module's rows_insert: the fault tests hook it
    # (tests/faults/slow_hook.py) to stop a worker in the middle of the write.
    rows_insert(
        CountyResult,
        COUNTY_FIELDS,
        county_rows(
            run_id=run.pk,
            counties=counties,
            rules=result.rules,
            county_ids=ids.counties,
            grouped=grouped,
        ),
    )
    category_results_write(
        run_id=run.pk,
        categories=result.categories[result.categories["period"] == period.key],
        ids=ids,
    )
    indicators = result.indicators[result.indicators["period"] == period.key]
    indicator_results_write(
        run_id=run.pk, indicators=indicators, formulas=formulas, gaps=gaps, ids=ids
    )
    references_write(
        run_id=run.pk,
        references=result.references[result.references["period"] == period.key],
        indicators=indicators,
        counties=counties,
        ids=ids,
        grouped=grouped,
    )
    if annual is not None:
        annual_write(run=run, frame=annual, county_ids=ids.counties)
    if progress is not None:
        progress_write(
            run=run, frame=progress, county_ids=ids.counties, indicator_ids=ids.indicators
        )
    run.finished_at = timezone.now()
    run.duration_ms = int((time.perf_counter() - clock) * 1000)
    return run


@dataclass(frozen=True)
class CurrentRun:
    """What a recompute needs of the period's current run: the checksum and rule set its
    inputs were scored with, and its id (the run a new one supersedes)."""

    pk: int
    checksum: str
    ruleset_id: int


def _period_lock(period: Period) -> None:
    """Lock the period's row until the transaction ends (SELECT ... FOR UPDATE; SQLite, which
    has no row locks, writes one transaction at a time)."""
    sql = "SELECT id FROM counties_period WHERE id = %s"
    if connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    with connection.cursor() as cursor:
        cursor.execute(sql, [period.pk])


def _current_of(period: Period) -> CurrentRun | None:
    """The period's current run (read after the lock: a recompute that held it has switched)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, input_checksum, ruleset_id FROM rankings_rankingrun"
            " WHERE period_id = %s AND is_current = %s",
            [period.pk, True],
        )
        row = cursor.fetchone()
    return CurrentRun(*row) if row is not None else None


def _current_cleared(period: Period) -> None:
    """The period's current run is current no more (the new one takes its place next)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE rankings_rankingrun SET is_current = %s"
            " WHERE period_id = %s AND is_current = %s",
            [False, period.pk, True],
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
