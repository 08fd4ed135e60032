"""Repeated table cells rendered in one call: at province scale (200 rows x a dozen cells) a
loop of template variables per cell costs more than the rest of the page."""

from __future__ import annotations

from django import template
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from counties.models import Period
from indicators import formatting
from indicators.models import RuleSet, RuleSetIndicator
from indicators.scoring.rules import MissingData
from indicators.selectors import ruleset_missing_policy

from ..presentation.flags import EXEMPT, IMPUTED, FlagBadge, flag_badges, legend

register = template.Library()


def badge_html(badge: FlagBadge | None) -> SafeString:
    """<span class="badge status-exempt" title="what it means">不考核</span>, or nothing."""
    if badge is None:
        return mark_safe("")
    return format_html(
        ' <span class="badge {}" title="{}">{}</span>', badge.css, badge.title, badge.label
    )


@register.simple_tag
def flag_badge(flag: str) -> SafeString:
    """The badge of one flag ("exempt": 不考核, "imputed": 插补, "missing": 缺报)."""
    return badge_html(flag_badges().get(flag))


@register.simple_tag
def exempt_mark(flags) -> SafeString:
    """不考核 beside an indicator result the county is exempt from."""
    return badge_html(flag_badges()[EXEMPT] if EXEMPT in (flags or ()) else None)


@register.simple_tag
def imputed_mark(flags) -> SafeString:
    """插补 beside a category subtotal that is the county's imputation group's mean."""
    return badge_html(flag_badges()[IMPUTED] if IMPUTED in (flags or ()) else None)


@register.simple_tag
def flag_legend(flags, policy: MissingData | RuleSet | None = None) -> SafeString:
    """The legend of the marks a table shows (不考核, 插补; only those present), each with
    what it means; `policy` (the run's rule set, or its missing_data) says what became of an
    exempted indicator's weight."""
    if isinstance(policy, RuleSet):
        policy = ruleset_missing_policy(policy)
    shown = legend(set(flags or ()) & {EXEMPT, IMPUTED}, policy)
    if not shown:
        return mark_safe("")
    items = format_html_join(
        _("；"), '<span class="badge {}">{}</span> {}', ((b.css, b.label, b.title) for b in shown)
    )
    return format_html('<p class="hint flag-legend">{}</p>', items)


@register.simple_tag
def number_cells(cells: list[tuple[str, str]]) -> SafeString:
    """<td class="num" data-sort="key">text</td> for each (sort key, text), escaped."""
    return format_html_join("", '<td class="num" data-sort="{}">{}</td>', cells)


@register.simple_tag
def badges(items: list[tuple[str, ...]]) -> SafeString:
    """<span class="badge css" title="title">label</span> for each (css class, label) or
    (css class, label, title), escaped."""
    return format_html_join(
        "",
        '<span class="badge {}"{}>{}</span>',
        (
            (item[0], format_html(' title="{}"', item[2]) if len(item) > 2 else "", item[1])
            for item in items
        ),
    )


def subtotal_cells(cells: list[tuple[str, str]], imputed: list[bool]) -> SafeString:
    """number_cells for the league table's category subtotals, 插补 marked."""
    if not any(imputed):
        return number_cells(cells)
    mark = badge_html(flag_badges()[IMPUTED])
    flags = list(imputed) + [False] * (len(cells) - len(imputed))
    return format_html_join(
        "",
        '<td class="num" data-sort="{}">{}{}</td>',
        ((key, text, mark if flag else "") for (key, text), flag in zip(cells, flags, strict=True)),
    )


@register.simple_tag
def league_row(
    row, grouped: bool, profile_url: str, period: Period, provisional: bool = False
) -> SafeString:
    """One league-table row (rankings.presentation.league.LeagueRow), every value escaped. It
    is the template's per-row markup in one call: 200 rows of a dozen template nodes each took
    35 ms to render. `provisional`: the period is still in progress, so the rank change and
    the improvement reward are marked as provisional (暂定)."""
    r = row.result
    css, change = row.change
    group = (
        format_html('<td data-sort="{}">{}</td>', r.peer_group, r.peer_group or "–")
        if grouped
        else ""
    )
    return format_html(
        '<tr class="tier-{tier}">'
        '<td class="num" data-sort="{rank_sort}">{rank}</td>'
        '<th scope="row" data-sort="{order}">'
        '<a href="{url}{code}/?year={year}&amp;period={period_key}">{name}</a></th>'
        "{group}"
        '<td class="num" data-sort="{total_sort}">{total}</td>'
        '<td class="num" data-sort="{change_sort}">{change}</td>'
        "<td>{tier_label}</td>{subtotals}"
        '<td class="num" data-sort="{bonus_sort}" title="{bonus_title}">{bonus}</td>'
        '<td class="num" data-sort="{improvement_sort}" title="{improvement_title}">'
        "{improvement}{mark}</td>"
        "<td>{badges}</td></tr>",
        tier=r.tier or "none",
        rank_sort="" if r.rank is None else r.rank,
        rank=r.rank or "–",
        order=r.county.display_order,
        url=profile_url,
        code=r.county.code,
        year=period.year,
        period_key=period.key,
        name=r.county.display_name,
        group=group,
        total_sort=row.total_sort,
        total=row.total_text,
        change_sort="" if r.rank_change is None else r.rank_change,
        change=format_html(
            '<span class="{}">{}</span>{}', css, change, _provisional() if provisional else ""
        )
        if css
        else "–",
        tier_label=row.tier_label,
        subtotals=subtotal_cells(row.subtotal_cells, row.subtotal_imputed),
        bonus_sort=str(r.bonus + r.penalty),
        bonus=row.bonus_text,
        bonus_title=row.bonus_title,
        improvement_sort=str(r.improvement),
        improvement=row.improvement_text,
        improvement_title=row.improvement_title,
        mark=_provisional() if provisional and r.improvement else "",
        badges=badges(row.badges),
    )


