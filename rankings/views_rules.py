"""Rule-set pages for admins: the list by year, clone, new version, import and export, the
editor (save, publish) and the what-if preview. They live in rankings because the preview
scores stored figures and every page asks counties.access who may open it; the writes are
indicators.services, the forms indicators.forms."""

from __future__ import annotations

import json
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from counties import access
from counties.models import Period
from indicators import selectors as rule_selectors
from indicators import services as rule_services
from indicators.editor import RuleSetEditor, method_params_hint
from indicators.models import RuleSet
from indicators.rule_errors import weight_texts
from indicators.scoring import ScoringInputError

from .models import RankingRun
from .whatif import WhatIf, periods_for_preview, ranking_whatif

MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _admin_only(request: HttpRequest) -> None:
    if not access.can_configure_rules(request.user):
        raise PermissionDenied(_("只有系统管理员可以配置考核规则。"))


def _runs_per_ruleset() -> dict[int, int]:
    rows = RankingRun.objects.values_list("ruleset").annotate(n=Count("id")).order_by()
    return dict(rows)


@login_required
def ruleset_list(request: HttpRequest) -> HttpResponse:
    """考核规则: every rule set by year with status and version; clone, import, export."""
    _admin_only(request)
    latest = rule_selectors.ruleset_latest()
    years = rule_selectors.rulesets_by_year()
    runs = _runs_per_ruleset()
    for _year, rulesets in years:
        for ruleset in rulesets:
            ruleset.n_runs = runs.get(ruleset.pk, 0)
    context = {
        "years": years,
        "latest": latest,
        "next_year": years[0][0] + 1 if years else None,
    }
    return render(request, "indicators/ruleset_list.html", context)


@login_required
@require_POST
def ruleset_clone(request: HttpRequest) -> HttpResponse:
    _admin_only(request)
    source = get_object_or_404(RuleSet, pk=request.POST.get("source") or 0)
    try:
        year = int(request.POST.get("year", ""))
        clone = rule_services.ruleset_clone(source=source, year=year, user=request.user)
    except ValueError:
        messages.error(request, _("请填写考核年度。"))
        return redirect("ruleset_list")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("ruleset_list")
    messages.success(
        request,
        _("已复制为 %(year)d 年第 %(version)d 版草稿。")
        % {"year": clone.year, "version": clone.version},
    )
    return redirect("ruleset_editor", pk=clone.pk)


