from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import can_publish_rankings
from ..models import RankingRun
from ..presentation import charts
from ..presentation.league import league_rows
from ..selectors.league import league_table, rank_heatmap
from ..selectors.runs import run_missing_counties
from ..services import ranking_publish
from .cache import page_key, render_cached
from .common import choose_ranking_period, ranking_state


@login_required
def league(request: HttpRequest) -> HttpResponse:
    """综合排名: the stored ranking of a period, never recomputed on a request. It opens on
    the newest complete ranking; a newer one in progress is linked and labelled. Rendered once
    per state of the runs the user sees (views.cache), except for a reviewer who may publish it:
    that page carries a form with the reviewer's CSRF token."""
    key = None
    if not can_publish_rankings(request.user):
        key = page_key(request, "league", ranking_state(request))

    def build() -> dict[str, object]:
        choice = choose_ranking_period(request)
        chosen = choice.chosen
        table = league_table(chosen.period, request.user, run=chosen.run) if chosen else None
        can_publish = (
            table is not None
            and not table.run.is_published
            and table.run.is_current
            and can_publish_rankings(request.user)
        )
        # publishing a ranking in which counties lack a total asks to confirm them by name
        missing = run_missing_counties(table.run) if can_publish and table is not None else []
        return {
            **choice.context(),
            "missing": missing,
            "provisional": chosen is not None and not chosen.complete,
            "table": table,
            "rows": league_rows(table) if table is not None else [],
            "can_publish": can_publish,
            # every row links to its county's profile: reverse the URL once, not per row
            "profile_url": reverse("county_profile", args=["-"]).removesuffix("-/"),
        }

    return render_cached(request, "rankings/league.html", key, build)


@login_required
@require_POST
def league_publish(request: HttpRequest, run_id: int) -> HttpResponse:
    """发布排名: a reviewer or admin publishes a period's current run to the counties."""
    if not can_publish_rankings(request.user):
        raise PermissionDenied
    run = get_object_or_404(RankingRun.objects.select_related("period"), pk=run_id)
    try:
        ranking_publish(
            run=run, user=request.user, confirm_missing=request.POST.get("confirm_missing") == "1"
        )
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
    """Counties x indicators coloured by rank: every county's strong and weak indicators at once.
    Rendered once per state of the runs the user sees (views.cache)."""

    def build() -> dict[str, object]:
        choice = choose_ranking_period(request)
        chosen = choice.chosen
        data = rank_heatmap(chosen.period, request.user, run=chosen.run) if chosen else None
        figure = None
        if data is not None:
            figure = charts.rank_heatmap(
                counties=[c.display_name for c in data.counties],
                county_codes=[c.code for c in data.counties],
                indicators=[i.display_name for i in data.indicators],
                ranks=data.ranks,
                n_ranked=data.n_ranked,
            )
        return {**choice.context(), "heatmap": data, "figure": figure}

    key = page_key(request, "heatmap", ranking_state(request))
    return render_cached(request, "rankings/heatmap.html", key, build)
