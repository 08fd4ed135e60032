"""Recompute rankings when their inputs change: a submission approved, a rule set published."""

from __future__ import annotations

from django.dispatch import receiver

from counties.models import Period
from counties.signals import submission_approved, submission_reopened
from indicators.signals import ruleset_published

from .models import RankingRun
from .tasks import enqueue_recompute


@receiver(submission_approved, dispatch_uid="rankings.recompute_on_approval")
@receiver(submission_reopened, dispatch_uid="rankings.recompute_on_reopen")
def recompute_on_approval(sender, submission, user=None, **kwargs) -> None:
    enqueue_recompute(
        submission.period, trigger=RankingRun.Trigger.APPROVAL, user_id=getattr(user, "pk", None)
    )


@receiver(ruleset_published, dispatch_uid="rankings.recompute_on_publish")
def recompute_on_publish(sender, ruleset, user=None, **kwargs) -> None:
    """The year's first period; the task follows on through the later months."""
    first = Period.objects.filter(year=ruleset.year).order_by("month").first()
    if first is not None:
        enqueue_recompute(
            first, trigger=RankingRun.Trigger.RULESET, user_id=getattr(user, "pk", None)
        )
