"""Many counties at once: the statistics bureau's import of a whole month, and a city
department's grid (and workbook) of its indicators for every county.

Thin views: rights from `access`, files read by `excel.bulk`, saving by `services_bulk`. A file
that would overwrite someone's later save is kept (in the cache, for an hour) until the user has
seen what it would change and confirms.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from indicators.models import Department

from . import access, selectors, services_bulk
from .excel import Problem, Upload
from .excel.bulk import entries_only, read_many_counties, read_period_upload
from .excel.layout import PERIOD_LIMITS
from .excel.template import LongRow, TemplateRow, build_long_workbook
from .models import County, Period
from .validation import Entry, Issue, NumberError, check_entry, parse_number
from .views_excel import _xlsx_response

KEEP_SECONDS = 3600


def _period_or_404(year: int, month: int) -> Period:
    return get_object_or_404(Period, year=year, month=month)


def _located(upload: Upload | None, problems: Iterable[services_bulk.CountyIssue]) -> list[Problem]:
    """The services' problems at the cells of the file they came from, in the file's order."""
    located: list[Problem] = []
    for item in problems:
        issue, county = item.issue, item.county
        if upload is not None and issue.code:
            located.extend(upload.locate([issue], county.code))
        else:
            located.append(Problem(f"{county.name}（{county.code}）：{issue.message}"))
    order = {s.name: k for k, s in enumerate(upload.sheets)} if upload else {}
    return sorted(
        located, key=lambda p: (order.get(p.sheet, -1), p.row or 0, len(p.column), p.column)
    )


def _with_checks(upload: Upload, period: Period) -> list[Problem]:
    """A file's reading problems and, where it read at all, the form's errors of the figures it
    did read: every problem of one upload at once."""
    if upload.refused or not upload.entries:
        return upload.problems
    checked = _located(upload, services_bulk.entries_check(period=period, entries=upload.entries))
    order = {s.name: k for k, s in enumerate(upload.sheets)}
    return sorted(
        [*upload.problems, *checked],
        key=lambda p: (order.get(p.sheet, -1), p.row or 0, len(p.column), p.column),
    )


def _keep(request: HttpRequest, key: str, data: bytes, filename: str, stamps: dict) -> None:
    token = secrets.token_urlsafe(16)
    cache.set(f"scorecard:bulk-upload:{token}", data, KEEP_SECONDS)
    request.session[key] = {"token": token, "filename": filename, "stamps": stamps}


def _kept(request: HttpRequest, key: str) -> tuple[bytes, str, dict] | None:
    pending = request.session.get(key)
    if not isinstance(pending, dict) or not isinstance(pending.get("token"), str):
        return None
    data = cache.get(f"scorecard:bulk-upload:{pending['token']}")
    if not isinstance(data, bytes):
        return None
    return data, str(pending.get("filename", "")), dict(pending.get("stamps") or {})


def _confirmed(request: HttpRequest, stamps: dict) -> bool:
    """The overwrite form repeats the stamps it was shown; they must match what is kept."""
    return request.POST.get("stamps", "") == _stamps_text(stamps)


class _NoFile(Exception):
    """No file to import: none was chosen, or the one kept to confirm has expired."""

    def __init__(self, message: str, *, expired: bool):
        super().__init__(message)
        self.message, self.expired = message, expired


def _file_to_import(request: HttpRequest, key: str) -> tuple[bytes, str, dict]:
    """The file a POST imports: the one uploaded, or, when the user confirms overwriting, the
    one kept for `key` with the stamps the user saw. Raises _NoFile."""
    if request.POST.get("action") == "overwrite":
        kept = _kept(request, key)
        if kept is None or not _confirmed(request, kept[2]):
            message = _("要确认的导入已过期或不存在，没有保存任何数据：请重新上传文件。")
            raise _NoFile(str(message), expired=True)
        return kept
    uploaded = request.FILES.get("file")
    if uploaded is None:
        raise _NoFile(str(_("请选择要上传的文件。")), expired=False)
    return uploaded.read(PERIOD_LIMITS.upload_bytes + 1), uploaded.name or "upload", {}


def _stamps_text(stamps: Mapping[str, object]) -> str:
    return ",".join(f"{code}:{stamps[code]}" for code in sorted(stamps))


# ----------------------------------------------------------------------------- import


def _import_page(request: HttpRequest, period: Period, status: int = 200, **extra) -> HttpResponse:
    context = {
        "period": period,
        "max_mib": PERIOD_LIMITS.upload_bytes // (1024 * 1024),
        "problems": [],
        "errors": [],
        "conflict": None,
        "filename": "",
        **extra,
    }
    if context["conflict"] is not None:
        context["stamps_text"] = _stamps_text(context["conflict"].stamps)
    return render(request, "counties/period_import.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def period_import(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """The statistics bureau uploads an all-counties workbook or a long CSV for a period: every
    county's draft is created or updated, all or nothing, channel `import`."""
    if not access.can_import_period(request.user):
        raise PermissionDenied
    period = _period_or_404(year, month)
    key = f"period-import:{period.key}"
    if request.method != "POST":
        return _import_page(request, period)
    try:
        data, filename, confirmed = _file_to_import(request, key)
    except _NoFile as exc:
        if exc.expired:
            return _import_page(request, period, status=400, errors=[exc.message])
        return _import_page(request, period, status=400, problems=[Problem(exc.message)])
    page = {"filename": filename}
    upload = read_period_upload(period=period, data=data, filename=filename)
    if upload.problems:
        problems = _with_checks(upload, period)
        return _import_page(request, period, status=400, problems=problems, **page)
    versions = {code: upload.version_of(code) for code in upload.entries}
    versions.update({code: int(stamp) for code, stamp in confirmed.items()})
    try:
        result = services_bulk.submissions_import(
            period=period, user=request.user, entries=upload.entries, versions=versions
        )
    except services_bulk.BulkInvalid as exc:
        problems = _located(upload, exc.problems)
        return _import_page(request, period, status=400, problems=problems, **page)
    except services_bulk.BulkConflict as exc:
        _keep(request, key, data, filename, exc.stamps)
        return _import_page(request, period, status=409, conflict=exc, **page)
    except ValidationError as exc:
        return _import_page(request, period, status=400, errors=exc.messages, **page)
    request.session.pop(key, None)
    note = _("已从“%(file)s”导入 %(counties)d 个县区的 %(values)d 项数据，保存为草稿。") % {
        "file": filename,
        "counties": result.counties,
        "values": result.values,
    }
    if not result.counties:
        note = _("文件“%(file)s”中的数据与已保存的相同，没有改动。") % {"file": filename}
    if result.warnings:
        note += " " + _("有 %(n)d 处提示，县区报送前需填写说明。") % {"n": len(result.warnings)}
    messages.success(request, note)
    return redirect("completeness")


