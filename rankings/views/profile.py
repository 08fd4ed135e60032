"""县区画像: one county's rank trend, leading indicators and short boards for a year."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from counties.models import County
from scorecard.params import month_param, year_param

from ..presentation import charts
from ..presentation import warnings as present
from ..selectors import profile, years_with_rankings
from ..selectors.breakdown import total_breakdown
from ..selectors.warnings import city_growths, county_warnings


@login_required
def county_profile(request: HttpRequest, code: str) -> HttpResponse:
    """Stored results only, never recomputed on a request. Rankings are visible for every county
    once published, so any signed-in user may open any active county's profile."""
    county = get_object_or_404(County, code=code, is_active=True)
    years = years_with_rankings(request.user)
    wanted = year_param(request.GET.get("year"))
    year = wanted if wanted in years else None
    if year is None and years:
        year = years[0]
    indicator = request.GET.get("indicator") or None
    # ?period=YYYY-MM (from the league table) picks the month the tables show
    wanted_period = request.GET.get("period", "")
    month = None
    if year and wanted_period[:5] == f"{year}-":
        month = month_param(wanted_period[5:])
    data = profile.county_profile(county, year, request.user, indicator, month) if year else None
    context = {"county": county, "years": years, "year": year, "profile": data}
    if data is not None:
        context["breakdown"] = total_breakdown(data.latest_run, county)
        own = county_warnings(data.latest_run.period, county, request.user)
        if own is not None and own.rows:
            context["warnings"] = own
            context["progress_lines"] = present.progress_lines(own.rows, city_growths(own.run))
        labels = charts.month_labels(data.periods)
        context["rank_figure"] = charts.rank_trend(
            labels, data.ranks, data.n_ranked, data.category_ranks
        )
        if data.chart_rule is not None:
            context["basis_figure"] = charts.basis_trend(
                labels, data.basis_series, data.city_average, data.chart_rule, data.basis_target
            )
    return render(request, "rankings/county_profile.html", context)
