"""Celery tasks: take ids, call the service, own their retries."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from counties.models import Period

from .models import RankingRun, StabilityJob

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def recompute(
    self, period_id: int, trigger: str = RankingRun.Trigger.APPROVAL, user_id: int | None = None
) -> dict:
    """Recompute a period's ranking, then the later months of its year whose rank changes
    depend on it. Idempotent: unchanged inputs write nothing."""
    from django.contrib.auth import get_user_model

    from .services import rankings_recompute_from  # services queue tasks: import at run time

    period = Period.objects.get(pk=period_id)
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    outcomes = rankings_recompute_from(
        period=period, trigger=RankingRun.Trigger(trigger), user=user
    )
    return {o.run.period.key if o.run else period.key: str(o.status) for o in outcomes}


@shared_task(acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def recompute_open_year(year: int | None = None, trigger: str = RankingRun.Trigger.NIGHTLY) -> dict:
    """Nightly, and twice an hour to catch up (trigger catch_up): recompute every period of the
    open assessment year, in month order. Months whose inputs have not changed write nothing."""
    from .services import rankings_recompute_year

    year = year or timezone.localdate().year
    outcomes = rankings_recompute_year(year=year, trigger=RankingRun.Trigger(trigger))
    return {o.run.period.key if o.run else str(i): str(o.status) for i, o in enumerate(outcomes)}


def enqueue_recompute(
    period: Period, *, trigger: RankingRun.Trigger, user_id: int | None = None
) -> None:
    """Queue a recompute once the current transaction commits, without making the user wait.

    With the broker down the enqueue fails fast (short connection timeouts in settings) and is
    logged; the nightly run recomputes the year anyway.
    """

    def send() -> None:
        try:
            recompute.apply_async(
                args=[period.pk], kwargs={"trigger": trigger, "user_id": user_id}, retry=False
            )
        except Exception as exc:  # noqa: BLE001 - a broker error must not fail the request
            logger.warning(
                "could not queue the ranking recompute of %s (%s); the nightly run will catch up",
                period.key,
                exc,
            )

    transaction.on_commit(send)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=3,
)
def stability_run(job_id: int) -> dict:
    """Compute a rank-stability analysis; a job another worker holds is left alone."""
    from .services.stability import stability_compute

    job = StabilityJob.objects.filter(pk=job_id).select_related("ruleset", "period").first()
    if job is None:
        return {"job": job_id, "status": "missing"}
    job = stability_compute(job=job)
    return {"job": job_id, "status": job.status, "done": job.done}


def enqueue_stability(job) -> None:
    """Queue a stability analysis once the current transaction commits. With the broker down
    the job is marked failed at once, with a message the page shows."""
    from django.utils.translation import gettext as _

    from .services.stability import stability_mark_failed

    def send() -> None:
        try:
            stability_run.apply_async(args=[job.pk], retry=False)
        except Exception as exc:  # noqa: BLE001 - a broker error must not fail the request
            logger.warning("could not queue stability job %s (%s)", job.pk, exc)
            message = _("无法提交计算任务（任务队列不可用），请稍后重试。")
            stability_mark_failed(job=job, error=message)

    transaction.on_commit(send)
