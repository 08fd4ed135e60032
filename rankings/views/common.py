"""What every ranking page with a period selector shares."""

from __future__ import annotations

import re

from django.http import HttpRequest

from counties.models import Period


def chosen_period(request: HttpRequest, periods: list[Period]) -> Period | None:
    wanted = request.GET.get("period", "")
    match = re.fullmatch(r"(\d{4})-(\d{2})", wanted)
    if match:
        for period in periods:
            if (period.year, period.month) == (int(match[1]), int(match[2])):
                return period
    return periods[0] if periods else None
