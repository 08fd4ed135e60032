"""Reads of the exemptions (不考核): the engine's frame, a county's map, a period's entry."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from counties import selectors
from tests.factories import (
    CategoryFactory,
    CountyFactory,
    ExemptionFactory,
    IndicatorFactory,
    PeriodFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
)

D = Decimal


def ruleset_of(year, version, status, indicators):
    ruleset = RuleSetFactory(
        year=year,
        version=version,
        status=status,
        published_at=timezone.now() if status == "published" else None,
    )
    rc = RuleSetCategoryFactory(ruleset=ruleset, category=indicators[0].category, weight=D(100))
    for ind in indicators:
        RuleSetIndicatorFactory(ruleset=ruleset, indicator=ind, category=rc, weight=D(50))
    return ruleset


@pytest.fixture
def world(db, county_a, county_b):
    area = CategoryFactory(code="urban_rural")
    rural = IndicatorFactory(code="rural_income", category=area)
    forest = IndicatorFactory(code="forest", category=area)
    old = ruleset_of(2026, 1, "published", [rural, forest])
    new = ruleset_of(2026, 2, "published", [rural, forest])
    draft = ruleset_of(2026, 3, "draft", [rural, forest])
    for ruleset, reason in ((old, "旧版"), (new, "城区无农村常住人口"), (draft, "草稿")):
        ExemptionFactory(ruleset=ruleset, county=county_a, indicator=rural, reason=reason)
    ExemptionFactory(ruleset=new, county=county_a, indicator=forest, reason="无林地")
    ExemptionFactory(ruleset=new, county=county_b, indicator=forest, reason="无林地")
    return {"old": old, "new": new, "draft": draft, "rural": rural, "forest": forest}


def test_exemptions_frame_has_codes_and_reasons_in_display_order(world, county_a, county_b):
    frame = selectors.exemptions_frame(world["new"])
    assert list(frame.columns) == ["county", "indicator", "reason"]
    assert frame.values.tolist() == [
        [county_a.code, "forest", "无林地"],
        [county_a.code, "rural_income", "城区无农村常住人口"],
        [county_b.code, "forest", "无林地"],
    ]
    # by id too, and the draft's own
    assert selectors.exemptions_frame(world["draft"].pk).values.tolist() == [
        [county_a.code, "rural_income", "草稿"]
    ]


def test_exemptions_frame_without_any_is_empty_with_its_columns(db):
    for ruleset in (None, RuleSetFactory(year=2026)):
        frame = selectors.exemptions_frame(ruleset)
        assert frame.empty
        assert list(frame.columns) == ["county", "indicator", "reason"]


def test_exemptions_frame_is_one_statement(world):
    with CaptureQueriesContext(connection) as queries:
        selectors.exemptions_frame(world["new"])
    assert len(queries) == 1


def test_exemptions_of_a_county(world, county_a, county_b):
    assert selectors.exemptions_of(world["new"], county_a) == {
        "rural_income": "城区无农村常住人口",
        "forest": "无林地",
    }
    assert selectors.exemptions_of(world["new"], county_b) == {"forest": "无林地"}
    assert selectors.exemptions_of(None, county_a) == {}


def test_a_periods_entry_follows_the_years_newest_published_version(world, county_a, county_b):
    october = PeriodFactory(year=2026, month=10)
    other = CountyFactory(code="369925")
    with CaptureQueriesContext(connection) as queries:
        found = selectors.exemptions_for_entry(october, [county_a, county_b, other])
    assert len(queries) == 1
    assert found == {
        county_a.pk: {"rural_income": "城区无农村常住人口", "forest": "无林地"},
        county_b.pk: {"forest": "无林地"},
    }
    # a year without a published rule set exempts nobody
    assert selectors.exemptions_for_entry(PeriodFactory(year=2027, month=1), [county_a]) == {}
