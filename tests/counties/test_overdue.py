"""Months a county still owes past the deadline are marked 逾期 N 天 on the reporter's home page,
the form and the completeness board."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PeriodFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_month(db):
    return PeriodFactory(
        year=2026, month=10, deadline=timezone.localdate() - datetime.timedelta(days=10)
    )


def test_the_days_overdue_of_what_a_county_owes(late_month, county_a):
    today = late_month.deadline + datetime.timedelta(days=4)
    assert late_month.days_overdue(None, today) == 4
    draft = SubmissionFactory(county=county_a, period=late_month)
    assert late_month.days_overdue(draft, today) == 4
    draft.status, draft.submitted_at = "submitted", timezone.now()
    assert late_month.days_overdue(draft, today) == 0  # sent: nothing owed
    assert late_month.days_overdue(None, late_month.deadline) == 0  # not past it yet


def test_missing_and_draft_months_are_marked_on_every_page(
    client, late_month, county_a, county_b, reporter_a, reviewer
):
    SubmissionFactory(county=county_b, period=late_month)  # a draft
    client.force_login(reporter_a)
    assert "逾期 10 天" in client.get(reverse("home")).content.decode()
    form = reverse("submission_form", args=[county_a.code, 2026, 10])
    assert "逾期 10 天" in client.get(form).content.decode()
    client.force_login(reviewer)
    board = client.get(reverse("completeness"), {"year": "2026"}).content.decode()
    owing = board[board.index("<ul>") : board.index("</ul>")]
    assert owing.count("逾期 10 天") == 2  # county_a sent nothing, county_b has a draft


def test_a_period_locks_n_days_after_its_deadline_when_set(
    client, settings, late_month, county_a, reporter_a
):
    """Off by default; with PERIOD_LOCK_AFTER_DAYS=7, a month 10 days past its deadline takes
    no more entries, on the form or through the service."""
    form = reverse("submission_form", args=[county_a.code, 2026, 10])
    data = {"version": "0", "action": "save"}
    assert late_month.accepts_entries()
    settings.PERIOD_LOCK_AFTER_DAYS = 7
    assert not late_month.accepts_entries()
    assert late_month.accepts_entries(late_month.deadline + datetime.timedelta(days=7))
    client.force_login(reporter_a)
    assert 'name="action" value="save"' not in client.get(form).content.decode()
    response = client.post(form, data, follow=True)
    assert "已关闭，不能再修改" in response.content.decode()
    settings.PERIOD_LOCK_AFTER_DAYS = 0
    assert 'name="action" value="save"' in client.get(form).content.decode()
