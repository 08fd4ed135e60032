"""Signals of the targets app: rankings listen to recompute progress and warnings."""

from django.dispatch import Signal

# A year's targets were published (sent after commit): target_set, user.
targets_published = Signal()
