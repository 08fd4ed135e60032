"""What supervision does when rankings move on: each new current run checks the open tasks
against its figures (可销号)."""

from __future__ import annotations

import logging

from django.dispatch import receiver

from rankings.signals import run_made_current

from .services import tasks_check_run

logger = logging.getLogger(__name__)


@receiver(run_made_current, dispatch_uid="supervision.check_tasks_on_new_run")
def check_tasks(sender, run, **kwargs) -> None:
    flagged = tasks_check_run(run=run)
    if flagged:
        logger.info("%s: tasks ready to close: %s", run.period, ", ".join(map(str, flagged)))
