from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import selectors
from .access import is_city_staff


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Per role: a reporter sees its counties' recent months; city staff every county's latest."""
    city_staff = is_city_staff(request.user)
    periods = selectors.periods_recent(limit=1 if city_staff else 6)
    board = selectors.submission_status_board(user=request.user, periods=periods)
    context = {
        "city_staff": city_staff,
        "periods": periods,
        "board": board,
        "latest": periods[0] if periods else None,
        "counts": (
            selectors.period_status_counts(user=request.user, period=periods[0])
            if periods and city_staff
            else None
        ),
    }
    return render(request, "counties/home.html", context)
