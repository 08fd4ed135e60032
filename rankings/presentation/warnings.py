"""Progress and warnings in words and colours: the reason a cell is red, yellow or green, the
completion against the calendar, and the shortfall with its unit."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from indicators.formatting import NONE_TEXT, growth_text, number_text, value_text

from ..models import ProgressResult

PERCENT_PLACES = 1  # completion and 时序进度 are read to a tenth of a point: 58.3%


def percent_text(value: Decimal | None) -> str:
    return NONE_TEXT if value is None else f"{number_text(value, PERCENT_PLACES)}%"


def points_text(value: Decimal | None) -> str:
    """Percentage points, with their sign: +3.7 / −6.3 个百分点."""
    if value is None:
        return NONE_TEXT
    text = number_text(abs(value), PERCENT_PLACES)
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return _("%(sign)s%(points)s 个百分点") % {"sign": sign, "points": text}


def target_text(row: ProgressResult) -> str:
    """The target as it reads: 增长 6.5% / 12.30 亿元."""
    if row.target is None:
        return NONE_TEXT
    if row.target_kind == "growth":
        return _("增长 %(growth)s") % {"growth": growth_text(row.target)}
    return value_text(row.target, row.indicator)


def progress_text(row: ProgressResult) -> str:
    """Where the row stands against its target: completion and the calendar (flows), the
    target itself (levels) or growth against the target growth."""
    hidden = getattr(row, "target_hidden", False)  # another county's: its target is its own
    if row.value is None:
        return _("未报送")
    if row.target is None and not hidden:
        return _("未下达目标")
    if row.target_kind == "growth" and hidden:
        return _("增速 %(growth)s，%(gap)s") % {
            "growth": growth_text(row.growth),
            "gap": points_text(row.ahead),
        }
    if row.target_kind == "growth":
        return _("增速 %(growth)s，目标 %(target)s，%(gap)s") % {
            "growth": growth_text(row.growth),
            "target": growth_text(row.target),
            "gap": points_text(row.ahead),
        }
    if row.time_progress is not None and row.time_progress < 100:
        return _("完成全年目标 %(done)s，时序进度 %(due)s，%(gap)s") % {
            "done": percent_text(row.completion),
            "due": percent_text(row.time_progress),
            "gap": points_text(row.ahead),
        }
    return _("完成目标 %(done)s") % {"done": percent_text(row.completion)}


def reason_text(row: ProgressResult, city_growth: Decimal | None = None) -> str:
    """Why the cell has its colour, in one line for a tooltip or a list."""
    if not row.level:
        return progress_text(row)
    shown = row.target is not None or getattr(row, "target_hidden", False)
    parts = [progress_text(row)] if shown else []
    if "far_behind" in row.reasons:
        parts.append(_("落后时序进度超过红色预警线"))
    elif "behind" in row.reasons:
        parts.append(_("落后于时序进度"))
    if "shrinking" in row.reasons:
        if row.indicator.direction == "lower":
            parts.append(_("增速 %(growth)s，不降反升") % {"growth": growth_text(row.growth)})
        else:
            parts.append(_("增速 %(growth)s，负增长") % {"growth": growth_text(row.growth)})
    if "below_city" in row.reasons:
        parts.append(
            _("增速 %(growth)s，不及全市 %(city)s")
            % {"growth": growth_text(row.growth), "city": growth_text(city_growth)}
        )
    if row.level == "green" and not parts:
        parts.append(_("增速 %(growth)s，不低于全市") % {"growth": growth_text(row.growth)})
    elif row.level == "green":
        parts.append(_("进度正常"))
    return "；".join(parts)


def shortfall_text(row: ProgressResult) -> str:
    """欠账 with its unit; "–" when on schedule or without a target."""
    if row.shortfall is None or row.shortfall == 0:
        return NONE_TEXT
    return value_text(row.shortfall, row.indicator)


def pace_text(row: ProgressResult) -> str:
    """The monthly average the remaining months need, against the months so far."""
    if row.pace_needed is None:
        return NONE_TEXT
    return _("每月 %(needed)s（此前每月 %(so_far)s）") % {
        "needed": value_text(row.pace_needed, row.indicator),
        "so_far": value_text(row.pace_so_far, row.indicator),
    }


def level_label(level: str) -> str:
    labels = {"red": _("红色"), "yellow": _("黄色"), "green": _("绿色")}
    return labels.get(level, NONE_TEXT)


def cell_text(row: ProgressResult | None) -> str:
    """What a board cell shows: the completion of a value target, else the growth."""
    if row is None or row.value is None:
        return NONE_TEXT
    if row.target_kind == "value" and row.completion is not None:
        return percent_text(row.completion)
    return growth_text(row.growth)


def board_cells(cells: list[ProgressResult | None], city: dict[int, Decimal | None]):
    """(css class, text, tooltip) per cell of a board row."""
    out = []
    for row in cells:
        if row is None:
            out.append(("level-none", NONE_TEXT, ""))
            continue
        css = f"level-{row.level}" if row.level else "level-none"
        tip = f"{row.indicator.display_name}：{reason_text(row, city.get(row.indicator_id))}"
        out.append((css, cell_text(row), tip))
    return out


def progress_lines(rows: list[ProgressResult], city: dict[int, Decimal | None]) -> list[dict]:
    """A county's progress rows as the profile's table reads them."""
    return [
        {
            "row": row,
            "css": f"level-{row.level}" if row.level else "level-none",
            "level": level_label(row.level),
            "target": target_text(row),
            "value": value_text(row.value, row.indicator),
            "progress": progress_text(row),
            "shortfall": shortfall_text(row),
            "pace": pace_text(row),
            "reason": reason_text(row, city.get(row.indicator_id)),
        }
        for row in rows
    ]


def _milestones(row: ProgressResult) -> list[tuple[int, str]]:
    return [
        (int(month), value_text(Decimal(str(needed)), row.indicator)) for month, needed in row.plan
    ]


def milestone_text(row: ProgressResult) -> str:
    """Last month's plan against this month: 达到 / 未达到 the value it asked for."""
    if row.milestone is None or row.milestone_met is None:
        return NONE_TEXT
    needed = value_text(row.milestone, row.indicator)
    if row.milestone_met:
        return _("已达到上月计划（%(needed)s）") % {"needed": needed}
    return _("未达到上月计划（应达 %(needed)s）") % {"needed": needed}


