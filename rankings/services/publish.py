"""Publishing a period's ranking to the counties (发布排名)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecard.roles import AnyUser

from ..access import can_publish_rankings
from ..models import RankingRun
from .recompute import actor


def ranking_publish(*, run: RankingRun, user: AnyUser | None) -> RankingRun:
    """Publish a period's current ranking to the counties (通报). `user` None: a system step
    (the demo loader); otherwise a reviewer or admin."""
    if user is not None and not can_publish_rankings(user):
        raise PermissionDenied(_("只有市统计局审核人员或管理员可以发布排名。"))
    if not (run.is_current and run.status == RankingRun.Status.SUCCEEDED):
        raise ValidationError(_("只能发布该期当前有效的排名结果。"))
    if not run.is_published:
        run.is_published = True
        run.published_at = timezone.now()
        run.published_by = actor(user)
        run.save(update_fields=["is_published", "published_at", "published_by"])
    return run
