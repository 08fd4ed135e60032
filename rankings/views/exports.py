"""Exports of the ranking pages (/rankings/export/<table>.<xlsx|csv>): the same period choice
and the same visibility as the pages (county users: published rankings only), through the same
selectors; the files are written by scorecard.exports."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from scorecard.exports import Sheet, download

from ..presentation import exports as sheets
from ..selectors.annual import year_table
from ..selectors.league import league_table
from ..selectors.tables import category_table
from ..selectors.warnings import warning_board
from .common import choose_ranking_period
from .profile import _profile_of

FORMATS = ("xlsx", "csv")


def _period_sheets(request: HttpRequest, what: str) -> tuple[list[Sheet], str]:
    choice = choose_ranking_period(request)
    period = choice.period
    if period is None:
        raise Http404(_("还没有可查看的排名结果。"))
    found: list[Sheet] = []
    if what == "league":
        league = league_table(period, request.user)
        found = [sheets.league_sheet(league)] if league else []
    elif what == "categories":
        first = category_table(period, request.user, request.GET.get("category") or None)
        if first is not None:
            # the category asked for first (the CSV's one table), then the others
            codes = [first.category.category.code] + [
                c.category.code for c in first.categories if c.pk != first.category.pk
            ]
            for code in codes:
                one = first if code == codes[0] else category_table(period, request.user, code)
                if one is not None:
                    found.append(sheets.category_sheet(one))
    elif what == "warnings":
        board = warning_board(period, request.user)
        found = [sheets.warning_sheet(board)] if board else []
    elif what == "year":
        year = year_table(period, request.user)
        found = [sheets.year_sheet(year)] if year else []
    elif what == "values":
        found = [sheets.values_sheet(period, request.user)]
    else:
        raise Http404("no such export")
    if not found:
        raise Http404(_("该期没有可导出的内容。"))
    return found, period.key


NAMES = {
    "league": ("综合排名", "league"),
    "categories": ("分项排名", "categories"),
    "warnings": ("预警看板", "warnings"),
    "year": ("年度结果", "year"),
    "values": ("审核数", "values"),
}


@login_required
@require_GET
def ranking_export(request: HttpRequest, what: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS or what not in NAMES:
        raise Http404("no such export")
    found, key = _period_sheets(request, what)
    name, ascii_name = NAMES[what]
    return download(found, fmt=fmt, name=f"{_(name)}_{key}", ascii_name=f"{ascii_name}-{key}")


@login_required
@require_GET
def profile_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("no such export")
    county, _years, _year, data = _profile_of(request, code[:20])
    if data is None:
        raise Http404(_("没有可查看的排名结果。"))
    key = data.latest.key
    return download(
        [sheets.profile_sheet(data)],
        fmt=fmt,
        name=f"{county.name}_{key}",
        ascii_name=f"{county.code}-{key}",
    )
