"""预警看板: counties x indicators coloured by the stored warnings of a period's run."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..presentation import warnings as present
from ..selectors import warnings as selectors
from .common import choose_ranking_period


@login_required
def warning_board(request: HttpRequest) -> HttpResponse:
    """Filters: ?level=red|yellow|green, ?category=<code>, ?county=<division code>; values the
    board does not know are ignored (the board shows everything)."""
    choice = choose_ranking_period(request)
    period = choice.period
    board = None
    rows = []
    if period is not None:
        board = selectors.warning_board(
            period,
            request.user,
            level=request.GET.get("level") or None,
            category=request.GET.get("category") or None,
            county=request.GET.get("county") or None,
        )
    if board is not None:
        city = {c.indicator_id: c.growth for c in (board.city.cells if board.city else []) if c}
        rows = [(row, present.board_cells(row.cells, city)) for row in board.rows]
        if board.city is not None:
            rows.append((board.city, present.board_cells(board.city.cells, city)))
    return render(
        request,
        "rankings/warning_board.html",
        {**choice.context(), "board": board, "rows": rows, "levels": selectors.LEVELS},
    )
