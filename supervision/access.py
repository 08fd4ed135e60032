"""Who may see and do what with bulletins (and, as they come, supervision tasks and the inbox):
one place, in the style of counties.access and rankings.access.

- City staff (reviewers, leaders, admins) read every bulletin, drafts included.
- Reviewers and admins draft, edit and issue them; leaders change nothing.
- County users read issued bulletins only: a draft may still change.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from counties.access import can_review
from scorecard.roles import AnyUser, Role, is_city_staff, roles_of

from .models import Bulletin


def can_draft_bulletins(user: AnyUser) -> bool:
    return can_review(user)


def bulletins_visible_to(user: AnyUser) -> QuerySet[Bulletin]:
    if not user.is_authenticated:
        return Bulletin.objects.none()
    if is_city_staff(user):
        return Bulletin.objects.all()
    if Role.REPORTER in roles_of(user):
        return Bulletin.objects.filter(status=Bulletin.Status.ISSUED)
    return Bulletin.objects.none()


def bulletin_visible_or_404(user: AnyUser, pk: int) -> Bulletin:
    bulletin = bulletins_visible_to(user).select_related("period", "run").filter(pk=pk).first()
    if bulletin is None:
        raise Http404("no such bulletin")
    return bulletin
