"""Checks on the figures a county enters, before anything is saved.

Pure functions over Decimals and small dataclasses (no queries): the form, the Excel upload and
the API all call `parse_number` and `check_entry` with an `IndicatorContext` that the selectors
build, so every channel applies the same rules.

Errors block saving. Warnings block submitting until the official writes an explanation (the
value's note).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from indicators.scoring.growth import growth_percent as growth

MAX_DIGITS = 14  # integer digits the database keeps (max_digits 18, 4 decimals)
NOTE_MAX = 500  # characters of a value's explanation (说明)


class NumberError(ValueError):
    """Text that is not a number as officials write numbers."""


_SEPARATORS = re.compile(r"(?<=\d)[,，](?=\d{3}(?:\D|$))")


def parse_number(text: object) -> Decimal | None:
    """Read a number as officials type it: full-width digits (１２３４), thousands separators
    (1,234.5), surrounding spaces. Empty means no value (None)."""
    if text is None:
        return None
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int | float) and not isinstance(text, bool):
        return Decimal(repr(text)) if isinstance(text, float) else Decimal(text)
    raw = unicodedata.normalize("NFKC", str(text)).strip().replace("\u3000", "")
    if raw == "":
        return None
    cleaned = _SEPARATORS.sub("", raw).replace(" ", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", cleaned):
        raise NumberError(_("“%(text)s”不是有效的数字。") % {"text": str(text).strip()})
    try:
        number = Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern above rules this out
        raise NumberError(_("“%(text)s”不是有效的数字。") % {"text": str(text).strip()}) from exc
    if abs(number) >= Decimal(10) ** MAX_DIGITS:
        shown = cleaned if len(cleaned) <= 24 else f"{cleaned[:20]}…（{len(cleaned)} 位）"
        raise NumberError(_("数值 %(text)s 过大。") % {"text": shown})
    return number


@dataclass(frozen=True)
class IndicatorContext:
    """What the checks need to know about one indicator for one county and period."""

    code: str
    name: str
    unit: str
    kind: str  # "flow" | "stock" | "rate"
    can_be_negative: bool
    is_share: bool
    scored: bool  # the year's rule set scores it
    last_month_value: Decimal | None = None  # same county, same year, the month before
    last_month_prior: Decimal | None = None
    band: tuple[Decimal, Decimal] | None = None  # min and max of this month in past years
    decimals: int | None = None  # the most decimals a value of the indicator carries
    whole: bool = False  # counted in whole units (enterprises, persons)
    off_month: bool = False  # a quarterly indicator this month does not score
    # 不考核: the reason the year's rule set exempts the county from the indicator; None when
    # it is scored. The county does not report an exempted figure: nothing is checked.
    exemption: str | None = None


@dataclass(frozen=True)
class Entry:
    value: Decimal | None
    prior_value: Decimal | None
    note: str = ""


@dataclass(frozen=True)
class Issue:
    code: str  # indicator code
    field: str  # "value" | "prior_value" | "note"
    kind: str  # a stable name of the rule, e.g. "negative", "cumulative_fell"
    message: str
    blocking: bool  # True: cannot save; False: a warning that needs an explanation to submit

    @property
    def is_warning(self) -> bool:
        return not self.blocking


def decimal_places(number: Decimal) -> int:
    """Decimals written that carry a digit: 12.50 has 1, 100 has 0."""
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _fmt(number: Decimal) -> str:
    return f"{number.normalize():f}"


def check_entry(ctx: IndicatorContext, entry: Entry, *, growth_jump_points: Decimal) -> list[Issue]:
    """Every problem with one indicator's entry: errors first, then warnings. An exempted
    indicator (不考核) has none: the channels drop its figures before they are checked."""
    issues: list[Issue] = []
    if ctx.exemption is not None:
        return issues

    def error(field: str, kind: str, message: str) -> None:
        issues.append(Issue(ctx.code, field, kind, message, blocking=True))

    def warn(kind: str, message: str) -> None:
        issues.append(Issue(ctx.code, "value", kind, message, blocking=False))

    for field, number in (("value", entry.value), ("prior_value", entry.prior_value)):
        if number is None:
            continue
        places = decimal_places(number)
        if ctx.whole and places > 0:
            error(
                field,
                "not_whole",
                _("%(name)s按%(unit)s计，须为整数，填报值为 %(value)s。")
                % {"name": ctx.name, "unit": ctx.unit, "value": _fmt(number)},
            )
        elif ctx.decimals is not None and places > ctx.decimals:
            error(
                field,
                "too_precise",
                _("%(name)s最多保留 %(places)d 位小数，填报值为 %(value)s。")
                % {"name": ctx.name, "places": ctx.decimals, "value": _fmt(number)},
            )
        if number < 0 and not ctx.can_be_negative:
            error(field, "negative", _("%(name)s不能为负数。") % {"name": ctx.name})
        if ctx.is_share and not (0 <= number <= 100):
            error(
                field,
                "share_range",
                _("%(name)s是占比，应在 0 到 100 之间，填报值为 %(value)s。")
                % {"name": ctx.name, "value": _fmt(number)},
            )
    if len(entry.note) > NOTE_MAX:
        error(
            "note",
            "note_too_long",
            _("%(name)s的说明不能超过 %(n)d 个字（现有 %(len)d 个字）。")
            % {"name": ctx.name, "n": NOTE_MAX, "len": len(entry.note)},
        )
    if (
        ctx.kind == "flow"
        and entry.value is not None
        and ctx.last_month_value is not None
        and entry.value < ctx.last_month_value
    ):
        error(
            "value",
            "cumulative_fell",
            _("%(name)s是 1-N 月累计值，本月 %(value)s 小于上月累计 %(last)s。")
            % {"name": ctx.name, "value": _fmt(entry.value), "last": _fmt(ctx.last_month_value)},
        )
    if any(i.blocking for i in issues):
        return issues

    if entry.value is None:
        if ctx.scored:
            warn("missing", _("%(name)s是考核指标，尚未填报。") % {"name": ctx.name})
        return issues
    now = growth(entry.value, entry.prior_value)
    before = growth(ctx.last_month_value, ctx.last_month_prior)
    if now is not None and before is not None and abs(now - before) > growth_jump_points:
        warn(
            "growth_jump",
            _("%(name)s增速 %(now)s%% 与上月 %(before)s%% 相差超过 %(limit)s 个百分点。")
            % {
                "name": ctx.name,
                "now": f"{now.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}",
                "before": f"{before.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):f}",
                "limit": _fmt(growth_jump_points),
            },
        )
    if ctx.band is not None:
        low, high = ctx.band
        if not (low <= entry.value <= high):
            warn(
                "outside_band",
                _("%(name)s %(value)s 超出本县区历年同月的范围（%(low)s 至 %(high)s）。")
                % {
                    "name": ctx.name,
                    "value": _fmt(entry.value),
                    "low": _fmt(low),
                    "high": _fmt(high),
                },
            )
    return issues


def unexplained_warnings(issues: list[Issue], notes: dict[str, str]) -> list[Issue]:
    """Warnings whose indicator has no explanation yet: these block submitting."""
    return [i for i in issues if i.is_warning and not notes.get(i.code, "").strip()]


def exempt_entry_issues(*, code: str, name: str, reason: str, entry: Entry) -> list[Issue]:
    """A figure given for an indicator the county is exempted from (不考核): an error each, at
    its field, for a file or grid that would store it (the entry form has no field for it and
    ignores a value sent anyway). An empty row (a note alone) passes: it is dropped unsaved."""
    labels = {"value": _("本年累计"), "prior_value": _("上年同期")}
    return [
        Issue(
            code,
            field,
            "exempt",
            _("%(name)s（%(field)s）：本县区该指标不考核（%(reason)s），不填报，请清空此项。")
            % {"name": name, "field": labels[field], "reason": reason},
            True,
        )
        for field, number in (("value", entry.value), ("prior_value", entry.prior_value))
        if number is not None
    ]
