"""Domain events of the counties app. Other apps listen (rankings recomputes on approval), so
counties never imports them."""

from django.dispatch import Signal

# Sent after a submission has been approved and saved; kwargs: submission, user.
submission_approved = Signal()
