"""What supervision does when the apps upstream move on: each new current run checks the open
tasks against its figures (可销号); a published ranking and a returned report notify the users
concerned."""

from __future__ import annotations

import logging

from django.dispatch import receiver

from counties.signals import submission_returned
from rankings.signals import ranking_published, run_made_current

from .services import tasks_check_run
from .services.notifications import notify_ranking_published, notify_submission_returned

logger = logging.getLogger(__name__)


@receiver(run_made_current, dispatch_uid="supervision.check_tasks_on_new_run")
def check_tasks(sender, run, **kwargs) -> None:
    flagged = tasks_check_run(run=run)
    if flagged:
        logger.info("%s: tasks ready to close: %s", run.period, ", ".join(map(str, flagged)))


@receiver(ranking_published, dispatch_uid="supervision.notify_published")
def notify_published(sender, run, **kwargs) -> None:
    notify_ranking_published(run)


@receiver(submission_returned, dispatch_uid="supervision.notify_returned")
def notify_returned(sender, submission, reason="", **kwargs) -> None:
    notify_submission_returned(submission, reason)
