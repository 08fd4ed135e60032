"""The rule-set editor's what-if preview (试算): the editor's unsaved rules scored on a period
beside its stored ranking. Nothing is saved: neither the rule set nor any ranking."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counties.models import Period
from indicators.editor import RuleSetEditor
from indicators.models import RuleSet
from indicators.scoring import ScoringInputError
from indicators.views import admin_only, render_editor

from ..selectors.whatif import periods_for_preview, ranking_whatif


def _chosen_period(request: HttpRequest, periods: list[Period], ruleset: RuleSet) -> Period | None:
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", request.POST.get("preview_period", ""))
    if match:
        for period in periods:
            if (period.year, period.month) == (int(match[1]), int(match[2])):
                return period
    # the newest complete ranking of the rule set's year (a month still being reported
    # compares little), else of any year, else the newest at all
    complete = [p for p in periods if getattr(p, "ranking_complete", True)]
    same_year = [p for p in complete if p.year == ruleset.year]
    candidates = same_year or complete or periods
    return candidates[0] if candidates else None


def preview_context(request: HttpRequest, ruleset: RuleSet) -> dict[str, Any]:
    """The editor's preview panel: the periods with a ranking to compare with, and the chosen
    one (registered with indicators.hooks in RankingsConfig.ready)."""
    periods = periods_for_preview()
    return {"periods": periods, "period": _chosen_period(request, periods, ruleset)}


@login_required
@require_POST
def ruleset_preview(request: HttpRequest, pk: int) -> HttpResponse:
    admin_only(request)
    ruleset = get_object_or_404(RuleSet, pk=pk)
    editor = RuleSetEditor(ruleset, request.POST, disabled=ruleset.is_published)
    periods = periods_for_preview()
    period = _chosen_period(request, periods, ruleset)
    whatif = None
    if editor.is_valid():
        if period is None:
            editor.errors.append(_("还没有可对比的排名结果：请先计算某一期的排名。"))
        else:
            try:
                whatif = ranking_whatif(rules=editor.rules_dict(), period=period, ruleset=ruleset)
            except ScoringInputError as exc:
                editor.errors.append(_("无法试算：%(error)s") % {"error": exc})
    return render_editor(request, ruleset, editor, whatif=whatif, period=period)
