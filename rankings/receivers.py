"""Recompute rankings when their inputs change: a submission approved, a rule set published, an
admin change to a county, a period or a veto."""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import receiver

from counties.models import Period
from counties.signals import ranking_inputs_changed, submission_approved, submission_reopened
from indicators.signals import ruleset_published
from targets.signals import targets_published

from .models import RankingRun
from .tasks import enqueue_recompute


def _first_period(year: int) -> Period | None:
    """A year's first period: a recompute from it follows on through the later months."""
    return Period.objects.filter(year=year).order_by("month").first()


@receiver(submission_approved, dispatch_uid="rankings.recompute_on_approval")
@receiver(submission_reopened, dispatch_uid="rankings.recompute_on_reopen")
def recompute_on_approval(sender, submission, user=None, **kwargs) -> None:
    enqueue_recompute(
        submission.period, trigger=RankingRun.Trigger.APPROVAL, user_id=getattr(user, "pk", None)
    )


@receiver(ruleset_published, dispatch_uid="rankings.recompute_on_publish")
def recompute_on_publish(sender, ruleset, user=None, **kwargs) -> None:
    """The year's first period; the task follows on through the later months."""
    first = _first_period(ruleset.year)
    if first is not None:
        enqueue_recompute(
            first, trigger=RankingRun.Trigger.RULESET, user_id=getattr(user, "pk", None)
        )


@receiver(ranking_inputs_changed, dispatch_uid="rankings.recompute_on_inputs_changed")
def recompute_on_inputs_changed(
    sender,
    periods: Iterable[Period] = (),
    years: Iterable[int] = (),
    user=None,
    **kwargs,
) -> None:
    """Each named period, and the first period of each named year, once. A later month of a
    year whose first month is queued is queued too: the cascade stops at the first month it
    finds unchanged, which may come before the later month whose own inputs changed."""
    starts = {p.pk: p for p in periods}
    for year in years:
        first = _first_period(year)
        if first is not None:
            starts.setdefault(first.pk, first)
    for period in sorted(starts.values(), key=lambda p: (p.year, p.month)):
        enqueue_recompute(
            period, trigger=RankingRun.Trigger.ADMIN, user_id=getattr(user, "pk", None)
        )


@receiver(targets_published, dispatch_uid="rankings.recompute_on_targets")
def recompute_on_targets(sender, target_set, user=None, **kwargs) -> None:
    """New targets change every month's progress and warnings: the year from its first month."""
    first = _first_period(target_set.year)
    if first is not None:
        enqueue_recompute(
            first, trigger=RankingRun.Trigger.TARGETS, user_id=getattr(user, "pk", None)
        )
