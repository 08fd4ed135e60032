"""Cells of the 得分构成 table (rankings.selectors.breakdown), each rendered in one call."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from indicators.formatting import basis_text, points_number, signed_points_text
from indicators.scoring.rules import MissingData

from ..presentation.flags import EXEMPT, exemption_policy_text, flag_badges, rate_source_text
from .ranking_cells import badge_html, flag_legend, imputed_mark

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


def _plain(number: Decimal) -> str:
    """A weight as the formulas write it: 10, 7.5."""
    text = format(number.normalize(), "f")
    return text


def _pro_rata_formula(weight: Decimal, score: Decimal | None, policy: MissingData) -> str:
    """weight × rate = points, the rate being the county's points rate on its other scored
    indicators (of the category, or of the whole total), as the stored points give it."""
    if score is None or not weight:
        return ""
    rate = (score / weight * 100).quantize(Decimal("0.01"))
    return _("%(weight)s × %(rate)s%%（%(source)s） = %(points)s") % {
        "weight": _plain(weight),
        "rate": rate,
        "source": rate_source_text(policy),
        "points": points_number(score),
    }


def _exempt_note(part, policy: MissingData) -> str:
    """不考核: the reason where it is known, and what became of the weight."""
    text = _("不考核：%(policy)s") % {"policy": exemption_policy_text(policy)}
    if part.exemption_reason:
        text = _("不考核（%(reason)s）：%(policy)s") % {
            "reason": part.exemption_reason,
            "policy": exemption_policy_text(policy),
        }
    return text


@register.simple_tag
def breakdown_row(part, policy: MissingData | None = None) -> SafeString:
    """One indicator's line: weight, basis, rank, method, the formula with its numbers, points.
    `policy`: the run's rule set's missing_data (Breakdown.missing_policy), for an exempted
    indicator (不考核)."""
    r, rule = part.result, part.rule
    flags = part.flags
    formula = r.formula if r is not None and r.formula else ""
    badge = flag_badges()[EXEMPT] if EXEMPT in flags else None  # 缺报 is said in the formula
    if badge is not None:
        policy = policy if isinstance(policy, MissingData) else MissingData()
        note = _exempt_note(part, policy)
        if not formula and policy.exemptions == "pro_rata":
            formula = _pro_rata_formula(rule.weight, r.score if r is not None else None, policy)
    else:
        note = _case_note(flags)
    if note and formula:
        shown = format_html('{}<br><span class="hint">{}</span>', formula, note)
    else:
        shown = format_html("{}", formula or note or "–")
    mark = badge_html(badge)
    return format_html(
        '<tr><th scope="row">{}{}</th><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td>{}</td><td class="formula">{}</td><td class="num">{}</td></tr>',
        rule.indicator.display_name,
        mark,
        points_number(rule.weight),
        basis_text(r.basis if r is not None else None, rule),
        "–" if r is None or r.rank is None else r.rank,
        rule.get_method_display(),
        shown,
        points_number(r.score if r is not None else None),
    )


@register.simple_tag
def category_mark(category) -> SafeString:
    """插补 beside a category whose subtotal is its imputation group's mean."""
    return imputed_mark(category.flags)


@register.simple_tag
def breakdown_legend(breakdown) -> SafeString:
    """The legend of the marks the breakdown shows (不考核, 插补), each with what it means."""
    return flag_legend(breakdown.flags, breakdown.missing_policy)
