"""Rank stability (排名稳定性分析): services and reads around StabilityJob.

stability_start creates a job and queues the task once the transaction commits;
stability_compute (called by the task) claims the job with a conditional UPDATE, reads the
period's approved values, bonus items and vetoes as the ranking does, runs the pure engine
(indicators.scoring.rank_stability) chunk by chunk, writes the progress between chunks, and
stores the result. A second worker for the same job finds it claimed and leaves it alone; a
worker whose claim was taken over (a stale job restarted) stops at its next progress write.

The result JSON, for the page and its chart:
    {"period": "2026-10", "ruleset": "...", "duration_ms": 35, "grouped": false,
     "firm_share": 0.9,
     "counties": [{"code", "name", "group", "base_rank", "base_total", "min", "q1", "median",
                   "q3", "max", "share_at_base", "firm", "ranks": [one per sample]}, ...]}
ordered by group, then base rank.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from counties.models import Period
from indicators.models import RuleSet
from indicators.scoring import RulesError, ScoringInputError, parse_rules, rank_stability
from indicators.scoring.stability import FIRM_SHARE
from indicators.selectors import ruleset_as_dict
from scorecard.roles import AnyUser

from ..access import can_run_stability
from ..models import StabilityJob
from ..selectors.inputs import engine_inputs
from ..selectors.stability import stability_periods

logger = logging.getLogger(__name__)

MAX_SAMPLES = 2000
DEFAULT_SAMPLES = 300
DEFAULT_SPREAD = Decimal("0.2")
CHUNK = 50
# A running job whose worker has not written progress for this long is taken to be lost (the
# worker killed); the task's retry may then claim it again.
STALE_AFTER = timedelta(minutes=5)


class _ClaimLost(Exception):
    """Another worker now owns the job: stop without writing anything."""


def stability_start(
    *,
    ruleset: RuleSet,
    period: Period,
    samples: int = DEFAULT_SAMPLES,
    spread: Decimal = DEFAULT_SPREAD,
    seed: int = 0,
    user: AnyUser,
) -> StabilityJob:
    """Create an analysis job and queue its computation once the transaction commits."""
    from ..tasks import enqueue_stability  # tasks imports this module

    if not can_run_stability(user):
        raise PermissionDenied(_("只有市级用户（审核员、市领导、管理员）可以进行排名稳定性分析。"))
    assert isinstance(user, User)  # the check above admits signed-in users only
    errors = {}
    if not 1 <= samples <= MAX_SAMPLES:
        errors["samples"] = _("抽样次数须在 1 到 %(max)d 次之间。") % {"max": MAX_SAMPLES}
    if not Decimal(0) <= spread <= Decimal("0.9"):
        errors["spread"] = _("权重浮动幅度须在 0% 到 90% 之间。")
    if seed < 0:
        errors["seed"] = _("随机种子须为不小于 0 的整数。")
    if ruleset.year != period.year:
        errors["period"] = _("所选期次不在该考核规则的年度（%(year)d年）内。") % {
            "year": ruleset.year
        }
    elif not stability_periods().filter(pk=period.pk).exists():
        errors["period"] = _("该期还没有审核通过的数据。")
    if errors:
        raise ValidationError(errors)
    job = StabilityJob.objects.create(
        ruleset=ruleset,
        period=period,
        samples=samples,
        spread=spread,
        seed=seed,
        created_by=user,
    )
    enqueue_stability(job)
    return job


def stability_mark_failed(*, job: StabilityJob, error: str) -> None:
    """Record that the job could not run (e.g. the queue was unreachable)."""
    StabilityJob.objects.filter(pk=job.pk).exclude(
        status__in=[StabilityJob.Status.SUCCEEDED, StabilityJob.Status.FAILED]
    ).update(status=StabilityJob.Status.FAILED, error=error[:4000], finished_at=timezone.now())


def _claim(job: StabilityJob) -> StabilityJob | None:
    """Move the job to running; None when another worker has it (or it has finished)."""
    now = timezone.now()
    claimable = Q(status=StabilityJob.Status.QUEUED) | Q(
        status=StabilityJob.Status.RUNNING, started_at__lt=now - STALE_AFTER
    )
    claimed = StabilityJob.objects.filter(claimable, pk=job.pk).update(
        status=StabilityJob.Status.RUNNING, started_at=now, done=0, error=""
    )
    if claimed != 1:
        return None
    job.refresh_from_db()
    return job


def _inputs(job: StabilityJob):
    rules = parse_rules(ruleset_as_dict(job.ruleset))
    inputs = engine_inputs(job.period, rules, ruleset=job.ruleset_id)
    return {
        "values": inputs.values,
        "rules": rules,
        "counties": inputs.counties,
        "bonuses": inputs.bonuses,
        "vetoes": inputs.vetoes,
        "base_ranks": inputs.base_ranks or None,
        "targets": inputs.targets,
        "exemptions": inputs.exemptions,
    }


def _number(value: float) -> float | None:
    return None if value is None or math.isnan(value) else round(float(value), 4)


def _result_json(job: StabilityJob, result, duration_ms: int) -> dict:
    ranks = result.samples.pivot(index="sample", columns="county", values="rank")
    counties = []
    for row in result.summary.itertuples(index=False):
        counties.append(
            {
                "code": row.county,
                "name": row.name,
                "group": row.group,
                "base_rank": int(row.base_rank),
                "base_total": _number(row.base_total),
                "min": int(row.min),
                "q1": _number(row.q1),
                "median": _number(row.median),
                "q3": _number(row.q3),
                "max": int(row.max),
                "share_at_base": _number(row.share_at_base),
                "firm": bool(row.firm),
                "ranks": [int(r) for r in ranks[row.county].tolist()],
            }
        )
    return {
        "period": result.period,
        "ruleset": str(job.ruleset),
        "duration_ms": duration_ms,
        "grouped": any(c["group"] for c in counties),
        "firm_share": FIRM_SHARE,
        "counties": counties,
    }


def _fail(mine: QuerySet[StabilityJob], error: str) -> None:
    mine.update(status=StabilityJob.Status.FAILED, error=error[:4000], finished_at=timezone.now())


def stability_compute(*, job: StabilityJob) -> StabilityJob:
    """Run the analysis of a queued job and store its result (or its error).

    Returns the job as stored afterwards; when another worker holds the claim, returns it
    untouched. Database errors propagate so that the task can retry.
    """
    claimed = _claim(job)
    if claimed is None:
        logger.info("stability job %s is not claimable (another worker has it)", job.pk)
        job.refresh_from_db()
        return job
    job = claimed
    token = job.started_at
    mine = StabilityJob.objects.filter(
        pk=job.pk, status=StabilityJob.Status.RUNNING, started_at=token
    )

    def progress(done: int, total: int) -> None:
        if mine.update(done=done) != 1:
            raise _ClaimLost

    clock = time.perf_counter()
    try:
        result = rank_stability(
            **_inputs(job),
            samples=job.samples,
            spread=float(job.spread),
            seed=job.seed,
            chunk_size=CHUNK,
            progress=progress,
        )
    except _ClaimLost:
        logger.warning("stability job %s was taken over by another worker", job.pk)
        job.refresh_from_db()
        return job
    except DatabaseError:
        raise  # the task retries; the claim goes stale and is taken again
    except (RulesError, ScoringInputError, ValueError) as exc:
        _fail(mine, str(exc))
        job.refresh_from_db()
        return job
    except Exception as exc:
        logger.exception("stability job %s failed", job.pk)
        _fail(mine, f"{type(exc).__name__}: {exc}")
        job.refresh_from_db()
        return job
    duration_ms = int((time.perf_counter() - clock) * 1000)
    with transaction.atomic():
        mine.update(
            status=StabilityJob.Status.SUCCEEDED,
            done=job.samples,
            result=_result_json(job, result, duration_ms),
            finished_at=timezone.now(),
        )
    logger.info(
        "stability job %s: %d samples of %s in %d ms", job.pk, job.samples, job.period, duration_ms
    )
    job.refresh_from_db()
    return job
