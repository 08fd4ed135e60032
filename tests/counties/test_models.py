"""Database constraints on counties, periods and submissions."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from counties.models import County, Period, Submission, default_deadline
from tests.factories import (
    CountyFactory,
    IndicatorFactory,
    SubmissionFactory,
    SubmissionValueFactory,
)

pytestmark = pytest.mark.django_db


def test_county_code_must_be_six_digits():
    with pytest.raises(IntegrityError), transaction.atomic():
        County.objects.create(code="36990", name="短码区", name_en="x", kind="district")
    county = County(code="ABC123", name="字母区", name_en="x", kind="district")
    with pytest.raises(ValidationError) as err:
        county.full_clean()
    assert "code" in err.value.message_dict


def test_one_submission_per_county_and_period(county_a, period):
    SubmissionFactory(county=county_a, period=period)
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmissionFactory(county=county_a, period=period)


def test_submitted_status_needs_a_time(county_a, period):
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmissionFactory(county=county_a, period=period, status=Submission.Status.SUBMITTED)


def test_returned_status_needs_a_reason(county_a, period):
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmissionFactory(county=county_a, period=period, status=Submission.Status.RETURNED)


def test_period_month_is_checked():
    with pytest.raises(IntegrityError), transaction.atomic():
        Period.objects.create(year=2026, month=13, deadline=datetime.date(2027, 1, 5))


def test_default_deadline_is_fifth_of_next_month():
    assert default_deadline(2026, 10) == datetime.date(2026, 11, 5)
    assert default_deadline(2026, 12) == datetime.date(2027, 1, 5)


def test_period_label_and_key(period):
    assert period.key == "2026-10"
    assert str(period) == "2026年1-10月"
    january = Period(year=2026, month=1, deadline=datetime.date(2026, 2, 5))
    assert str(january) == "2026年1月"


def test_values_are_decimal_and_growth_is_exact():
    value = SubmissionValueFactory(value=Decimal("140.4"), prior_value=Decimal("130"))
    value.refresh_from_db()
    assert isinstance(value.value, Decimal)
    assert value.growth == Decimal("8")


def test_growth_is_none_on_missing_or_non_positive_base():
    assert SubmissionValueFactory(prior_value=None).growth is None
    assert SubmissionValueFactory(prior_value=Decimal("0")).growth is None
    assert SubmissionValueFactory(prior_value=Decimal("-5")).growth is None


def test_one_value_per_indicator_in_a_submission(county_a, period):
    submission = SubmissionFactory(county=county_a, period=period)
    indicator = IndicatorFactory()
    SubmissionValueFactory(submission=submission, indicator=indicator)
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmissionValueFactory(submission=submission, indicator=indicator)


def test_value_changes_are_kept_in_history(county_a, period):
    submission = SubmissionFactory(county=county_a, period=period)
    value = SubmissionValueFactory(submission=submission, value=Decimal("10"))
    value.value = Decimal("12.5")
    value.save()
    trail = list(value.history.order_by("history_date").values_list("value", flat=True))
    assert trail == [Decimal("10"), Decimal("12.5")]


def test_counties_order_by_display_order():
    CountyFactory(code="369903", name="乙区", display_order=2)
    CountyFactory(code="369904", name="甲区", display_order=1)
    assert [c.name for c in County.objects.all()] == ["甲区", "乙区"]


def test_a_period_without_a_deadline_gets_the_fifth_of_next_month():
    period = Period.objects.create(year=2026, month=11)
    assert period.deadline == datetime.date(2026, 12, 5)
