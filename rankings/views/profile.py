"""县区画像: one county's rank trend, leading indicators and short boards for a year."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from counties.excel import XLSX_CONTENT_TYPE
from counties.models import County
from scorecard.exports import content_disposition
from scorecard.params import month_param, year_param

from ..models import RankingRun
from ..presentation import charts
from ..presentation import warnings as present
from ..selectors import profile, runs_visible_in_year, years_with_rankings
from ..selectors.breakdown import total_breakdown
from ..selectors.runs import run_is_complete
from ..selectors.warnings import county_warnings_of_run
from .cache import page_key, render_cached
from .common import run_state


@dataclass(frozen=True)
class _ProfileRequest:
    """What a profile request asks for, read before anything is computed: the county, the
    years the user may see, the year shown, ?indicator= and the month of ?period=YYYY-MM, and
    the runs of that year the user sees."""

    county: County
    years: list[int]
    year: int | None
    indicator: str | None
    month: int | None
    runs: dict[int, RankingRun]

    def compute(self, user) -> profile.Profile | None:
        """The profile (None without a ranking)."""
        if not self.year:
            return None
        return profile.county_profile(
            self.county, self.year, user, self.indicator, self.month, visible_runs=self.runs
        )

    def state(self) -> list[tuple]:
        """The runs the profile reads (views.cache)."""
        return [run_state(run, run_is_complete(run)) for run in self.runs.values()]


def _profile_request(request: HttpRequest, code: str) -> _ProfileRequest:
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
    runs = runs_visible_in_year(year, request.user) if year else {}
    return _ProfileRequest(county, years, year, indicator, month, runs)


def _profile_of(request: HttpRequest, code: str):
    """The county, the years the user may see, the year shown and its profile (None without a
    ranking), as ?year=, ?indicator= and ?period=YYYY-MM ask."""
    asked = _profile_request(request, code)
    return asked.county, asked.years, asked.year, asked.compute(request.user)


def _progress_context(request: HttpRequest, county: County, data) -> dict:
    """目标进度与预警 and 追赶计划 of the profile's month."""
    own = county_warnings_of_run(data.latest_run, county, request.user)  # the profile's run
    if not own.rows:
        return {}
    return {
        "warnings": own,
        "progress_lines": present.progress_lines(own.rows, own.city_growth),
        "catch_up": present.catch_up_lines(
            own.rows,
            {line.indicator.pk: line for line in data.lines},
            {line.indicator.pk for line in data.short_boards},
        ),
    }


@login_required
def county_profile(request: HttpRequest, code: str) -> HttpResponse:
    """Stored results only, never recomputed on a request. Rankings are visible for every county
    once published, so any signed-in user may open any active county's profile. Rendered once
    per state of the year's runs the user sees (views.cache)."""
    asked = _profile_request(request, code)
    county, year = asked.county, asked.year

    def build() -> dict[str, object]:
        data = asked.compute(request.user)
        context: dict[str, object] = {"profile": data}
        if data is not None:
            context["breakdown"] = total_breakdown(data.latest_run, county)
            context.update(_progress_context(request, county, data))
            labels = charts.month_labels(data.periods)
            context["rank_figure"] = charts.rank_trend(
                labels, data.ranks, data.n_ranked, data.category_ranks
            )
            if data.chart_rule is not None:
                context["basis_figure"] = charts.basis_trend(
                    labels,
                    data.basis_series,
                    data.city_average,
                    data.chart_rule,
                    data.basis_target,
                )
        return context

    key = page_key(
        request,
        "profile",
        asked.state(),
        county.pk,
        year,
        tuple(asked.years),
        asked.indicator,
        asked.month,
    )
    context = {"county": county, "years": asked.years, "year": year}
    return render_cached(request, "rankings/county_profile.html", key, build, context)


@login_required
def county_plan_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """The county's catch-up plan as a workbook, for the dispatch meeting's folder."""
    county, _years, year, data = _profile_of(request, code)
    if data is None:
        raise Http404(_("没有可查看的排名结果。"))
    lines = _progress_context(request, county, data).get("catch_up", [])
    content = present.catch_up_workbook(county, data.latest_run.period, lines)
    filename = _("%(county)s_%(period)s_追赶计划") % {
        "county": county.name,
        "period": data.latest_run.period.label,
    }
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition(
        filename + ".xlsx", f"{county.code}-plan.xlsx"
    )
    response["Cache-Control"] = "private, no-store"
    return response
