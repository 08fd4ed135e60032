"""League-table rows formatted once in Python: at province scale the template's filters and tags
cost more than everything else on the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from ..models import CountyResult
from ..selectors.league import LeagueTable


def _text(value: Decimal | None, places: int = 2) -> str:
    return "–" if value is None else f"{value:.{places}f}"


def _sort_key(value: Decimal | int | None) -> str:
    return "" if value is None else str(value)


def tier_labels() -> dict[str, str]:
    return {
        "leading": _("第一方阵"),
        "middle": _("第二方阵"),
        "lagging": _("第三方阵"),
        "vetoed": _("一票否决"),
    }


def flag_badges() -> dict[str, tuple[str, str]]:
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
    bonus_text: str = ""
    change: tuple[str, str] = ("", "–")  # (css class, text): ↑2 / ↓1 / –
    tier_label: str = "–"
    badges: list[tuple[str, str]] = field(default_factory=list)  # (css class, label)


def league_row(
    result: CountyResult,
    subtotals: list[Decimal | None],
    tiers: dict[str, str],
    flags: dict[str, tuple[str, str]],
) -> LeagueRow:
    change = result.rank_change
    if not change:
        shown = ("", "–")
    elif change > 0:
        shown = ("up", f"↑{change}")
    else:
        shown = ("down", f"↓{-change}")
    return LeagueRow(
        result=result,
        subtotals=subtotals,
        total_text=_text(result.total),
        total_sort=_sort_key(result.total),
        subtotal_cells=[(_sort_key(v), _text(v)) for v in subtotals],
        bonus_text=_text(result.bonus) if result.bonus else "–",
        change=shown,
        tier_label=tiers.get(result.tier, "–"),
        badges=[flags[f] for f in result.flags if f in flags],
    )


def league_rows(table: LeagueTable) -> list[LeagueRow]:
    tiers, flags = tier_labels(), flag_badges()
    return [league_row(e.result, e.subtotals, tiers, flags) for e in table.entries]
