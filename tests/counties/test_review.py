"""The reviewer's side: a queue of submitted months (待审核), oldest first, with late marks and
explanation counts; approving a month with warnings shows each warning with the county's
explanation and needs a confirmation."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from counties.models import Submission
from counties.services import submission_approve, submission_warnings
from rankings import tasks
from tests.factories import (
    CategoryFactory,
    IndicatorFactory,
    PeriodFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
    SubmissionFactory,
    SubmissionValueFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    monkeypatch.setattr(tasks.recompute, "apply_async", lambda *a, **kw: None)


@pytest.fixture
def month(db):
    """October 2026 (deadline 5 November), gdp and retail scored."""
    growth = CategoryFactory(code="growth", name="主要经济指标")
    gdp = IndicatorFactory(code="gdp", name="地区生产总值", category=growth)
    retail = IndicatorFactory(code="retail", name="社会消费品零售总额", category=growth)
    ruleset = RuleSetFactory(year=2026, status="published", published_at=timezone.now())
    rc = RuleSetCategoryFactory(ruleset=ruleset, category=growth, weight=Decimal("100"))
    RuleSetIndicatorFactory(ruleset=ruleset, indicator=gdp, category=rc, weight=Decimal("60"))
    RuleSetIndicatorFactory(ruleset=ruleset, indicator=retail, category=rc, weight=Decimal("40"))
    period = PeriodFactory(year=2026, month=10, deadline=datetime.date(2026, 11, 5))
    return {"period": period, "gdp": gdp, "retail": retail}


def _submitted(county, month, *, at, retail_note=None):
    """gdp reported; retail left empty, explained with `retail_note` (a warning) unless None."""
    s = SubmissionFactory(
        county=county, period=month["period"], status="submitted", submitted_at=at
    )
    SubmissionValueFactory(
        submission=s, indicator=month["gdp"], value=Decimal("110"), prior_value=Decimal("100")
    )
    if retail_note is not None:
        SubmissionValueFactory(
            submission=s, indicator=month["retail"], value=None, prior_value=None, note=retail_note
        )
    else:
        SubmissionValueFactory(
            submission=s, indicator=month["retail"], value=Decimal("52"), prior_value=Decimal("50")
        )
    return s


def _at(day: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 11, day, 10, 0))


def test_the_queue_lists_submitted_months_oldest_first_with_late_marks(
    client, month, county_a, county_b, reviewer
):
    late = _submitted(county_a, month, at=_at(8), retail_note="统计口径调整，数据暂缺")
    early = _submitted(county_b, month, at=_at(3))
    client.force_login(reviewer)
    body = client.get(reverse("review_queue")).content.decode()
    assert body.index(early.county.display_name) < body.index(late.county.display_name)
    assert "逾期 3 天" in body and "共 2 份报送等待审核" in body
    assert body.count(reverse("submission_form", args=[early.county.code, 2026, 10])) == 1


def test_the_queue_is_for_reviewers_only(client, month, leader, reporter_a):
    for user in (leader, reporter_a):
        client.force_login(user)
        assert client.get(reverse("review_queue")).status_code == 403


def test_approving_a_month_with_warnings_needs_a_confirmation(client, month, county_a, reviewer):
    submission = _submitted(county_a, month, at=_at(4), retail_note="统计口径调整，数据暂缺")
    warnings = submission_warnings(submission)
    assert [(issue.code, note) for issue, note in warnings] == [
        ("retail", "统计口径调整，数据暂缺")
    ]
    with pytest.raises(ValidationError):
        submission_approve(submission=submission, user=reviewer)
    client.force_login(reviewer)
    form = reverse("submission_form", args=[county_a.code, 2026, 10])
    page = client.get(form).content.decode()
    assert "统计口径调整，数据暂缺" in page and 'name="confirm_warnings"' in page
    approve = reverse("submission_approve", args=[submission.pk])
    refused = client.post(approve, follow=True).content.decode()
    assert "请查看县区的说明并勾选确认" in refused
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    client.post(approve, {"confirm_warnings": "1"})
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED


def test_a_month_without_warnings_is_approved_in_one_click(client, month, county_a, reviewer):
    submission = _submitted(county_a, month, at=_at(4))
    assert submission_warnings(submission) == []
    client.force_login(reviewer)
    assert (
        'name="confirm_warnings"'
        not in client.get(
            reverse("submission_form", args=[county_a.code, 2026, 10])
        ).content.decode()
    )
    client.post(reverse("submission_approve", args=[submission.pk]))
    submission.refresh_from_db()
    assert submission.status == Submission.Status.APPROVED


def test_the_queue_counts_warnings_as_well_as_explanations(client, month, county_a, reviewer):
    """retail empty (a warning) and explained: one warning, one explanation; a clean month
    shows none."""
    _submitted(county_a, month, at=_at(4), retail_note="统计口径调整，数据暂缺")
    client.force_login(reviewer)
    response = client.get(reverse("review_queue"))
    (row,) = response.context["rows"]
    assert (row.warnings, row.explained) == (1, 1)
    assert "1 条提示" in response.content.decode()


def test_every_review_step_is_in_the_trail_with_who_and_why(client, month, county_a, reviewer):
    from counties.selectors import submission_trail
    from counties.services import submission_reopen, submission_return

    submission = _submitted(county_a, month, at=_at(4))
    submission_return(submission=submission, user=reviewer, reason="零售额与商务局数据不符")
    submission.status = Submission.Status.SUBMITTED
    submission.save()
    submission_approve(submission=submission, user=reviewer)
    submission_reopen(submission=submission, user=reviewer, reason="省局反馈需更正")
    steps = [
        (line.channel, line.new, line.who)
        for line in reversed(submission_trail(submission))
        if line.field == "状态"
    ]
    reviewer_name = steps[-1][2]
    assert reviewer_name != "–"
    assert [s for s in steps if s[0] == "review"] == [
        ("review", "已退回（零售额与商务局数据不符）", reviewer_name),
        ("review", "已审核", reviewer_name),
        ("review", "已退回（省局反馈需更正）", reviewer_name),
    ]
    client.force_login(reviewer)
    page = client.get(reverse("submission_history", args=[submission.pk])).content.decode()
    assert "省局反馈需更正" in page and "审核" in page
