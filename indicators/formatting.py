"""How every figure reads: one text per figure on every page, chart hover and export.

An indicator's value takes the indicator's decimals and unit; a growth rate, a score and a rank
change each have one fixed form. Rounding is half up (四舍五入, halves away from zero) as the
engine rounds (docs/rules.md 3.1), never Python's f"{x:.2f}": that rounds half to even and works
on the binary float, so 2.675 would read 2.67. Floats are read through their shortest repr
(Decimal(repr(x))), the figure the engine or the database meant, so 1.005 reads 1.01.

Pure functions of numbers and model instances already loaded: no queries.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from .models import Indicator, RuleSetIndicator, Unit

Number = Decimal | float | int

NONE_TEXT = "–"  # no figure: not reported, no base, not ranked
# Every growth rate in the app (an indicator's, a city total's, a growth basis, a growth target)
# shows two decimals, whatever the page. Growth bases are scored at the rule's decimals, one or
# two in the rule sets so far, so two never hides a digit that was scored and lines up every
# growth in a column (a basis of 6.5 reads 6.50%, beside a target of 7.00%); a city total's
# growth is not rounded before it is shown, and 11.75% is not 11.8%.
GROWTH_DECIMALS = 2
POINTS_DECIMALS = 2  # scores, subtotals, totals, bonus points: the rule sets' default precision
RATIO_DECIMALS = 2  # a ratio basis whose rule does not round it (decimals null)
PERCENT_FACTOR = 100  # a ratio basis multiplied by 100 is a percentage (docs/rules.md 3.1)
# Units of whole things: a count never shows decimals, whatever the indicator's decimals say.
WHOLE_UNITS = frozenset({Unit.COUNT, Unit.ENTERPRISES, Unit.PERSONS})
PERCENT = Unit.PERCENT.value


def round_half_up(value: Number, places: int) -> Decimal:
    """`value` rounded half away from zero to `places` decimals (0 for whole numbers)."""
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return rounded if rounded else abs(rounded)  # no "-0.00"


def number_text(value: Number | None, places: int) -> str:
    """The bare number, always `places` decimals: 1234.50; "–" for None."""
    if value is None:
        return NONE_TEXT
    return f"{round_half_up(value, places):f}"


def unit_label(unit: str) -> str:
    """A unit (indicators.models.Unit value) in the active language: 亿元 / 100 million yuan."""
    try:
        return str(Unit(unit).label)
    except ValueError:  # not one of the choices: shown as stored
        return unit


def _with_unit(number: str, unit: str) -> str:
    if unit == PERCENT:
        return f"{number}%"
    label = unit_label(unit)
    return f"{number} {label}" if label else number


def count_text(n: Number | None, unit: str) -> str:
    """A count of whole things with its unit: 359 家; "–" for None."""
    if n is None:
        return NONE_TEXT
    return _with_unit(number_text(n, 0), unit)


def value_text(value: Number | None, indicator: Indicator) -> str:
    """An indicator's figure at its decimals with its unit: 1234.50 亿元, 94.5%, 359 家."""
    if value is None:
        return NONE_TEXT
    if indicator.unit in WHOLE_UNITS:
        return count_text(value, indicator.unit)
    return _with_unit(number_text(value, indicator.decimals), indicator.unit)


def growth_text(percent: Number | None) -> str:
    """A growth rate in percent, sign kept: 6.50%, -3.20%; "–" for None."""
    if percent is None:
        return NONE_TEXT
    return f"{number_text(percent, GROWTH_DECIMALS)}%"


def is_percent_ratio(rule: RuleSetIndicator) -> bool:
    return rule.factor is not None and Decimal(rule.factor) == PERCENT_FACTOR


def basis_unit(rule: RuleSetIndicator) -> str:
    """The unit a rule's basis is in, as shown: % for growth and percentage ratios, else the
    indicator's unit label (translated)."""
    if rule.basis == "growth" or (rule.basis == "ratio" and is_percent_ratio(rule)):
        return PERCENT
    return unit_label(rule.indicator.unit)


def basis_text(basis: Number | None, rule: RuleSetIndicator) -> str:
    """What a rule scores, in its own terms: a growth as growth_text, a value as value_text, a
    ratio at the rule's decimals with % (factor 100) or the indicator's unit. Targets are in the
    basis' terms too (rankings.selectors.profile.rule_target), so a target reads like the basis
    it is compared with."""
    if basis is None:
        return NONE_TEXT
    if rule.basis == "growth":
        return growth_text(basis)
    if rule.basis == "ratio":
        places = RATIO_DECIMALS if rule.decimals is None else rule.decimals
        number = number_text(basis, places)
        return f"{number}%" if is_percent_ratio(rule) else _with_unit(number, rule.indicator.unit)
    return value_text(basis, rule.indicator)


def points_number(points: Number | None) -> str:
    """Points as a bare number, for cells under a header that says 分: 7.50; "–" for None."""
    return number_text(points, POINTS_DECIMALS)


def signed_points_text(points: Number | None) -> str:
    """A part added to a total (bonus, penalty, improvement reward): +2.00 / -1.50; "–" for
    none or zero."""
    if points is None or points == 0:
        return NONE_TEXT
    text = points_number(points)
    return text if points < 0 else f"+{text}"


def points_text(points: Number | None) -> str:
    """Points with their unit: 7.50 分 (7.50 pts); "–" for None."""
    if points is None:
        return NONE_TEXT
    return _("%(points)s 分") % {"points": points_number(points)}


def rank_change_text(change: int | None) -> tuple[str, str]:
    """(css class, text) for places gained or lost: ("up", "↑2"), ("down", "↓1"), ("", "–")."""
    if not change:
        return ("", NONE_TEXT)
    if change > 0:
        return ("up", f"↑{change}")
    return ("down", f"↓{-change}")


def share_text(fraction: Number | None, places: int = 0) -> str:
    """A fraction of a whole (0.675) as a percentage: 68%; "–" for None."""
    if fraction is None:
        return NONE_TEXT
    number = fraction if isinstance(fraction, Decimal) else Decimal(repr(fraction))
    return f"{number_text(number * 100, places)}%"
