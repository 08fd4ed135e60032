"""Domain events of the counties app. Other apps listen (rankings recomputes on approval), so
counties never imports them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.dispatch import Signal

# Sent after a submission has been approved and saved; kwargs: submission, user.
submission_approved = Signal()

# Sent after an approved submission has been reopened (back to the county); kwargs as above.
submission_reopened = Signal()

# Sent once the transaction has committed, after a reviewer returned a submitted report to its
# county; kwargs: submission, user, reason.
submission_returned = Signal()

# Sent once the transaction has committed, after an admin change to something a ranking reads
# outside the submission workflow (a county's kind or ranking flag, a period closed, a veto…).
# kwargs: periods (months whose inputs changed), years (years whose every month's inputs
# changed: the receiver starts from the year's first month), user.
ranking_inputs_changed = Signal()


def ranking_inputs_changed_on_commit(
    *, sender: Any, user: Any, periods: Iterable[Any] = (), years: Iterable[int] = ()
) -> None:
    """Send `ranking_inputs_changed` once the current transaction commits (never if it rolls
    back). Nothing is sent when no period or year is named."""
    periods = list(periods)
    years = sorted(set(years))
    if not periods and not years:
        return
    transaction.on_commit(
        lambda: ranking_inputs_changed.send(sender=sender, periods=periods, years=years, user=user)
    )