@login_required
@require_POST
def ruleset_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    source = get_object_or_404(RuleSet, pk=pk)
    try:
        draft = rule_services.ruleset_new_version(source=source, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("ruleset_editor", pk=pk)
    messages.success(
        request,
        _("已新建 %(year)d 年第 %(version)d 版草稿，修改后发布即取代第 %(old)d 版。")
        % {"year": draft.year, "version": draft.version, "old": source.version},
    )
    return redirect("ruleset_editor", pk=draft.pk)


@login_required
@require_POST
def ruleset_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _admin_only(request)
    ruleset = get_object_or_404(RuleSet, pk=pk)
    try:
        rule_services.ruleset_delete(ruleset=ruleset, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已删除草稿 %(ruleset)s。") % {"ruleset": ruleset})
    return redirect("ruleset_list")


@login_required
@require_POST
def ruleset_import(request: HttpRequest) -> HttpResponse:
    """Upload a rule-set JSON file (the format `score_csv --rules` reads): a new draft."""
    _admin_only(request)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要导入的 JSON 文件。"))
        return redirect("ruleset_list")
    if upload.size > MAX_IMPORT_BYTES:
        messages.error(request, _("文件过大（最大 2 MB）。"))
        return redirect("ruleset_list")
    try:
        data = json.loads(upload.read().decode("utf-8-sig"))
    except UnicodeDecodeError:
        messages.error(request, _("文件不是 UTF-8 编码的文本。"))
        return redirect("ruleset_list")
    except json.JSONDecodeError as exc:
        messages.error(
            request,
            _("%(file)s 不是有效的 JSON（第 %(line)d 行第 %(col)d 列）。")
            % {"file": upload.name, "line": exc.lineno, "col": exc.colno},
        )
        return redirect("ruleset_list")
    try:
        written = rule_services.ruleset_import(data=data, user=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("ruleset_list")
    messages.success(request, _("已导入为草稿 %(ruleset)s。") % {"ruleset": written.ruleset})
    for note in written.notes:
        messages.info(request, note)
    return redirect("ruleset_editor", pk=written.ruleset.pk)


@login_required
def ruleset_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The rule set as the engine's JSON file (`score_csv --rules`), as a download."""
    _admin_only(request)
    ruleset = get_object_or_404(RuleSet, pk=pk)
    response = HttpResponse(
        rule_selectors.ruleset_as_json(ruleset), content_type="application/json; charset=utf-8"
    )
    filename = f"rules-{ruleset.year}-v{ruleset.version}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _chosen_period(request: HttpRequest, periods: list[Period], ruleset: RuleSet):
    match = re.fullmatch(r"(\d{4})-(\d{2})", request.POST.get("preview_period", ""))
    if match:
        for period in periods:
            if (period.year, period.month) == (int(match[1]), int(match[2])):
                return period
    same_year = [p for p in periods if p.year == ruleset.year]
    return (same_year or periods or [None])[0]


def _render_editor(
    request: HttpRequest,
    ruleset: RuleSet,
    editor: RuleSetEditor,
    *,
    whatif: WhatIf | None = None,
    period: Period | None = None,
) -> HttpResponse:
    periods = periods_for_preview()
    context = {
        "ruleset": ruleset,
        "editor": editor,
        "periods": periods,
        "period": period or _chosen_period(request, periods, ruleset),
        "whatif": whatif,
        "runs": RankingRun.objects.filter(ruleset=ruleset).count(),
        "scoring": rule_selectors.ruleset_published_for_year(ruleset.year),
        "method_params": method_params_hint(),
        "weight_texts": weight_texts(),
    }
    return render(request, "indicators/ruleset_editor.html", context)


@login_required
def ruleset_editor(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor. POST saves the draft (action "save") or saves and publishes it ("publish"):
    nothing is written unless every field is valid and the engine accepts the weights."""
    _admin_only(request)
    ruleset = get_object_or_404(RuleSet, pk=pk)
    if request.method != "POST":
        return _render_editor(
            request, ruleset, RuleSetEditor(ruleset, disabled=ruleset.is_published)
        )
    if ruleset.is_published:
        messages.error(request, _("该考核规则已发布，不能修改；如需修改请新建版本。"))
        return redirect("ruleset_editor", pk=pk)
    editor = RuleSetEditor(ruleset, request.POST)
    publish = request.POST.get("action") == "publish"
    if editor.is_valid():
        try:
            with transaction.atomic():
                rule_services.ruleset_update(
                    ruleset=ruleset, data=editor.rules_dict(), user=request.user
                )
                if publish:
                    rule_services.ruleset_publish(ruleset=ruleset, user=request.user)
        except ValidationError as exc:
            editor.errors.extend(exc.messages)
        else:
            if publish:
                messages.success(
                    request,
                    _("已发布 %(year)d 年第 %(version)d 版，排名将按此版本重新计算。")
                    % {"year": ruleset.year, "version": ruleset.version},
                )
            else:
                messages.success(request, _("已保存。"))
            return redirect("ruleset_editor", pk=pk)
    return _render_editor(request, ruleset, editor)


@login_required
@require_POST
def ruleset_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What-if: the editor's unsaved rules scored on a period beside its stored ranking.
    Nothing is saved: neither the rule set nor any ranking."""
    _admin_only(request)
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
                whatif = ranking_whatif(rules=editor.rules_dict(), period=period)
            except ScoringInputError as exc:
                editor.errors.append(_("无法试算：%(error)s") % {"error": exc})
    return _render_editor(request, ruleset, editor, whatif=whatif, period=period)
