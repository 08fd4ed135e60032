"""The access matrix: who may see and change which county's data."""

import pytest
from django.http import Http404

from counties import access
from counties.access import Role, can_edit_county, can_review
from counties.models import Submission
from tests.factories import SubmissionFactory, UserFactory


@pytest.fixture
def cast(reporter_a, reporter_b, reviewer, leader, admin_user):
    return {
        "reporter_a": reporter_a,
        "reporter_b": reporter_b,
        "reviewer": reviewer,
        "leader": leader,
        "admin": admin_user,
    }


@pytest.mark.parametrize(
    ("who", "sees_a", "sees_b"),
    [
        ("reporter_a", True, False),
        ("reporter_b", False, True),
        ("reviewer", True, True),
        ("leader", True, True),
        ("admin", True, True),
    ],
)
def test_county_visibility_matrix(cast, county_a, county_b, who, sees_a, sees_b):
    user = cast[who]
    assert access.can_view_county(user, county_a) is sees_a
    assert access.can_view_county(user, county_b) is sees_b
    visible = set(access.counties_visible_to(user))
    assert (county_a in visible) is sees_a
    assert (county_b in visible) is sees_b


def test_user_without_role_sees_nothing(db, county_a):
    nobody = UserFactory(username="nobody")
    assert not access.counties_visible_to(nobody).exists()
    assert not access.can_view_county(nobody, county_a)


def test_anonymous_sees_nothing(county_a):
    from django.contrib.auth.models import AnonymousUser

    assert not access.counties_visible_to(AnonymousUser()).exists()
    assert access.roles_of(AnonymousUser()) == frozenset()


def test_reporter_membership_without_group_grants_nothing(db, county_a):
    """Membership alone is not enough: the user must also hold the reporter role."""
    from tests.factories import MembershipFactory

    user = UserFactory(username="member_only")
    MembershipFactory(user=user, county=county_a)
    assert not access.can_view_county(user, county_a)


def test_superuser_counts_as_admin(db):
    root = UserFactory(username="root", is_superuser=True)
    assert access.Role.ADMIN in access.roles_of(root)
    assert access.is_city_staff(root)


@pytest.mark.parametrize(
    ("who", "may_edit"),
    [
        ("reporter_a", True),
        ("reporter_b", False),
        ("reviewer", False),
        ("leader", False),
        ("admin", False),
    ],
)
def test_only_own_county_reporter_edits_a_draft(cast, county_a, period, who, may_edit):
    submission = SubmissionFactory(county=county_a, period=period)
    assert access.can_edit_submission(cast[who], submission) is may_edit


@pytest.mark.parametrize("status", ["submitted", "approved"])
def test_reporter_cannot_edit_submitted_or_approved(reporter_a, county_a, period, status):
    from django.utils import timezone

    submission = SubmissionFactory(
        county=county_a,
        period=period,
        status=status,
        submitted_at=timezone.now(),
        reviewed_at=timezone.now(),
    )
    assert not access.can_edit_submission(reporter_a, submission)


def test_reporter_edits_returned_submission(reporter_a, county_a, period):
    submission = SubmissionFactory(
        county=county_a, period=period, status=Submission.Status.RETURNED, return_reason="数据有误"
    )
    assert access.can_edit_submission(reporter_a, submission)


def test_reporter_cannot_edit_in_closed_period(reporter_a, county_a, period):
    period.is_open = False
    period.save()
    submission = SubmissionFactory(county=county_a, period=period)
    assert not access.can_edit_submission(reporter_a, submission)


def test_submissions_visible_to_reporter_are_own_county_only(
    reporter_a, county_a, county_b, period
):
    own = SubmissionFactory(county=county_a, period=period)
    SubmissionFactory(county=county_b, period=period)
    assert list(access.submissions_visible_to(reporter_a)) == [own]


@pytest.mark.parametrize(
    ("who", "reviews"),
    [("reporter_a", False), ("reviewer", True), ("leader", False), ("admin", True)],
)
def test_who_reviews(cast, who, reviews):
    assert access.can_review(cast[who]) is reviews


# ----------------------------------------------------------------------------- departments


def test_department_reporter_reaches_its_department_and_no_county(db, county_a):
    from counties.access import (
        can_enter_for_department,
        counties_visible_to,
        department_visible_or_404,
        departments_entered_by,
    )
    from tests.factories import DepartmentFactory, DepartmentMembershipFactory

    finance = DepartmentFactory(name="市财政局")
    commerce = DepartmentFactory(name="市商务局")
    user = UserFactory(username="finance", roles=[Role.DEPARTMENT])
    DepartmentMembershipFactory(user=user, department=finance)
    assert list(departments_entered_by(user)) == [finance]
    assert can_enter_for_department(user, finance)
    assert not can_enter_for_department(user, commerce)
    assert department_visible_or_404(user, finance.pk) == finance
    with pytest.raises(Http404):
        department_visible_or_404(user, commerce.pk)
    assert not counties_visible_to(user).exists()
    assert not can_edit_county(user, county_a)
    assert not can_review(user)


def test_department_membership_without_the_group_grants_nothing(db):
    from counties.access import can_enter_for_department, departments_visible_to
    from tests.factories import DepartmentFactory, DepartmentMembershipFactory

    finance = DepartmentFactory(name="市财政局")
    user = UserFactory(username="no_group")
    DepartmentMembershipFactory(user=user, department=finance)
    assert not can_enter_for_department(user, finance)
    assert not departments_visible_to(user).exists()


def test_city_staff_read_every_department_but_enter_none(db, reviewer, leader, admin_user):
    from counties.access import can_enter_for_department, departments_visible_to
    from tests.factories import DepartmentFactory

    finance = DepartmentFactory(name="市财政局")
    for user in (reviewer, leader, admin_user):
        assert list(departments_visible_to(user)) == [finance]
        assert not can_enter_for_department(user, finance)
