"""Cells of the 得分构成 table (rankings.selectors.breakdown), each rendered in one call."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from indicators.formatting import basis_text, points_number, signed_points_text

register = template.Library()


@register.simple_tag
def points(value: Decimal | None) -> str:
    """Points at two decimals, rounded half up; – for none."""
    return points_number(value)


register.simple_tag(signed_points_text, name="signed_points")


def _case_note(flags: list[str]) -> str:
    if "not_scheduled" in flags:
        return _("本月不考核（按季考核）")
    if "missing" in flags:
        return _("缺报，得 0 分")
    if "invalid_base" in flags:
        return _("基数无效，按参评县区最差值计")
    return ""


@register.simple_tag
def breakdown_row(part) -> SafeString:
    """One indicator's line: weight, basis, rank, method, the formula with its numbers, points."""
    r, rule = part.result, part.rule
    flags = r.flags if r is not None else ["missing"]
    note = _case_note(flags)
    formula = r.formula if r is not None and r.formula else ""
    if note and formula:
        shown = format_html('{}<br><span class="hint">{}</span>', formula, note)
    else:
        shown = format_html("{}", formula or note or "–")
    return format_html(
        '<tr><th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td>{}</td><td class="formula">{}</td><td class="num">{}</td></tr>',
        rule.indicator.display_name,
        points_number(rule.weight),
        basis_text(r.basis if r is not None else None, rule),
        "–" if r is None or r.rank is None else r.rank,
        rule.get_method_display(),
        shown,
        points_number(r.score if r is not None else None),
    )
