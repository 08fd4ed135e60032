"""Approving a submission: rights, state, and the ranking recompute queued on commit."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from counties.services import submission_approve
from rankings import tasks
from tests.factories import SubmissionFactory


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.recompute, "apply_async", lambda *a, **kw: calls.append(kw))
    return calls


@pytest.fixture
def submitted(county_a, period):
    return SubmissionFactory(
        county=county_a, period=period, status="submitted", submitted_at=timezone.now()
    )


def test_reviewer_approves_and_recompute_is_queued_after_commit(
    submitted, reviewer, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        approved = submission_approve(submission=submitted, user=reviewer)
    assert approved.status == "approved" and approved.reviewed_by == reviewer
    assert approved.version == submitted.version + 1
    assert sent == []  # nothing is sent before the transaction commits
    for callback in callbacks:
        callback()
    assert sent == [
        {
            "args": [submitted.period.pk],
            "kwargs": {"trigger": "approval", "user_id": reviewer.pk},
            "retry": False,
        }
    ]


@pytest.mark.parametrize("who", ["reporter_a", "leader"])
def test_only_reviewers_approve(request, submitted, who, sent):
    with pytest.raises(PermissionDenied):
        submission_approve(submission=submitted, user=request.getfixturevalue(who))
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_a_draft_cannot_be_approved(county_a, period, reviewer, sent):
    draft = SubmissionFactory(county=county_a, period=period)
    with pytest.raises(ValidationError) as err:
        submission_approve(submission=draft, user=reviewer)
    assert "不能进行此操作" in str(err.value)
    draft.refresh_from_db()
    assert draft.status == "draft"
