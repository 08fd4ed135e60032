"""Domain events of the indicators app."""

from django.dispatch import Signal

# Sent after a rule set has been published and saved; kwargs: ruleset, user.
ruleset_published = Signal()
