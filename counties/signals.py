"""Domain events of the counties app. Other apps listen (rankings recomputes on approval), so
counties never imports them."""

from django.dispatch import Signal

# Sent after a submission has been approved and saved; kwargs: submission, user.
submission_approved = Signal()

# Sent after an approved submission has been reopened (back to the county); kwargs as above.
submission_reopened = Signal()
