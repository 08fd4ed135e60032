"""Domain events of the indicators app."""

from django.dispatch import Signal

# Sent after a rule set has been published and saved; kwargs: ruleset, user.
ruleset_published = Signal()

# Sent at the end of services.ruleset_clone, inside its transaction, so that what apps above
# keep per rule set (counties' exemptions) follows into the copy; kwargs: source, ruleset (the
# new draft), user.
ruleset_copied = Signal()
