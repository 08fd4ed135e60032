"""年度考核结果: the year so far, combined from the period totals with the rule set's weights."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from indicators.formatting import points_number

from ..presentation.league import tier_labels
from ..selectors.annual import year_table
from .common import choose_ranking_period


@login_required
def year_results(request: HttpRequest) -> HttpResponse:
    choice = choose_ranking_period(request)
    table = year_table(choice.period, request.user) if choice.period else None
    rows = []
    if table is not None:
        tiers = tier_labels()
        rows = [
            {
                "result": r,
                "parts": [points_number(t) for _m, _w, t in r.parts],
                "total": points_number(r.total),
                "tier": tiers.get(r.tier, "–"),
            }
            for r in table.rows
        ]
    return render(
        request, "rankings/year_results.html", {**choice.context(), "table": table, "rows": rows}
    )
