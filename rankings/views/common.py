"""What every ranking page with a period selector shares: which period it shows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _

from counties.models import Period

from ..access import runs_visible
from ..models import RankingRun
from ..selectors.runs import RankedPeriod, default_ranked_period, ranked_periods


def chosen_period(request: HttpRequest, periods: list[Period]) -> Period | None:
    """The period asked for in ?period=YYYY-MM, which must be one of `periods` (otherwise 404:
    a period the user may not see is refused, never swapped for another); without one, the
    first."""
    wanted = _wanted(request)
    if wanted is not None:
        for period in periods:
            if (period.year, period.month) == wanted:
                return period
        raise Http404(_("没有可查看的该期数据。"))
    return periods[0] if periods else None


def _wanted(request: HttpRequest) -> tuple[int, int] | None:
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", request.GET.get("period", ""))
    return (int(match[1]), int(match[2])) if match else None


@dataclass(frozen=True)
class PeriodChoice:
    """The ranking periods the user may see, the one shown, and the newest one in progress
    when it is not the one shown (the page links to it)."""

    periods: list[RankedPeriod]
    chosen: RankedPeriod | None
    in_progress: RankedPeriod | None

    @property
    def period(self) -> Period | None:
        return self.chosen.period if self.chosen else None

    def context(self) -> dict[str, object]:
        return {
            "periods": [p.period for p in self.periods],
            "period": self.period,
            "choice": self,
        }


def choose_ranking_period(request: HttpRequest) -> PeriodChoice:
    """?period=YYYY-MM when the user may see it; otherwise the newest complete ranking."""
    periods = ranked_periods(request.user)
    wanted = _wanted(request)
    chosen = next((p for p in periods if (p.period.year, p.period.month) == wanted), None)
    if wanted is not None and chosen is None:
        # a period without a ranking the user may see is refused, never swapped for another
        raise Http404(_("该期排名尚未发布或不存在。"))
    chosen = chosen or default_ranked_period(periods)
    newest_open = next((p for p in periods if not p.complete), None)
    in_progress = (
        newest_open
        if newest_open is not None
        and chosen is not None
        and newest_open is not chosen
        and (newest_open.period.year, newest_open.period.month)
        > (chosen.period.year, chosen.period.month)
        else None
    )
    return PeriodChoice(periods=periods, chosen=chosen, in_progress=in_progress)


def run_state(run: RankingRun, complete: bool) -> tuple:
    """What identifies a run as a page shows it (its cache key's part, views.cache): which run,
    when it started (ids can come back after a database restore), whether and when it was
    published, and whether its ranking is complete."""
    return (run.pk, run.started_at, run.is_published, run.published_at, complete)


def ranking_state(request: HttpRequest) -> list[tuple]:
    """What a page with a period selector shows, as far as the runs decide it (its cache key's
    part, views.cache): the period asked for, and every run the user may see with what
    choose_ranking_period reads of it (when it started and was published, its period, whether
    that is still open, how many counties it ranks of how many). One query, no objects."""
    runs = runs_visible(request.user).values_list(
        "pk",
        "started_at",
        "is_published",
        "published_at",
        "period_id",
        "period__is_open",
        "counties_ranked",
        "counties_expected",
    )
    return [("asked", _wanted(request)), *runs]
