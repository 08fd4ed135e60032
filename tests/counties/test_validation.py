"""Entry checks: numbers as officials type them, errors that block saving, warnings that need an
explanation. Pure functions, no database."""

from decimal import Decimal

import pytest

from counties.validation import (
    Entry,
    IndicatorContext,
    NumberError,
    check_entry,
    parse_number,
    unexplained_warnings,
)

D = Decimal
LIMIT = D("10")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.5", D("1234.5")),
        ("１２３４", D("1234")),
        ("１，２３４．５", D("1234.5")),
        ("1,234,567.25", D("1234567.25")),
        ("  88.1  ", D("88.1")),
        ("\u300012\u3000", D("12")),
        ("-3.5", D("-3.5")),
        ("－３.５", D("-3.5")),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_numbers_as_typed(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize(
    "text", ["abc", "1.2.3", "12,34", "1e5", "约100", "100亿", "--1", "1,2345"]
)
def test_not_numbers(text):
    with pytest.raises(NumberError) as err:
        parse_number(text)
    assert "不是有效的数字" in str(err.value)


def ctx(**kw) -> IndicatorContext:
    base = dict(
        code="gdp",
        name="地区生产总值",
        unit="亿元",
        kind="flow",
        can_be_negative=False,
        is_share=False,
        scored=True,
    )
    base.update(kw)
    return IndicatorContext(**base)


def kinds(issues):
    return [(i.kind, i.blocking) for i in issues]


def test_negative_blocks_where_not_allowed():
    assert kinds(check_entry(ctx(), Entry(D("-1"), None), growth_jump_points=LIMIT)) == [
        ("negative", True)
    ]
    assert (
        check_entry(
            ctx(can_be_negative=True, kind="rate"), Entry(D("-1"), None), growth_jump_points=LIMIT
        )
        == []
    )


def test_share_outside_0_100_blocks():
    issues = check_entry(
        ctx(kind="rate", is_share=True), Entry(D("100.5"), D("99")), growth_jump_points=LIMIT
    )
    assert kinds(issues) == [("share_range", True)]
    assert "0 到 100" in issues[0].message


def test_cumulative_value_below_last_month_blocks():
    issues = check_entry(
        ctx(last_month_value=D("120")), Entry(D("119.9"), D("100")), growth_jump_points=LIMIT
    )
    assert kinds(issues) == [("cumulative_fell", True)]
    assert "119.9" in issues[0].message and "120" in issues[0].message


def test_stock_may_fall():
    assert (
        check_entry(
            ctx(kind="stock", last_month_value=D("120")),
            Entry(D("110"), D("100")),
            growth_jump_points=LIMIT,
        )
        == []
    )


def test_growth_jump_is_a_warning():
    issues = check_entry(
        ctx(last_month_value=D("100"), last_month_prior=D("95")),  # +5.3% last month
        Entry(D("130"), D("100")),  # +30% now
        growth_jump_points=LIMIT,
    )
    assert kinds(issues) == [("growth_jump", False)]


def test_small_growth_change_is_fine():
    assert (
        check_entry(
            ctx(last_month_value=D("100"), last_month_prior=D("95")),
            Entry(D("120"), D("110")),
            growth_jump_points=LIMIT,
        )
        == []
    )


def test_outside_historical_band_is_a_warning():
    issues = check_entry(
        ctx(band=(D("50"), D("80"))), Entry(D("200"), None), growth_jump_points=LIMIT
    )
    assert kinds(issues) == [("outside_band", False)]


def test_missing_scored_value_is_a_warning_unscored_is_not():
    assert kinds(check_entry(ctx(), Entry(None, None), growth_jump_points=LIMIT)) == [
        ("missing", False)
    ]
    assert check_entry(ctx(scored=False), Entry(None, None), growth_jump_points=LIMIT) == []


def test_an_explanation_clears_the_warning_for_submitting():
    issues = check_entry(ctx(), Entry(None, None), growth_jump_points=LIMIT)
    assert unexplained_warnings(issues, {"gdp": ""}) == issues
    assert unexplained_warnings(issues, {"gdp": "企业统计口径调整，已报市局"}) == []


def test_a_number_of_a_hundred_thousand_digits_is_refused_with_a_short_message():
    from counties.validation import NumberError, parse_number

    with pytest.raises(NumberError) as caught:
        parse_number("9" * 100_000)
    message = str(caught.value)
    assert "过大" in message and "100000 位" in message and len(message) < 60
    with pytest.raises(NumberError, match="99999999999999999999 过大"):
        parse_number("9" * 20)
