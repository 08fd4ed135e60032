"""分项排名 and 全市概览: stored results only, never recomputed on a request."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..presentation import charts
from ..selectors import tables
from .common import choose_ranking_period


@login_required
def category_table(request: HttpRequest) -> HttpResponse:
    """A category's subtotals and, per indicator, value, growth, rank and score per county."""
    choice = choose_ranking_period(request)
    period = choice.period
    wanted = request.GET.get("category") or None
    table = tables.category_table(period, request.user, wanted) if period else None
    return render(request, "rankings/category_table.html", {**choice.context(), "table": table})


@login_required
def city_overview(request: HttpRequest) -> HttpResponse:
    """The city's headline indicators summed over the counties, with growth against last year."""
    choice = choose_ranking_period(request)
    period = choice.period
    overview = tables.city_overview(period, request.user) if period else None
    figure = None
    if overview is not None and overview.trend:
        figure = charts.city_growth(charts.month_labels(overview.months), overview.trend)
    return render(
        request,
        "rankings/city_overview.html",
        {**choice.context(), "overview": overview, "figure": figure},
    )
