"""Schedules (分月进度) as people write them: "20/45/70/100" by quarter, or twelve monthly
figures, each the cumulative percent of the annual target due by the end of the period."""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

PLACES = Decimal("0.0001")
HUNDRED = Decimal(100)


class ScheduleError(ValueError):
    """A schedule that cannot be read or does not add up; the message says why."""


def linear() -> list[Decimal]:
    """month/12 of the target due by each month (the default)."""
    return [(HUNDRED * m / 12).quantize(PLACES, ROUND_HALF_UP) for m in range(1, 13)]


def spread_quarters(quarters: list[Decimal]) -> list[Decimal]:
    """Four cumulative quarter-end percents as twelve month-end ones, evenly within a quarter."""
    months = []
    before = Decimal(0)
    for end in quarters:
        for step in (1, 2, 3):
            months.append((before + (end - before) * step / 3).quantize(PLACES, ROUND_HALF_UP))
        before = end
    return months


def parse_schedule(text: str) -> list[Decimal] | None:
    """Twelve cumulative month-end percents from "20/45/70/100" (quarters) or twelve figures
    separated by "/", ",", "、" or spaces. Empty text: None (month/12 applies)."""
    raw = unicodedata.normalize("NFKC", text or "").strip()
    if not raw:
        return None
    parts = [p for p in re.split(r"[/,、;\s]+", raw.replace("%", "")) if p]
    try:
        numbers = [Decimal(p) for p in parts]
    except InvalidOperation as exc:
        raise ScheduleError(
            _("分月进度“%(text)s”应是用“/”隔开的百分数，如 20/45/70/100。") % {"text": text[:60]}
        ) from exc
    if len(numbers) == 4:
        numbers = spread_quarters(numbers)
    elif len(numbers) != 12:
        raise ScheduleError(
            _("分月进度应有 4 个（按季度）或 12 个（按月）累计百分数，这里有 %(n)d 个。")
            % {"n": len(numbers)}
        )
    check_shares(numbers)
    return numbers


def check_shares(shares: list[Decimal]) -> None:
    """Twelve cumulative percents, each 0..100, never falling, the last 100."""
    if len(shares) != 12:
        raise ScheduleError(_("分月进度应有 12 个累计百分数。"))
    if any(not s.is_finite() or s < 0 or s > HUNDRED for s in shares):
        raise ScheduleError(_("分月进度的每个数都应在 0 到 100 之间。"))
    if any(b < a for a, b in zip(shares, shares[1:], strict=False)):
        raise ScheduleError(_("分月进度是累计数，不能比上个月小。"))
    if shares[-1] != HUNDRED:
        raise ScheduleError(
            _("到 12 月应完成全年目标的 100%%，这里是 %(last)s%%。") % {"last": shares[-1]}
        )


def schedule_text(shares: list | None) -> str:
    """The short form for a page or a workbook: quarters where the months are an even spread."""
    if not shares:
        return ""
    numbers = [Decimal(str(s)) for s in shares]
    quarters = [numbers[2], numbers[5], numbers[8], numbers[11]]
    if spread_quarters(quarters) == numbers:
        numbers = quarters
    return "/".join(f"{n.normalize():f}" for n in numbers)