def gap_text(line) -> str:
    """One more place on the indicator (the gap engine's figures from the profile's line)."""
    if line is None or line.gap_value is None:
        return NONE_TEXT
    return _(
        "累计达到 %(value)s 可升至该指标第 %(rank)s 名，总分 +%(points)s 分，综合第 %(total)s 名"
    ) % {
        "value": value_text(line.gap_value, line.indicator),
        "rank": line.gap_rank or "–",
        "points": number_text(line.gap_points or 0, 2),
        "total": line.gap_total_rank or "–",
    }


def catch_up_lines(
    rows: list[ProgressResult], lines: dict[int, object], short: set[int]
) -> list[dict]:
    """追赶计划: the county's indicators behind their target or among its short boards, with the
    year-to-date value each remaining month must reach, one more place's worth, and whether
    last month's plan was met. `lines`: the profile's indicator lines by indicator id (the gap
    figures); `short`: the ids of its short boards."""
    out = []
    for row in rows:
        behind = row.ahead is not None and row.ahead < 0
        if not (behind or row.indicator_id in short) or not (row.plan or row.milestone):
            continue
        out.append(
            {
                "row": row,
                "css": f"level-{row.level}" if row.level else "level-none",
                "target": target_text(row),
                "value": value_text(row.value, row.indicator),
                "shortfall": shortfall_text(row),
                "milestones": _milestones(row),
                "checked": milestone_text(row),
                "gap": gap_text(lines.get(row.indicator_id)),
                "short_board": row.indicator_id in short,
            }
        )
    return out


def catch_up_workbook(county, period, lines: list[dict]) -> bytes:
    """追赶计划 as an .xlsx: one row per indicator, a column per remaining month."""
    import io

    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = _("追赶计划")
    ws["A1"] = _("%(county)s %(period)s 追赶计划") % {"county": county.name, "period": period}
    ws["A1"].font = Font(bold=True, size=14)
    months = sorted({m for line in lines for m, _t in line["milestones"]})
    header = [_("指标"), _("全年目标"), _("本年累计"), _("欠账")]
    header += [_("%(month)d月末累计应达到") % {"month": m} for m in months]
    header += [_("再进一位"), _("上月计划检查")]
    ws.append([])
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for line in lines:
        by_month = dict(line["milestones"])
        ws.append(
            [
                line["row"].indicator.display_name,
                line["target"],
                line["value"],
                line["shortfall"],
                *[by_month.get(m, NONE_TEXT) for m in months],
                line["gap"],
                line["checked"],
            ]
        )
    for column, width in zip("ABCD", (28, 16, 16, 16), strict=True):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
