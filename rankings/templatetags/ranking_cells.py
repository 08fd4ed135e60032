"""Repeated table cells rendered in one call: at province scale (200 rows x a dozen cells) a
loop of template variables per cell costs more than the rest of the page."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def number_cells(cells: list[tuple[str, str]]) -> SafeString:
    """<td class="num" data-sort="key">text</td> for each (sort key, text), escaped."""
    return format_html_join("", '<td class="num" data-sort="{}">{}</td>', cells)


@register.simple_tag
def badges(items: list[tuple[str, str]]) -> SafeString:
    """<span class="badge css">label</span> for each (css class, label), escaped."""
    return format_html_join("", '<span class="badge {}">{}</span>', items)


@register.simple_tag
def league_row(row, grouped: bool, profile_url: str, year: int) -> SafeString:
    """One league-table row (rankings.selectors.LeagueRow), every value escaped. It is the
    template's per-row markup in one call: 200 rows of a dozen template nodes each took
    35 ms to render."""
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
        '<th scope="row" data-sort="{order}"><a href="{url}{code}/?year={year}">{name}</a></th>'
        "{group}"
        '<td class="num" data-sort="{total_sort}">{total}</td>'
        '<td class="num" data-sort="{change_sort}">{change}</td>'
        "<td>{tier_label}</td>{subtotals}"
        '<td class="num" data-sort="{bonus_sort}">{bonus}</td>'
        "<td>{badges}</td></tr>",
        tier=r.tier or "none",
        rank_sort="" if r.rank is None else r.rank,
        rank=r.rank or "–",
        order=r.county.display_order,
        url=profile_url,
        code=r.county.code,
        year=year,
        name=r.county.display_name,
        group=group,
        total_sort=row.total_sort,
        total=row.total_text,
        change_sort="" if r.rank_change is None else r.rank_change,
        change=format_html('<span class="{}">{}</span>', css, change) if css else "–",
        tier_label=row.tier_label,
        subtotals=number_cells(row.subtotal_cells),
        bonus_sort=str(r.bonus),
        bonus=row.bonus_text,
        badges=badges(row.badges),
    )


def _fixed(value: Decimal, places: int) -> str:
    """Like floatformat:places: rounded half up, always `places` decimals."""
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def _trimmed(value: Decimal, places: int = 2) -> str:
    """Like floatformat:"-places": no decimals for a whole number."""
    return str(int(value)) if value == value.to_integral_value() else _fixed(value, places)


def _percent_if(basis_type: str) -> str:
    return "%" if basis_type == "growth" else ""


@register.simple_tag
def indicator_line_row(line) -> SafeString:
    """One row of an indicator table (rankings.profile.IndicatorLine), every value escaped."""
    decimals = line.indicator.decimals
    pct = _percent_if(line.basis_type)
    if line.target is None:
        target = "–"
    else:
        mark = {True: (" target-met", " ✓"), False: (" target-missed", " ✗")}.get(
            line.meets_target, ("", "")
        )
        target = format_html(
            '<span class="{}">{}{}{}</span>', mark[0].strip(), _trimmed(line.target), pct, mark[1]
        )
    return format_html(
        '<tr><th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td></tr>',
        line.indicator.display_name,
        "–" if line.value is None else f"{_fixed(line.value, decimals)} {line.unit}",
        "–" if line.growth is None else f"{_fixed(line.growth, 1)}%",
        "–" if line.basis is None else f"{_fixed(line.basis, 2)}{pct}",
        target,
        "–" if line.rank is None else f"{line.rank} / {line.n_ranked}",
        "–" if line.score is None else _("%(points)s 分") % {"points": _fixed(line.score, 2)},
    )


@register.simple_tag
def gap_line_row(line, total_rank: int | None) -> SafeString:
    """One row of the gap-to-the-next-place table (an IndicatorLine with a gap)."""
    decimals = line.indicator.decimals
    pct = _percent_if(line.basis_type)
    increase = line.gap_increase
    if increase is None:
        increase_text = "–"
    else:
        sign = "+" if increase > 0 else ""
        increase_text = f"{sign}{_fixed(increase, decimals)} {line.unit}"
    if line.gap_total_rank is None or total_rank is None:
        overall = "–"
    elif line.gap_total_rank < total_rank:
        overall = format_html(
            '<strong class="up">{}</strong>',
            _("第%(old)s→%(new)s名") % {"old": total_rank, "new": line.gap_total_rank},
        )
    else:
        overall = _("不变")
    return format_html(
        '<tr><th scope="row">{}</th><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td><td class="num">{}</td>'
        '<td class="num">{}</td><td class="num">{}</td></tr>',
        line.indicator.display_name,
        f"{_fixed(line.basis, 2)}{pct}",
        f"{_fixed(line.gap_basis, 2)}{pct}",
        f"{_fixed(line.gap_value, decimals)} {line.unit}",
        increase_text,
        _("第%(old)s→%(new)s名") % {"old": line.rank, "new": line.gap_rank},
        "–"
        if line.gap_points is None
        else _("+%(points)s 分") % {"points": _fixed(line.gap_points, 2)},
        overall,
    )
