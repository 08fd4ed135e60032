from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counties.access import can_publish_rankings
from counties.models import Period

from . import charts, selectors, services
from .models import RankingRun


def chosen_period(request: HttpRequest, periods: list[Period]) -> Period | None:
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
    period = chosen_period(request, periods)
    table = selectors.league_table(period, request.user) if period else None
    can_publish = (
        table is not None
        and not table.run.is_published
        and table.run.is_current
        and can_publish_rankings(request.user)
    )
    return render(
        request,
        "rankings/league.html",
        {
            "periods": periods,
            "period": period,
            "table": table,
            "can_publish": can_publish,
            # every row links to its county's profile: reverse the URL once, not per row
            "profile_url": reverse("county_profile", args=["-"]).removesuffix("-/"),
        },
    )


@login_required
@require_POST
def league_publish(request: HttpRequest, run_id: int) -> HttpResponse:
    """发布排名: a reviewer or admin publishes a period's current run to the counties."""
    if not can_publish_rankings(request.user):
        raise PermissionDenied
    run = get_object_or_404(RankingRun.objects.select_related("period"), pk=run_id)
    try:
        services.ranking_publish(run=run, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(period)s的排名已发布，县区用户现在可以查看。") % {"period": run.period},
        )
    return redirect(f"{reverse('league')}?period={run.period.key}")


@login_required
def heatmap(request: HttpRequest) -> HttpResponse:
    """Counties x indicators coloured by rank: every county's strong and weak indicators at once."""
    periods = selectors.periods_with_rankings(request.user)
    period = chosen_period(request, periods)
    data = selectors.rank_heatmap(period, request.user) if period else None
    figure = None
    if data is not None:
        figure = charts.rank_heatmap(
            counties=[c.display_name for c in data.counties],
            county_codes=[c.code for c in data.counties],
            indicators=[i.display_name for i in data.indicators],
            ranks=data.ranks,
            n_ranked=data.n_ranked,
        )
    return render(
        request,
        "rankings/heatmap.html",
        {"periods": periods, "period": period, "heatmap": data, "figure": figure},
    )