def _provisional() -> SafeString:
    return format_html(
        '<sup class="provisional" title="{}">{}</sup>', _("本期排名进行中"), _("暂定")
    )


def _rule_of(line) -> RuleSetIndicator:
    """The rule a profile line was scored by (its basis' decimals, factor and unit); without
    one, a rule of the line's basis type: enough for growth and value bases."""
    return line.rule or RuleSetIndicator(indicator=line.indicator, basis=line.basis_type)


@register.simple_tag
def indicator_line_row(line) -> SafeString:
    """One row of an indicator table (rankings.selectors.profile.IndicatorLine), every value
    escaped, each figure in the text every page gives it (indicators.formatting)."""
    rule = _rule_of(line)
    if line.target is None:
        target = "–"
    else:
        css, mark = {True: ("target-met", " ✓"), False: ("target-missed", " ✗")}.get(
            line.meets_target, ("", "")
        )
        target = format_html(
            '<span class="{}">{}{}</span>', css, formatting.basis_text(line.target, rule), mark
        )
    return format_html(
        '<tr><th scope="row">{}{}</th><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td></tr>',
        line.indicator.display_name,
        exempt_mark(line.flags),
        formatting.value_text(line.value, line.indicator),
        formatting.growth_text(line.growth),
        formatting.basis_text(line.basis, rule),
        target,
        "–" if line.rank is None else f"{line.rank} / {line.n_ranked}",
        formatting.points_text(line.score),
    )


@register.simple_tag
def rank_change(change: int | None) -> SafeString:
    """Places gained or lost: <span class="up">↑2</span>, <span class="down">↓1</span> or –."""
    css, text = formatting.rank_change_text(change)
    return format_html('<span class="{}">{}</span>', css, text) if css else escape(text)


# Figures in templates, each in its one text (indicators.formatting):
# {{ cell.value|value_text:col.indicator }}, {{ cell.basis|basis_text:col.rule }}, ...
register.filter("value_text", formatting.value_text)
register.filter("growth_text", formatting.growth_text)
register.filter("basis_text", formatting.basis_text)
register.filter("points_text", formatting.points_text)
register.filter("points_number", formatting.points_number)
register.filter("signed_points_text", formatting.signed_points_text)


@register.simple_tag
def gap_line_row(line, total_rank: int | None) -> SafeString:
    """One row of the gap-to-the-next-place table (an IndicatorLine with a gap): the basis now
    and the one to reach (the next better county's, or a threshold's), the year-to-date value
    that reaches it and the change that needs (whole units for counts), and what it brings."""
    rule = _rule_of(line)
    increase = line.gap_increase
    if increase is None:
        increase_text = "–"
    else:
        text = formatting.value_text(increase, line.indicator)
        increase_text = f"+{text}" if increase > 0 else text
    if line.gap_total_rank is None or total_rank is None:
        overall = "–"
    elif line.gap_total_rank < total_rank:
        overall = format_html(
            '<strong class="up">{}</strong>',
            _("第%(old)s→%(new)s名") % {"old": total_rank, "new": line.gap_total_rank},
        )
    else:
        overall = _("不变")
    target = formatting.basis_text(line.gap_basis, rule)
    if line.gap_kind == "threshold":
        target = _("达到门槛 %(threshold)s") % {"threshold": target}
    return format_html(
        '<tr><th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td></tr>',
        line.indicator.display_name,
        formatting.basis_text(line.basis, rule),
        target,
        formatting.value_text(line.gap_value, line.indicator),
        increase_text,
        _("第%(old)s→%(new)s名") % {"old": line.rank, "new": line.gap_rank},
        "–"
        if line.gap_points is None
        else _("+%(points)s 分") % {"points": formatting.points_number(line.gap_points)},
        overall,
    )
