"""A county's warnings where other apps' pages show them (a reporter's home page), without those
apps importing rankings: the template loads this tag."""

from __future__ import annotations

from django import template

from counties.models import County

from ..selectors.runs import ranked_periods
from ..selectors.warnings import county_warnings

register = template.Library()


@register.inclusion_tag("rankings/includes/county_warning_summary.html", takes_context=True)
def county_warning_summary(context, county: County) -> dict:
    """本县：红色 3 项，黄色 5 项, from the newest ranking the user may see, linking to the
    county profile's progress table; nothing when there is none."""
    user = context["request"].user
    periods = ranked_periods(user)
    summary = county_warnings(periods[0].period, county, user) if periods else None
    return {"county": county, "summary": summary if summary and summary.rows else None}
