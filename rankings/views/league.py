from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import can_publish_rankings
from ..models import RankingRun
from ..presentation import charts
from ..presentation.league import league_rows
from ..selectors import periods_with_rankings
from ..selectors.league import league_table, rank_heatmap
from ..services import ranking_publish
from .common import chosen_period


@login_required
def league(request: HttpRequest) -> HttpResponse:
    """综合排名: the stored ranking of a period, never recomputed on a request."""
    periods = periods_with_rankings(request.user)
    period = chosen_period(request, periods)
    table = league_table(period, request.user) if period else None
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
            "rows": league_rows(table) if table is not None else [],
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
        ranking_publish(run=run, user=request.user)
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
    periods = periods_with_rankings(request.user)
    period = chosen_period(request, periods)
    data = rank_heatmap(period, request.user) if period else None
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