# ----------------------------------------------------------------------------- departments


@login_required
@require_GET
def department_home(request: HttpRequest) -> HttpResponse:
    """The departments the user may open, each with the recent periods' grids."""
    departments = list(access.departments_visible_to(request.user))
    if not departments:
        raise PermissionDenied
    periods = selectors.periods_recent(limit=6)
    entries = [(department, list(_department_catalogue(department))) for department in departments]
    context = {"departments": entries, "periods": periods}
    return render(request, "counties/department_home.html", context)


def _department_catalogue(department: Department):
    return department.supplied_indicators.filter(
        entered_by_department=True, is_active=True
    ).order_by("category__display_order", "display_order", "code")


def _stored_warnings(period: Period, indicators, rows) -> list[services_bulk.CountyIssue]:
    """The warnings of the stored figures (growth jumps, values outside the county's range…),
    shown in their cells so that the department explains them in the note."""

    counties = [row.county for row in rows if row.submission is not None]
    if not counties or not indicators:
        return []
    contexts = selectors.entry_contexts_many(
        counties=counties, period=period, indicators=indicators
    )
    limit = Decimal(settings.GROWTH_JUMP_WARNING_POINTS)
    found = []
    for row in rows:
        if row.submission is None:
            continue
        for ind in indicators:
            entry = row.entries[ind.code]
            if entry.value is None:
                continue
            for issue in check_entry(
                contexts[row.county.pk][ind.code], entry, growth_jump_points=limit
            ):
                if issue.is_warning and not entry.note.strip():
                    found.append(services_bulk.CountyIssue(row.county, issue))
    return found


