from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from counties.models import Period

from . import selectors


def _chosen_period(request: HttpRequest, periods: list[Period]) -> Period | None:
    wanted = request.GET.get("period", "")
    match = re.fullmatch(r"(\d{4})-(\d{2})", wanted)
    if match:
        for period in periods:
            if (period.year, period.month) == (int(match[1]), int(match[2])):
                return period
    return periods[0] if periods else None


@login_required
def league(request: HttpRequest) -> HttpResponse:
    """综合排名: the stored ranking of a period, never recomputed on a request."""
    periods = selectors.periods_with_rankings(request.user)
    period = _chosen_period(request, periods)
    table = selectors.league_table(period, request.user) if period else None
    return render(
        request, "rankings/league.html", {"periods": periods, "period": period, "table": table}
    )
