"""Rule-set pages for admins: the list by year, clone, new version, import and export, and the
editor (save, publish). Every page asks indicators.access who may open it; the writes are
indicators.services, the forms indicators.forms. The editor's what-if preview scores stored
figures, so it lives in rankings (rankings.views.whatif), which fills the editor's preview panel
through indicators.hooks: imports run one way, indicators <- counties <- rankings."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scorecard.params import id_param, year_param

from . import access, hooks
from . import selectors as rule_selectors
from . import services as rule_services
from .editor import RuleSetEditor, method_params_hint
from .models import RuleSet
from .rule_errors import bounds, weight_texts

MAX_IMPORT_BYTES = 2 * 1024 * 1024


def admin_only(request: HttpRequest) -> None:
    """PermissionDenied unless the user configures rules (the what-if view asks here too)."""
    if not access.can_configure_rules(request.user):
        raise PermissionDenied(_("只有系统管理员可以配置考核规则。"))


@login_required
def ruleset_list(request: HttpRequest) -> HttpResponse:
    """考核规则: every rule set by year with status and version; clone, import, export."""
    admin_only(request)
    latest = rule_selectors.ruleset_latest()
    years = rule_selectors.rulesets_by_year()
    context = {
        "years": years,
        "latest": latest,
        "next_year": years[0][0] + 1 if years else None,
    }
    return render(request, "indicators/ruleset_list.html", context)


@login_required
@require_POST
def ruleset_clone(request: HttpRequest) -> HttpResponse:
    admin_only(request)
    source = get_object_or_404(RuleSet, pk=id_param(request.POST.get("source")) or 0)
    year = year_param(request.POST.get("year"))
    if year is None:
        messages.error(request, _("请填写考核年度（四位数字，1990–2100）。"))
        return redirect("ruleset_list")
    try:
        clone = rule_services.ruleset_clone(source=source, year=year, user=request.user)
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
    admin_only(request)
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


def referenced_message(ruleset: RuleSet) -> str:
    """Why a draft that other records refer to (a rank-stability analysis) is not deleted."""
    return _("草稿 %(ruleset)s 已被其他记录（如排名稳定性分析）引用，不能删除。") % {
        "ruleset": ruleset
    }


@login_required
@require_POST
def ruleset_delete(request: HttpRequest, pk: int) -> HttpResponse:
    admin_only(request)
    ruleset = get_object_or_404(RuleSet, pk=pk)
    try:
        rule_services.ruleset_delete(ruleset=ruleset, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except ProtectedError:
        messages.error(request, referenced_message(ruleset))
    else:
        messages.success(request, _("已删除草稿 %(ruleset)s。") % {"ruleset": ruleset})
    return redirect("ruleset_list")


@login_required
@require_POST
def ruleset_import(request: HttpRequest) -> HttpResponse:
    """Upload a rule-set JSON file (the format `score_csv --rules` reads): a new draft."""
    admin_only(request)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("请选择要导入的 JSON 文件。"))
        return redirect("ruleset_list")
    if (upload.size or 0) > MAX_IMPORT_BYTES:
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
    except RecursionError:
        messages.error(request, _("JSON 嵌套过深。"))
        return redirect("ruleset_list")
    out_of_bounds = bounds(data)  # before the engine: numbers, texts and the version it keeps
    if out_of_bounds:
        for error in out_of_bounds:
            messages.error(request, error.message)
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
    admin_only(request)
    ruleset = get_object_or_404(RuleSet, pk=pk)
    response = HttpResponse(
        rule_selectors.ruleset_as_json(ruleset), content_type="application/json; charset=utf-8"
    )
    filename = f"rules-{ruleset.year}-v{ruleset.version}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def render_editor(
    request: HttpRequest, ruleset: RuleSet, editor: RuleSetEditor, **preview: object
) -> HttpResponse:
    """The editor page; `preview` is what the preview panel shows (hooks.editor_preview fills
    it: the periods to preview on, the chosen one, a what-if result)."""
    context = {
        "ruleset": ruleset,
        "editor": editor,
        "runs": rule_selectors.ruleset_run_count(ruleset),
        "scoring": rule_selectors.ruleset_published_for_year(ruleset.year),
        "method_params": method_params_hint(),
        "weight_texts": weight_texts(),
        **hooks.editor_preview(request, ruleset),
        **preview,
    }
    return render(request, "indicators/ruleset_editor.html", context)


@login_required
def ruleset_editor(request: HttpRequest, pk: int) -> HttpResponse:
    """The editor. POST saves the draft (action "save") or saves and publishes it ("publish"):
    nothing is written unless every field is valid and the engine accepts the weights."""
    admin_only(request)
    ruleset = get_object_or_404(RuleSet, pk=pk)
    if request.method != "POST":
        return render_editor(
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
    return render_editor(request, ruleset, editor)
