"""Constraints on the indicator catalogue and rule sets."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from indicators.models import RuleSet, RuleSetIndicator
from tests.factories import (
    IndicatorFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
)

pytestmark = pytest.mark.django_db


def test_ruleset_year_and_version_are_unique():
    RuleSetFactory(year=2026, version=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSetFactory(year=2026, version=1)


def test_published_ruleset_records_when():
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSetFactory(status=RuleSet.Status.PUBLISHED)
    published = RuleSetFactory(status=RuleSet.Status.PUBLISHED, published_at=timezone.now())
    assert published.is_published


def test_ratio_basis_needs_a_denominator():
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSetIndicatorFactory(basis=RuleSetIndicator.Basis.RATIO, denominator=None)
    gdp = IndicatorFactory(code="gdp")
    rule = RuleSetIndicatorFactory(
        basis=RuleSetIndicator.Basis.RATIO, denominator=gdp, factor=Decimal("100")
    )
    assert rule.denominator == gdp


def test_weights_cannot_be_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSetCategoryFactory(weight=Decimal("-1"))


def test_an_indicator_is_scored_once_per_ruleset():
    rule = RuleSetIndicatorFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        RuleSetIndicatorFactory(
            ruleset=rule.ruleset, indicator=rule.indicator, category=rule.category
        )
