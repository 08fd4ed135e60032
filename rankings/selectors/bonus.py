"""Bonus and penalty items (加减分项): who may see them, each county's points, the history.

Whoever may see a period's ranking may see its items and open their documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet

from counties.models import County, Period
from indicators.models import RuleSet
from indicators.scoring.grid import capped_parts
from indicators.selectors import ruleset_published_for_year
from scorecard.roles import AnyUser

from ..access import can_see_unpublished_rankings
from ..models import BonusItem
from .runs import periods_with_rankings


@dataclass(frozen=True)
class Caps:
    ruleset: RuleSet | None
    bonus_cap: Decimal | None  # None: no cap
    penalty_cap: Decimal | None


@dataclass(frozen=True)
class CountyPoints:
    county: County
    bonus: Decimal  # sum of the positive items
    penalty: Decimal  # sum of the negative items (<= 0)
    effective: Decimal  # after the caps
    capped: bool  # a cap changed the sum
    items: int


def bonus_caps(period: Period) -> Caps:
    """The caps of the rule set that scores the period (its year's published version)."""
    ruleset = ruleset_published_for_year(period.year)
    if ruleset is None:
        return Caps(None, None, None)
    return Caps(ruleset, ruleset.bonus_cap, ruleset.penalty_cap)


def bonus_periods(user: AnyUser) -> list[Period]:
    """Periods whose items the user may see, newest first."""
    if can_see_unpublished_rankings(user):
        return list(Period.objects.order_by("-year", "-month"))
    if not user.is_authenticated:
        return []
    return periods_with_rankings(user)


def bonus_items_of(period: Period, as_of: datetime | None = None) -> list[BonusItem]:
    """The period's items now, or as they were at `as_of` (rankings.access.bonus_items_as_of:
    what a county user's published ranking counted)."""
    if as_of is None:
        found = BonusItem.objects.filter(period=period)
    else:
        found = BonusItem.history.as_of(as_of).filter(period=period)
    return list(
        found.select_related("county", "created_by").order_by(
            "county__display_order", "county__code", "created_at", "id"
        )
    )


def bonus_county_points(
    period: Period, caps: Caps, as_of: datetime | None = None
) -> list[CountyPoints]:
    """Each county with items in the period: its bonuses, penalties and capped effective points."""
    by_county: dict[int, list[BonusItem]] = {}
    counties: dict[int, County] = {}
    for item in bonus_items_of(period, as_of):
        by_county.setdefault(item.county_id, []).append(item)
        counties[item.county_id] = item.county
    rows = []
    for county_id, items in by_county.items():
        plus = sum((i.points for i in items if i.points > 0), Decimal(0))
        minus = sum((i.points for i in items if i.points < 0), Decimal(0))
        plus_capped, minus_capped = capped_parts(
            plus, minus, bonus_cap=caps.bonus_cap, penalty_cap=caps.penalty_cap
        )
        rows.append(
            CountyPoints(
                county=counties[county_id],
                bonus=plus,
                penalty=minus,
                effective=plus_capped + minus_capped,
                capped=(plus_capped, minus_capped) != (plus, minus),
                items=len(items),
            )
        )
    return rows


def bonus_history_of(period: Period, as_of: datetime | None = None) -> QuerySet:
    """Every change to the period's items (up to `as_of`), newest first: added, changed,
    cancelled, with who."""
    found = BonusItem.history.filter(period=period)
    if as_of is not None:
        found = found.filter(history_date__lte=as_of)
    return found.select_related("county", "history_user").order_by("-history_date", "-history_id")
