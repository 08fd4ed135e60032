"""Who may see and do what with rankings: stored runs, publishing, bonus and penalty items,
rank-stability analyses. Every ranking page, selector and service asks here.

In the style of counties/access.py (county data) and indicators/access.py (rule sets); roles
come from scorecard.roles.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import QuerySet
from django.http import Http404

from counties.access import can_review
from counties.models import Period
from scorecard.roles import AnyUser, is_city_staff

from .models import BonusItem, RankingRun, StabilityJob


def can_see_unpublished_rankings(user: AnyUser) -> bool:
    """City staff see the latest ranking run at once; county users only published ones."""
    return is_city_staff(user)


def can_publish_rankings(user: AnyUser) -> bool:
    """Reviewers and admins publish a period's ranking to the counties."""
    return can_review(user)


def can_manage_bonus_items(user: AnyUser) -> bool:
    """Reviewers and admins add and cancel bonus and penalty items (加减分项); whoever may see
    a period's ranking may see its items."""
    return can_review(user)


def can_read_stability(user: AnyUser) -> bool:
    """City staff read rank-stability analyses of any rule set, draft or published."""
    return is_city_staff(user)


def can_run_stability(user: AnyUser) -> bool:
    """Reviewers and admins start analyses (a Celery job); leaders read them and change
    nothing."""
    return can_review(user)


def runs_visible(user: AnyUser) -> QuerySet[RankingRun]:
    """The runs the user may read, the one rule every ranking page follows: city staff each
    period's current run at once; county users published runs only, the latest published one
    first (a newer, unpublished recompute stays invisible to them)."""
    if can_see_unpublished_rankings(user):
        return RankingRun.objects.filter(is_current=True)
    return RankingRun.objects.filter(
        is_published=True, status=RankingRun.Status.SUCCEEDED
    ).order_by("-published_at", "-pk")


def bonus_items_visible(user: AnyUser, period: Period) -> bool:
    """Items are seen by whoever may see the period's ranking: city staff at once, county
    users once a ranking of the period has been published (and then as that ranking counted
    them: bonus_items_as_of)."""
    if can_see_unpublished_rankings(user):
        return True
    if not user.is_authenticated:
        return False
    return runs_visible(user).filter(period=period).exists()


def bonus_items_as_of(user: AnyUser, period: Period) -> datetime | None:
    """The moment whose items of the period the user sees: None (the items as they are now)
    for city staff; for county users the start of the newest published run of the period,
    i.e. the items that ranking counted. An item added, or cancelled, after it stays as it was
    for them until a ranking that counts the change is published."""
    if can_see_unpublished_rankings(user):
        return None
    run = runs_visible(user).filter(period=period).only("started_at").first()
    if run is None:
        return datetime.min.replace(tzinfo=UTC)  # nothing published: no item
    return run.started_at


def bonus_item_visible_or_404(user: AnyUser, pk: int) -> BonusItem:
    item = BonusItem.objects.select_related("period", "county").filter(pk=pk).first()
    if item is None or not bonus_items_visible(user, item.period):
        raise Http404("no such item")
    as_of = bonus_items_as_of(user, item.period)
    if as_of is not None and not BonusItem.history.as_of(as_of).filter(id=pk).exists():
        raise Http404("no such item")  # added after the published ranking
    return item


def bonus_history_visible_or_404(user: AnyUser, history_id: int):
    """A historical version of an item (a cancelled item's document stays readable)."""
    record = (
        BonusItem.history.select_related("period", "county").filter(history_id=history_id).first()
    )
    if record is None or not bonus_items_visible(user, record.period):
        raise Http404("no such record")
    as_of = bonus_items_as_of(user, record.period)
    if as_of is not None and record.history_date > as_of:
        raise Http404("no such record")
    return record


def stability_job_visible_or_404(user: AnyUser, pk: int) -> StabilityJob:
    """The job for city staff; 404 for anyone else, so that an id reveals nothing."""
    if not can_read_stability(user):
        raise Http404("no such analysis")
    job = StabilityJob.objects.select_related("ruleset", "period", "created_by").filter(pk=pk)
    found = job.first()
    if found is None:
        raise Http404("no such analysis")
    return found
