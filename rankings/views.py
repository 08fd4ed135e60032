from __future__ import annotations

import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from counties.models import Period

from . import charts, selectors


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


@login_required
def heatmap(request: HttpRequest) -> HttpResponse:
    """Counties x indicators coloured by rank: every county's strong and weak indicators at once."""
    periods = selectors.periods_with_rankings(request.user)
    period = _chosen_period(request, periods)
    data = selectors.rank_heatmap(period, request.user) if period else None
    figure = None
    if data is not None:
        figure = charts.rank_heatmap(
            counties=[c.name for c in data.counties],
            county_codes=[c.code for c in data.counties],
            indicators=[i.name for i in data.indicators],
            ranks=data.ranks,
            n_ranked=data.n_ranked,
        )
    return render(
        request,
        "rankings/heatmap.html",
        {"periods": periods, "period": period, "heatmap": data, "figure": figure},
    )
