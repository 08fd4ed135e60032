"""Writes for submissions. Each function checks rights and state before it saves anything."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import AnyUser, can_review
from .models import Submission
from .signals import submission_approved


@transaction.atomic
def submission_approve(*, submission: Submission, user: AnyUser) -> Submission:
    """A reviewer approves a submitted report: its values lock and the ranking recomputes."""
    if not can_review(user):
        raise PermissionDenied(_("只有市统计局审核人员可以审核报送。"))
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    if locked.status != Submission.Status.SUBMITTED:
        raise ValidationError(
            _("%(county)s %(period)s 当前状态为“%(status)s”，只有已报送的数据可以审核通过。")
            % {
                "county": locked.county,
                "period": locked.period,
                "status": locked.get_status_display(),
            }
        )
    Submission.objects.filter(pk=locked.pk).update(
        status=Submission.Status.APPROVED,
        reviewed_at=timezone.now(),
        reviewed_by=user,
        return_reason="",
        version=F("version") + 1,
    )
    locked.refresh_from_db()
    submission_approved.send(sender=Submission, submission=locked, user=user)
    return locked
