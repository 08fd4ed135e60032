"""The ranking pages' tables as export sheets (scorecard.exports writes them): the league table,
the category tables with their indicators, the warning board, the year's result, a period's
approved figures and a county's profile. Built from the same selectors as the pages, so an
export shows exactly what the user may see there. Numbers stay numbers; units are in headers."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from counties.access import counties_visible_to
from counties.models import Period, Submission, SubmissionValue
from indicators.formatting import unit_label
from indicators.scoring.growth import growth_percent
from scorecard.exports import Sheet
from scorecard.roles import AnyUser

from ..selectors.annual import YearTable
from ..selectors.league import LeagueTable
from ..selectors.profile import Profile
from ..selectors.tables import CategoryTable
from ..selectors.warnings import WarningBoard
from .flags import EXEMPT, MISSING, indicator_badge, note_text
from .league import tier_labels
from .warnings import level_label, reason_text

POINTS = "（分）"


def _unit(text: str, unit: str) -> str:
    return f"{text}（{unit_label(unit)}）" if unit else text


def league_sheet(table: LeagueTable) -> Sheet:
    tiers = tier_labels()
    headers = [_("名次"), _("县区"), _("行政区划代码")]
    if table.grouped:
        headers.append(_("分组"))
    headers += [
        _("总分") + POINTS,
        _("基础得分") + POINTS,
        _("加分") + POINTS,
        _("扣分") + POINTS,
        _("进位奖励") + POINTS,
        _("较上月（位）"),
        _("方阵"),
    ]
    headers += [c.display_name + POINTS for c in table.categories]
    headers.append(_("备注"))
    rows = []
    for entry in table.entries:
        r = entry.result
        row: list = [r.rank, r.county.display_name, r.county.code]
        if table.grouped:
            row.append(r.peer_group)
        row += [
            r.total,
            r.base_total,
            r.bonus,
            r.penalty,
            r.improvement,
            r.rank_change,
            tiers.get(r.tier, ""),
        ]
        row += entry.subtotals
        imputed = [
            c.display_name
            for c, flags in zip(table.categories, entry.subtotal_flags, strict=False)
            if "imputed" in flags
        ]
        row.append(note_text(exempt=entry.exempt, imputed=imputed))
        rows.append(row)
    return Sheet(_("综合排名 %(period)s") % {"period": table.period.label}, headers, rows)


def category_sheet(table: CategoryTable) -> Sheet:
    headers = [_("县区"), _("行政区划代码"), _("类别得分") + POINTS, _("类别名次")]
    for column in table.columns:
        name = column.indicator.display_name
        headers += [
            _unit(_("%(name)s 本年累计") % {"name": name}, column.indicator.unit),
            _("%(name)s 计分依据") % {"name": name},
            _("%(name)s 名次") % {"name": name},
            _("%(name)s 得分") % {"name": name} + POINTS,
        ]
    headers.append(_("备注"))
    names = [column.indicator.display_name for column in table.columns]
    rows = []
    for row in table.rows:
        out: list = [row.county.display_name, row.county.code, row.subtotal, row.rank]
        for cell in row.cells:
            out += [cell.value, cell.basis, cell.rank, cell.score]
        out.append(
            note_text(
                exempt=[n for n, c in zip(names, row.cells, strict=True) if EXEMPT in c.flags],
                missing=[
                    n
                    for n, c in zip(names, row.cells, strict=True)
                    if MISSING in c.flags and EXEMPT not in c.flags
                ],
                imputed=[table.category.category.display_name] if row.imputed else [],
            )
        )
        rows.append(out)
    return Sheet(table.category.category.display_name, headers, rows)


def warning_sheet(board: WarningBoard) -> Sheet:
    """One row per county (and the city) and indicator: the colour, the target and progress."""
    headers = [
        _("县区"),
        _("指标"),
        _("预警"),
        _("目标类型"),
        _("全年目标"),
        _("本年累计"),
        _("增速（%）"),
        _("完成率（%）"),
        _("时序进度（%）"),
        _("超前或落后（百分点）"),
        _("欠账"),
        _("原因"),
    ]
    city_growth = {
        c.indicator_id: c.growth for c in (board.city.cells if board.city else []) if c is not None
    }
    rows = []
    for line in [*board.rows, *([board.city] if board.city else [])]:
        name = line.county.display_name if line.county else _("全市")
        for indicator, cell in zip(board.indicators, line.cells, strict=True):
            if cell is None:
                continue
            kind = {"value": _("目标值"), "growth": _("目标增速")}.get(cell.target_kind, "")
            rows.append(
                [
                    name,
                    _unit(indicator.display_name, indicator.unit),
                    level_label(cell.level) if cell.level else "",
                    kind,
                    cell.target,
                    cell.value,
                    cell.growth,
                    cell.completion,
                    cell.time_progress,
                    cell.ahead,
                    cell.shortfall,
                    reason_text(cell, city_growth.get(cell.indicator_id)),
                ]
            )
    return Sheet(_("预警 %(period)s") % {"period": board.period.label}, headers, rows)


def year_sheet(table: YearTable) -> Sheet:
    tiers = tier_labels()
    headers = [_("年度名次"), _("县区"), _("行政区划代码")]
    headers += [
        _("%(month)s月（权重%(weight)s）") % {"month": m, "weight": f"{w:g}"} + POINTS
        for m, w in table.months
    ]
    headers += [_("年度综合得分") + POINTS, _("方阵"), _("不完整")]
    rows = []
    for r in table.rows:
        totals = [Decimal(str(t)) if t is not None else None for _m, _w, t in r.parts]
        rows.append(
            [
                r.rank,
                r.county.display_name,
                r.county.code,
                *totals,
                r.total,
                tiers.get(r.tier, ""),
                _("是") if "partial" in r.flags else "",
            ]
        )
    return Sheet(_("年度结果 %(period)s") % {"period": table.period.label}, headers, rows)


def values_sheet(period: Period, user: AnyUser) -> Sheet:
    """The period's approved figures of the counties the user may see (a county user: its own),
    as entered and approved: the figures rankings are computed from."""
    rows = (
        SubmissionValue.objects.filter(
            submission__period=period,
            submission__status=Submission.Status.APPROVED,
            submission__county__in=counties_visible_to(user),
        )
        .select_related("submission__county", "indicator")
        .order_by(
            "submission__county__display_order",
            "indicator__category__display_order",
            "indicator__display_order",
        )
    )
    headers = [
        _("行政区划代码"),
        _("县区"),
        _("指标代码"),
        _("指标"),
        _("计量单位"),
        _("本年累计"),
        _("上年同期"),
        _("增速（%）"),
        _("说明"),
    ]
    out = []
    for v in rows:
        county = v.submission.county
        out.append(
            [
                county.code,
                county.display_name,
                v.indicator.code,
                v.indicator.display_name,
                unit_label(v.indicator.unit),
                v.value,
                v.prior_value,
                _rounded(growth_percent(v.value, v.prior_value)),
                v.note,
            ]
        )
    return Sheet(_("审核数 %(period)s") % {"period": period.label}, headers, out)


def _rounded(value: Decimal | None, places: str = "0.01") -> Decimal | None:
    return None if value is None else value.quantize(Decimal(places))


def profile_sheet(data: Profile) -> Sheet:
    headers = [
        _("指标"),
        _("计量单位"),
        _("本年累计"),
        _("上年同期"),
        _("计分依据"),
        _("名次"),
        _("参评县区数"),
        _("得分") + POINTS,
        _("再进一位需达到"),
        _("再进一位后名次"),
        _("再进一位增加总分") + POINTS,
        _("标记"),
    ]
    rows = [
        [
            line.indicator.display_name,
            unit_label(line.indicator.unit),
            line.value,
            line.prior_value,
            line.basis,
            line.rank,
            line.n_ranked,
            line.score,
            line.gap_value,
            line.gap_rank,
            line.gap_points,
            _flag_label(line.flags),
        ]
        for line in data.lines
    ]
    title = _("%(county)s %(period)s") % {"county": data.county.display_name, "period": data.latest}
    return Sheet(title, headers, rows)


def _flag_label(flags: list[str]) -> str:
    """不考核 or 缺报 for an indicator result so flagged, else ""."""
    badge = indicator_badge(flags)
    return badge.label if badge is not None else ""
