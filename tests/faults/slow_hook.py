"""Loaded only into a Celery worker that a fault test starts (`celery worker --include
tests.faults.slow_hook`): with FAULT_BLOCK_KEY set, the first recompute to write its new run
(the RankingRun row, inside the recompute's open transaction, with the period's row locked)
records its process id under that Redis key and then waits there, so that the test can kill
the worker in the middle of a recompute.

It hooks the run's creation (post_save), not a function of the writer, so that it keeps
working however the results are written. Only the process that claims the key first waits
(SET NX): a recompute redelivered to the same worker, or to a later one, runs through. The wait
is bounded (FAULT_BLOCK_SECONDS) so that a worker the test failed to kill still ends.
"""

from __future__ import annotations

import os
import time

from celery.signals import task_prerun

BLOCK_KEY = os.environ.get("FAULT_BLOCK_KEY", "")
BLOCK_SECONDS = float(os.environ.get("FAULT_BLOCK_SECONDS", "110"))


def _wait_in_new_run(sender, instance, created: bool, **_kwargs) -> None:
    import redis

    from rankings.models import RankingRun

    if not created or instance.status != RankingRun.Status.SUCCEEDED:
        return  # a failed run's record, or an update
    client = redis.Redis.from_url(os.environ["CELERY_BROKER_URL"])
    if client.set(BLOCK_KEY, os.getpid(), nx=True):
        deadline = time.monotonic() + BLOCK_SECONDS
        while time.monotonic() < deadline:  # until the test kills this process
            time.sleep(0.05)


@task_prerun.connect
def _install(**_kwargs) -> None:
    """Connect in the process that runs the task (the worker itself with the solo pool, a
    child with prefork), where Django is set up; the dispatch_uid connects it once."""
    if not BLOCK_KEY:
        return
    from django.db.models.signals import post_save

    from rankings.models import RankingRun

    post_save.connect(_wait_in_new_run, sender=RankingRun, dispatch_uid="faults.slow_hook")
