"""Signals rankings sends to the apps downstream of it (supervision), so that it never imports
them: a new run has become a period's current ranking (sent after the recompute commits)."""

from django.dispatch import Signal

# kwargs: run (RankingRun), the period's new current run
run_made_current = Signal()

# kwargs: run (RankingRun), a run just published to the counties (sent after the commit)
ranking_published = Signal()
