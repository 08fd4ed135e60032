"""Publishing a period's ranking to the counties (发布排名)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scorecard.roles import AnyUser

from ..access import can_publish_rankings
from ..models import RankingRun
from ..selectors.runs import run_is_complete, run_missing_counties
from ..signals import ranking_published
from .recompute import actor


def ranking_publish(
    *, run: RankingRun, user: AnyUser | None, confirm_missing: bool = False
) -> RankingRun:
    """Publish a period's current ranking to the counties (通报). `user` None: a system step
    (the demo loader); otherwise a reviewer or admin.

    A ranking in which counties the rules rank have no total yet (an open period still being
    reported) is published only with `confirm_missing`: the publisher has been shown those
    counties by name, and the run keeps them and who confirmed.
    """
    if user is not None and not can_publish_rankings(user):
        raise PermissionDenied(_("只有市统计局审核人员或管理员可以发布排名。"))
    if not (run.is_current and run.status == RankingRun.Status.SUCCEEDED):
        raise ValidationError(_("只能发布该期当前有效的排名结果。"))
    if run.is_published:
        return run
    missing = [] if run_is_complete(run) else run_missing_counties(run)
    if missing and not confirm_missing:
        raise ValidationError(
            _("以下县区尚无总分，本期排名不完整：%(names)s。确需发布，请勾选确认后再发布。")
            % {"names": "、".join(c.name for c in missing)},
            code="incomplete",
        )
    run.is_published = True
    run.published_at = timezone.now()
    run.published_by = actor(user)
    run.publish_reason = (
        RankingRun.PublishReason.MANUAL if user is not None else RankingRun.PublishReason.DEMO
    )
    run.published_missing = [{"code": c.code, "name": c.name} for c in missing]
    run.save(
        update_fields=[
            "is_published",
            "published_at",
            "published_by",
            "publish_reason",
            "published_missing",
        ]
    )
    if user is not None:  # a system step (the demo loader) tells nobody
        transaction.on_commit(
            lambda: ranking_published.send(sender=RankingRun, run=run), robust=True
        )
    return run
