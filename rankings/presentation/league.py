"""League-table rows formatted once in Python: at province scale the template's filters and tags
cost more than everything else on the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.formatting import points_number, rank_change_text, signed_points_text

from ..models import CountyResult
from ..selectors.league import LeagueEntry, LeagueTable
from .flags import EXEMPT, IMPUTED, flag_badges


def _text(value: Decimal | None) -> str:
    return "–" if value is None else points_number(value)


def _sort_key(value: Decimal | int | None) -> str:
    return "" if value is None else str(value)


def tier_labels() -> dict[str, str]:
    return {
        "leading": _("第一方阵"),
        "middle": _("第二方阵"),
        "lagging": _("第三方阵"),
        "vetoed": _("一票否决"),
    }


def county_flag_badges() -> dict[str, tuple[str, str]]:
    return {
        "not_ranked": ("status-missing", _("不参与排名")),
        "incomplete": ("status-returned", _("缺报过多，不计总分")),
        "vetoed": ("status-returned", _("一票否决")),
        "missing": ("status-draft", _("缺报")),
    }


@dataclass(frozen=True)
class LeagueRow:
    """A county's line in the league table, every cell formatted."""

    result: CountyResult
    subtotals: list[Decimal | None]  # one per category column, in order; None: no total
    total_text: str = ""
    total_sort: str = ""
    subtotal_cells: list[tuple[str, str]] = field(default_factory=list)  # (sort key, text)
    subtotal_imputed: list[bool] = field(default_factory=list)  # 插补, one per subtotal
    bonus_text: str = ""  # bonus and penalty items, net: +2.00 / -1.00 / –
    bonus_title: str = ""  # the two parts: 加分 2.00，扣分 0.00
    improvement_text: str = ""  # the improvement reward: +2.00 / –
    improvement_title: str = ""  # where it came from: 上年第4名 → 第2名
    change: tuple[str, str] = ("", "–")  # (css class, text): ↑2 / ↓1 / –
    tier_label: str = "–"
    badges: list[tuple[str, ...]] = field(default_factory=list)  # (css class, label[, title])


def improvement_title(result: CountyResult) -> str:
    if result.base_rank is None or result.first_rank is None:
        return ""
    return _("进位奖励：上年第%(base)d名 → 本期第%(first)d名（两期都参评的县区中）") % {
        "base": result.base_rank,
        "first": result.first_rank,
    }


def exempt_badge(names: list[str]) -> tuple[str, str, str] | None:
    """不考核：工业投资、税收收入 — the indicators a county is exempt from, as one badge."""
    if not names:
        return None
    badge = flag_badges()[EXEMPT]
    label = _("%(label)s：%(names)s") % {"label": badge.label, "names": "、".join(names)}
    return (badge.css, label, badge.title)


def league_row(
    result: CountyResult,
    subtotals: list[Decimal | None],
    tiers: dict[str, str],
    flags: dict[str, tuple[str, str]],
    entry: LeagueEntry | None = None,
) -> LeagueRow:
    """`entry` (the selector's row): its subtotals' flags and the county's exempt indicators."""
    subtotal_flags = entry.subtotal_flags if entry is not None else []
    exempt = exempt_badge(entry.exempt) if entry is not None else None
    return LeagueRow(
        result=result,
        subtotals=subtotals,
        total_text=_text(result.total),
        total_sort=_sort_key(result.total),
        subtotal_cells=[(_sort_key(v), _text(v)) for v in subtotals],
        subtotal_imputed=[IMPUTED in f for f in subtotal_flags],
        bonus_text=signed_points_text(result.bonus + result.penalty),
        bonus_title=(
            _("加分 %(bonus)s，扣分 %(penalty)s")
            % {"bonus": points_number(result.bonus), "penalty": points_number(result.penalty)}
            if result.bonus or result.penalty
            else ""
        ),
        improvement_text=signed_points_text(result.improvement),
        improvement_title=improvement_title(result),
        change=rank_change_text(result.rank_change),
        tier_label=tiers.get(result.tier, "–"),
        badges=[flags[f] for f in result.flags if f in flags] + ([exempt] if exempt else []),
    )


def league_rows(table: LeagueTable) -> list[LeagueRow]:
    tiers, flags = tier_labels(), county_flag_badges()
    return [league_row(e.result, e.subtotals, tiers, flags, e) for e in table.entries]
