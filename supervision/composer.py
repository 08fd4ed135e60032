"""The bulletin's text and tables, written from its facts (selectors.BulletinFacts).

Every sentence states numbers the stored results hold, so a reader can check each against the
league table below it. Written in the drafting user's language (Chinese by default).
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indicators.formatting import points_number, rank_change_text, signed_points_text
from rankings.presentation.league import tier_labels

from . import charts
from .content import BulletinDocument, DocImage, DocTable
from .selectors import BulletinFacts, Standing


def _names(items: Sequence[str]) -> str:
    return _("、").join(items)


def _with_total(s: Standing) -> str:
    return _("%(name)s（%(total)s分）") % {"name": s.name, "total": points_number(s.total)}


def _grouped(facts: BulletinFacts) -> bool:
    return any(s.peer_group for s in facts.standings)


def _group_note(s: Standing, grouped: bool) -> str:
    return _("（%(group)s组）") % {"group": s.peer_group} if grouped and s.peer_group else ""


def title_of(facts: BulletinFacts) -> str:
    period = facts.period
    if period.month == 1:
        return _("%(year)s年1月全市县区经济发展考核情况通报") % {"year": period.year}
    return _("%(year)s年1-%(month)s月全市县区经济发展考核情况通报") % {
        "year": period.year,
        "month": period.month,
    }


def paragraphs_of(facts: BulletinFacts) -> list[str]:
    period = facts.period
    grouped = _grouped(facts)
    months = _("1月") if period.month == 1 else _("1-%(month)s月") % {"month": period.month}
    out = [
        _("现将%(year)s年%(months)s全市各县区经济发展考核情况通报如下（共%(n)s个县区参加排名）。")
        % {"year": period.year, "months": months, "n": len(facts.ranked)}
    ]

    leaders = []
    for group in dict.fromkeys(s.peer_group for s in facts.ranked):
        top = [s for s in facts.ranked if s.peer_group == group][:3]
        leaders.append(
            _group_note(top[0], grouped) + _names([_with_total(s) for s in top]) if top else ""
        )
    if leaders:
        out.append(_("一、总体排名。综合得分前三位的是：%(list)s。") % {"list": "；".join(leaders)})
    else:
        out.append(_("一、总体排名。本期没有县区取得综合得分。"))

    if all(s.change is None for s in facts.ranked):
        out.append(_("二、位次变化。本期不与上月比较位次。"))
    elif not facts.risers and not facts.fallers:
        out.append(_("二、位次变化。与上月相比，各县区位次没有变化。"))
    else:
        parts = []
        if facts.risers:
            parts.append(
                _("%(names)s位次上升最多，上升%(n)s位")
                % {"names": _names([s.name for s in facts.risers]), "n": facts.risers[0].change}
            )
        if facts.fallers:
            parts.append(
                _("%(names)s位次下降最多，下降%(n)s位")
                % {
                    "names": _names([s.name for s in facts.fallers]),
                    "n": -int(facts.fallers[0].change or 0),
                }
            )
        out.append(_("二、位次变化。与上月相比，%(parts)s。") % {"parts": "；".join(parts)})

    red = _names([_group_note(s, grouped) + s.name for s in facts.red_list]) or _("无")
    black = _names([_group_note(s, grouped) + s.name for s in facts.black_list]) or _("无")
    out.append(_("三、红黑榜。红榜：%(red)s；黑榜：%(black)s。") % {"red": red, "black": black})

    if facts.red_warnings:
        items = [
            _("%(county)s的%(indicators)s") % {"county": county, "indicators": _names(names)}
            for county, names in facts.red_warnings
        ]
        out.append(_("四、预警情况。以下指标为红色预警：%(items)s。") % {"items": "；".join(items)})
    else:
        out.append(_("四、预警情况。本期没有红色预警。"))

    if not facts.has_targets:
        out.append(_("五、全市目标进度。本年度目标任务尚未发布，不作比较。"))
    elif facts.city_behind:
        items = []
        for name, kind, ahead in facts.city_behind:
            points = points_number(-ahead)
            if kind == "growth":
                items.append(
                    _("%(name)s增速低于目标%(points)s个百分点") % {"name": name, "points": points}
                )
            else:
                items.append(
                    _("%(name)s落后时序进度%(points)s个百分点") % {"name": name, "points": points}
                )
        out.append(_("五、全市目标进度。%(items)s。") % {"items": "；".join(items)})
    else:
        out.append(_("五、全市目标进度。全市各项指标均达到目标和时序进度。"))

    late = [
        ngettext("%(name)s逾期%(days)s天报送", "%(name)s逾期%(days)s天报送", d.days)
        % {"name": d.name, "days": d.days}
        for d in facts.late
        if d.days is not None
    ]
    missing = [d.name for d in facts.late if d.days is None]
    if missing:
        late.append(_("%(names)s未报送或未通过审核") % {"names": _names(missing)})
    if late:
        out.append(_("六、报送情况。%(items)s。") % {"items": "；".join(late)})
    else:
        out.append(_("六、报送情况。各县区均按时报送数据。"))

    if facts.adjustments:
        items = [
            (
                _("%(name)s加%(points)s分（%(reason)s）")
                if a.points > 0
                else _("%(name)s扣%(points)s分（%(reason)s）")
            )
            % {"name": a.name, "points": points_number(abs(a.points)), "reason": a.reason}
            for a in facts.adjustments
        ]
        out.append(_("七、加减分事项。%(items)s。") % {"items": "；".join(items)})
    else:
        out.append(_("七、加减分事项。本期没有加减分事项。"))

    out.append(_("请排名靠后和有红色预警的县区认真分析原因，制定整改措施，确保完成全年目标任务。"))
    return out


def tables_of(facts: BulletinFacts) -> list[DocTable]:
    tiers = tier_labels()
    grouped = _grouped(facts)
    headers = [_("名次"), _("县区"), _("总分（分）"), _("较上月"), _("加减分（分）"), _("方阵")]
    if grouped:
        headers.insert(2, _("分组"))
    rows = []
    for s in facts.standings:
        row = [
            str(s.rank) if s.rank is not None else "–",
            s.name,
            points_number(s.total),
            rank_change_text(s.change)[1],
            signed_points_text(s.bonus + s.penalty),
            tiers.get(s.tier, "–"),
        ]
        if grouped:
            row.insert(2, s.peer_group or "–")
        rows.append(row)
    league = DocTable(
        title=_("表1  综合排名"),
        headers=headers,
        rows=rows,
        numeric=[True, False] + ([False] if grouped else []) + [True, True, True, False],
    )
    tables = [league]
    if facts.categories:
        tables.append(
            DocTable(
                title=_("表2  分类得分（分）"),
                headers=[_("县区")] + [c.name for c in facts.categories],
                rows=[
                    [s.name] + [points_number(v) for v in facts.subtotals.get(s.code, [])]
                    for s in facts.standings
                ],
                numeric=[False] + [True] * len(facts.categories),
            )
        )
    if facts.responsible:
        tables.append(
            DocTable(
                title=_("表%(n)s  红色预警及责任分工") % {"n": len(tables) + 1},
                headers=[_("县区"), _("分管领导"), _("预警指标"), _("牵头单位")],
                rows=[
                    [r.county, r.leader or "–", r.indicator, r.lead_department or "–"]
                    for r in facts.responsible
                ],
                numeric=[False, False, False, False],
            )
        )
    return tables


def images_of(facts: BulletinFacts) -> list[DocImage]:
    """The key charts: every county's total, and its red and yellow warnings."""
    ranked = sorted(facts.ranked, key=lambda s: (s.rank, s.code))
    images = []
    if ranked:
        title = _("图1  综合得分")
        png = charts.totals_chart(
            [s.name for s in ranked],
            [float(s.total or 0) for s in ranked],
            [s.tier for s in ranked],
            unit=_("总分（分）"),
        )
        images.append(DocImage(title, base64.b64encode(png).decode("ascii")))
    counted = [s for s in facts.standings if s.name in facts.warning_counts]
    if any(sum(facts.warning_counts[s.name]) for s in counted):
        title = _("图2  目标进度预警（项）")
        png = charts.warnings_chart(
            [s.name for s in counted],
            [facts.warning_counts[s.name][0] for s in counted],
            [facts.warning_counts[s.name][1] for s in counted],
            labels=(_("红色"), _("黄色")),
        )
        images.append(DocImage(title, base64.b64encode(png).decode("ascii")))
    return images


def date_text(day: date) -> str:
    return _("%(year)s年%(month)s月%(day)s日") % {
        "year": day.year,
        "month": day.month,
        "day": day.day,
    }


def bulletin_document(
    facts: BulletinFacts,
    *,
    number: str,
    issuer: str,
    day: date,
    paragraphs: list[str] | None = None,
) -> BulletinDocument:
    """The whole bulletin: `paragraphs` where the reviewer has edited the text, else the text
    written from the facts."""
    return BulletinDocument(
        title=title_of(facts),
        number=number,
        issuer=issuer,
        date=date_text(day),
        paragraphs=paragraphs if paragraphs is not None else paragraphs_of(facts),
        tables=tables_of(facts),
        images=images_of(facts),
    )


def split_paragraphs(text: str) -> list[str]:
    """The reviewer's text as paragraphs: one per non-empty line."""
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
