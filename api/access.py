"""Who may read what through the read-only API: built only from the apps' access modules and
scorecard.roles, never from group names, so that the API answers as the pages do.

- Anyone signed in with a role (a county reporter, a department reporter, city staff) reads the
  reference lists: counties, indicators, periods.
- Ranking runs and everything stored with them (county, category and indicator results,
  progress and warnings): rankings.access.runs_visible, i.e. city staff each period's current
  run, everyone else published runs only.
- Rule sets: indicators.access.can_read_rules (the existing /api/rulesets/ asks it itself).
- Targets: targets.access (the visible versions, and of them the visible counties' rows and
  the city's).
- Bulletins: supervision.access.bulletins_visible_to (county users: issued ones only).
- A user with no role reads nothing (403), though they may still manage their own tokens.
"""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery

from counties.models import County, Period
from indicators.models import Indicator
from rankings.access import runs_visible
from rankings.models import RankingRun
from scorecard.roles import AnyUser, roles_of
from supervision.access import bulletins_visible_to
from supervision.models import Bulletin
from targets.access import target_counties_visible_to, target_sets_visible_to
from targets.models import Target


def can_use_api(user: AnyUser) -> bool:
    """Signed in with any role. A user without one may sign in (and manage their tokens) but
    reads nothing through the API."""
    return user.is_authenticated and bool(roles_of(user))


def counties_listed_to(user: AnyUser) -> QuerySet[County]:
    """The county list: every active county, as the league table and the county profiles show
    them to every signed-in user. Whose unpublished data one may read is another question
    (counties.access.counties_visible_to); the API serves no unpublished county data."""
    if not can_use_api(user):
        return County.objects.none()
    return County.objects.filter(is_active=True)


def indicators_listed_to(user: AnyUser) -> QuerySet[Indicator]:
    if not can_use_api(user):
        return Indicator.objects.none()
    return Indicator.objects.all()


def periods_listed_to(user: AnyUser) -> QuerySet[Period]:
    if not can_use_api(user):
        return Period.objects.none()
    return Period.objects.all()


def runs_readable(user: AnyUser) -> QuerySet[RankingRun]:
    """Every run the user may read (rankings.access.runs_visible); none without a role."""
    if not can_use_api(user):
        return RankingRun.objects.none()
    return runs_visible(user)


def runs_shown(user: AnyUser) -> QuerySet[RankingRun]:
    """Of the readable runs, the one per period that the pages show: city staff the current
    run, everyone else the latest published one (runs_visible's order)."""
    readable = runs_readable(user)
    first_of_period = readable.filter(period=OuterRef("period")).values("pk")[:1]
    return readable.filter(pk=Subquery(first_of_period))


def targets_visible_to(user: AnyUser) -> QuerySet[Target]:
    """Target rows of the versions the user may see (targets.access.target_sets_visible_to):
    the rows of the counties whose targets they may read, and the city's."""
    if not can_use_api(user):
        return Target.objects.none()
    return Target.objects.filter(target_set__in=target_sets_visible_to(user)).filter(
        Q(county__in=target_counties_visible_to(user)) | Q(county__isnull=True)
    )


def bulletins_readable(user: AnyUser) -> QuerySet[Bulletin]:
    if not can_use_api(user):
        return Bulletin.objects.none()
    return bulletins_visible_to(user)