def _grid_context(request: HttpRequest, department: Department, period: Period) -> dict:
    indicators = services_bulk.department_indicators(department, period)
    counties = list(County.objects.filter(is_active=True).order_by("display_order", "code"))
    rows = selectors.department_grid(period=period, indicators=indicators, counties=counties)
    return {
        # 不考核: by county id, the indicators the county does not report (code -> reason)
        "exempt": selectors.exemptions_for_entry(period, counties),
        "issues": _stored_warnings(period, indicators, rows),
        "department": department,
        "period": period,
        "indicators": indicators,
        "rows": rows,
        "can_enter": access.can_enter_for_department(request.user, department),
    }


def _text(number) -> str:
    return "" if number is None else f"{number.normalize():f}"


def _render_grid(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    """The grid's rows as the template shows them: each cell's text (as typed after a refused
    save), its problems and warnings."""
    typed: dict[str, str] = context.get("typed", {})
    by_cell: dict[tuple[str, str], list[Issue]] = {}
    loose: list[str] = []
    for item in context.get("issues", []):
        if item.issue.code:
            by_cell.setdefault((item.county.code, item.issue.code), []).append(item.issue)
        else:
            loose.append(f"{item.county.name}：{item.issue.message}")
    shown = []
    for row in context["rows"]:
        code = row.county.code
        reasons = context["exempt"].get(row.county.pk, {})
        cells = []
        for ind in context["indicators"]:
            entry = row.entries[ind.code]
            keys = {n: f"{n}_{code}_{ind.code}" for n in ("v", "p", "n")}
            cells.append(
                {
                    "indicator": ind,
                    "exemption": reasons.get(ind.code),
                    "names": keys,
                    "value": typed.get(keys["v"], _text(entry.value)),
                    "prior": typed.get(keys["p"], _text(entry.prior_value)),
                    "note": typed.get(keys["n"], entry.note),
                    "issues": by_cell.get((code, ind.code), []),
                }
            )
        shown.append({"row": row, "cells": cells})
    n_issues = sum(i.blocking for found in by_cell.values() for i in found) + len(loose)
    context.update(grid=shown, loose_issues=loose, n_issues=n_issues)
    context.setdefault("max_mib", PERIOD_LIMITS.upload_bytes // (1024 * 1024))
    return render(request, "counties/department_grid.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def department_grid(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    """A department's indicators for every county of a period (counties x indicators): its
    reporters enter them, city staff read them."""
    department = access.department_visible_or_404(request.user, pk)
    period = _period_or_404(year, month)
    context = _grid_context(request, department, period)
    if request.method != "POST":
        return _render_grid(request, context)
    if not context["can_enter"]:
        raise PermissionDenied
    entries, stamps, typed, issues = _parse_grid(request.POST, context)
    if issues:
        context.update(typed=typed, issues=issues)
        return _render_grid(request, context, status=400)
    try:
        result = services_bulk.department_values_save(
            department=department, period=period, user=request.user, entries=entries, stamps=stamps
        )
    except services_bulk.BulkInvalid as exc:
        context.update(typed=typed, issues=exc.problems)
        return _render_grid(request, context, status=400)
    except services_bulk.BulkConflict as exc:
        # the page shows what is stored now with what was typed: saving it again overwrites
        context.update(conflict=exc, typed=typed)
        return _render_grid(request, context, status=409)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _render_grid(request, context, status=400)
    note = _("已保存 %(counties)d 个县区的 %(values)d 项数据。") % {
        "counties": result.counties,
        "values": result.values,
    }
    if result.warnings:
        note += " " + _("有 %(n)d 处提示，请在“说明”中写明原因。") % {"n": len(result.warnings)}
    messages.success(request, note)
    return redirect("department_grid", pk=department.pk, year=period.year, month=period.month)


def _parse_grid(post, context: dict):
    """The grid's figures by county and indicator code. A field the post does not carry keeps
    its stored figure; only the rows the department may change are read, and never a cell the
    county is exempted from (不考核: shown without fields, a value sent for it is ignored)."""
    entries: dict[str, dict[str, Entry]] = {}
    stamps: dict[str, str] = {}
    typed: dict[str, str] = {}
    issues: list[services_bulk.CountyIssue] = []
    for row in context["rows"]:
        if not row.editable:
            continue
        county = row.county
        stamps[county.code] = str(post.get(f"stamp_{county.code}", ""))[:64]
        found: dict[str, Entry] = {}
        exempt = context["exempt"].get(county.pk, {})
        for ind in context["indicators"]:
            if ind.code in exempt:
                continue
            kept = row.entries[ind.code]
            numbers = {}
            for name, prefix, label in (
                ("value", "v", _("本年累计")),
                ("prior_value", "p", _("上年同期")),
            ):
                key = f"{prefix}_{county.code}_{ind.code}"
                if key not in post:
                    numbers[name] = getattr(kept, name)
                    continue
                text = str(post.get(key, ""))
                typed[key] = text
                try:
                    numbers[name] = parse_number(text)
                except NumberError as exc:
                    message = f"{county.name} {ind.name}（{label}）：{exc}"
                    issues.append(
                        services_bulk.CountyIssue(
                            county, Issue(ind.code, name, "not_a_number", message, True)
                        )
                    )
                    numbers[name] = None
            note_key = f"n_{county.code}_{ind.code}"
            note = str(post.get(note_key, "")).strip() if note_key in post else kept.note
            if note_key in post:
                typed[note_key] = note
            found[ind.code] = Entry(numbers["value"], numbers["prior_value"], note)
        entries[county.code] = found
    return entries, stamps, typed, issues


@login_required
@require_GET
def department_template(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    """The department's workbook: a row per county and indicator, prefilled."""
    department = access.department_visible_or_404(request.user, pk)
    period = _period_or_404(year, month)
    context = _grid_context(request, department, period)
    rows = [
        LongRow(
            county_code=row.county.code,
            county_name=row.county.name,
            row=TemplateRow(
                code=ind.code,
                name=ind.name,
                unit=ind.get_unit_display(),
                value=row.entries[ind.code].value,
                prior_value=row.entries[ind.code].prior_value,
                note=row.entries[ind.code].note,
                decimals=ind.decimals,
                exemption=context["exempt"].get(row.county.pk, {}).get(ind.code),
            ),
            stamp=row.stamp,
            locked=not row.editable,
        )
        for row in context["rows"]
        for ind in context["indicators"]
    ]
    title = _("%(department)s %(period)s 各县区数据") % {
        "department": department.name,
        "period": period.label,
    }
    data = build_long_workbook(title=title, period=period, rows=rows)
    return _xlsx_response(data, f"{title}.xlsx", f"department-{department.pk}-{period.key}.xlsx")


@login_required
@require_http_methods(["POST"])
def department_upload(request: HttpRequest, pk: int, year: int, month: int) -> HttpResponse:
    """A department reporter uploads its workbook (or a long CSV of its indicators)."""
    department = access.department_visible_or_404(request.user, pk)
    period = _period_or_404(year, month)
    context = _grid_context(request, department, period)
    if not context["can_enter"]:
        raise PermissionDenied
    key = f"department-upload:{department.pk}:{period.key}"
    try:
        data, filename, confirmed = _file_to_import(request, key)
    except _NoFile as exc:
        if exc.expired:
            messages.error(request, exc.message)
        else:
            context["problems"] = [Problem(exc.message)]
        return _render_grid(request, context, status=400)
    context["filename"] = filename
    counties = [row.county for row in context["rows"]]
    upload = read_many_counties(
        period=period,
        data=data,
        filename=filename,
        indicators=context["indicators"],
        counties=counties,
    )
    if upload.problems:
        context["problems"] = _with_checks(upload, period)
        return _render_grid(request, context, status=400)
    codes = {ind.code for ind in context["indicators"]}
    locked = {row.county.code for row in context["rows"] if not row.editable}
    entries = {c: e for c, e in entries_only(upload, codes).items() if c not in locked}
    stamps = {code: upload.stamp_of(code) or "" for code in entries}
    stamps.update(confirmed)
    try:
        result = services_bulk.department_values_save(
            department=department, period=period, user=request.user, entries=entries, stamps=stamps
        )
    except services_bulk.BulkInvalid as exc:
        context["problems"] = _located(upload, exc.problems)
        return _render_grid(request, context, status=400)
    except services_bulk.BulkConflict as exc:
        _keep(request, key, data, filename, exc.stamps)
        context.update(conflict=exc, upload_conflict=True, stamps_text=_stamps_text(exc.stamps))
        return _render_grid(request, context, status=409)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _render_grid(request, context, status=400)
    request.session.pop(key, None)
    messages.success(
        request,
        _("已从“%(file)s”导入 %(counties)d 个县区的 %(values)d 项数据。")
        % {"file": filename, "counties": result.counties, "values": result.values},
    )
    return redirect("department_grid", pk=department.pk, year=period.year, month=period.month)
