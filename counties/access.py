"""Who may see and change which county's data: the one place that decides it.

Every view, export and API goes through these functions; none re-derives the rules inline.

Roles (scorecard.roles) are Django groups plus, for county reporters, CountyMembership rows:
- reporter: its own counties' submissions only;
- department reporter (部门填报员, DepartmentMembership): the indicators its department enters
  (Indicator.entered_by_department) for every county, and nothing else of the counties' data;
- reviewer: every county's submissions, approves or returns them, never edits figures;
- leader: reads everything, changes nothing;
- admin: configures the app (superusers count as admins).
"""

from __future__ import annotations

from django.db.models import QuerySet

from indicators.models import Department
from scorecard.roles import AnyUser, Role, is_admin, is_city_staff, roles_of

from .models import County, Submission


def counties_visible_to(user: AnyUser) -> QuerySet[County]:
    """Counties whose unpublished data the user may read."""
    if not user.is_authenticated:
        return County.objects.none()
    if is_city_staff(user):
        return County.objects.filter(is_active=True)
    if Role.REPORTER in roles_of(user):
        return County.objects.filter(is_active=True, memberships__user=user)
    return County.objects.none()


def submissions_visible_to(user: AnyUser) -> QuerySet[Submission]:
    return Submission.objects.filter(county__in=counties_visible_to(user))


def can_view_county(user: AnyUser, county: County) -> bool:
    return counties_visible_to(user).filter(pk=county.pk).exists()


def can_edit_submission(user: AnyUser, submission: Submission) -> bool:
    """Only a reporter of the submission's own county edits its figures, and only while the
    submission is a draft or returned and its period is open."""
    if not user.is_authenticated or Role.REPORTER not in roles_of(user):
        return False
    if not submission.period.accepts_entries():
        return False
    if submission.status not in (Submission.Status.DRAFT, Submission.Status.RETURNED):
        return False
    return submission.county.memberships.filter(user=user).exists()


def can_review(user: AnyUser) -> bool:
    return bool(roles_of(user) & {Role.REVIEWER, Role.ADMIN})


def can_download_all_counties(user: AnyUser) -> bool:
    """City staff download one workbook with a sheet for every county."""
    return is_city_staff(user)


def can_see_completeness(user: AnyUser) -> bool:
    """City staff follow every county's reporting on the completeness board (报送进度)."""
    return is_city_staff(user)


def county_visible_or_404(user: AnyUser, code: str) -> County:
    """The county with this division code if the user may see its data; otherwise 404, so that
    a guessed code reveals nothing."""
    from django.http import Http404

    county = counties_visible_to(user).filter(code=code).first()
    if county is None:
        raise Http404("no such county")
    return county


def submission_visible_or_404(user: AnyUser, pk: int) -> Submission:
    from django.http import Http404

    submission = (
        submissions_visible_to(user).select_related("county", "period").filter(pk=pk).first()
    )
    if submission is None:
        raise Http404("no such submission")
    return submission


def can_edit_county(user: AnyUser, county: County) -> bool:
    """A reporter of this county (the state of a submission is checked separately)."""
    return (
        user.is_authenticated
        and Role.REPORTER in roles_of(user)
        and county.memberships.filter(user=user).exists()
    )


# ----------------------------------------------------------------------------- departments


def departments_entered_by(user: AnyUser) -> QuerySet[Department]:
    """The departments whose indicators the user enters: a department reporter's own."""
    if not user.is_authenticated or Role.DEPARTMENT not in roles_of(user):
        return Department.objects.none()
    return Department.objects.filter(is_active=True, memberships__user=user)


def is_department_reporter(user: AnyUser) -> bool:
    return departments_entered_by(user).exists()


def can_enter_for_department(user: AnyUser, department: Department) -> bool:
    """A reporter of this department enters its indicators for every county."""
    return departments_entered_by(user).filter(pk=department.pk).exists()


def may_open_department_entry(user: AnyUser) -> bool:
    """Whether the menu offers department entry (from roles alone: no query)."""
    return is_city_staff(user) or Role.DEPARTMENT in roles_of(user)


def departments_visible_to(user: AnyUser) -> QuerySet[Department]:
    """Departments whose entry grid the user may read: city staff every one, a department
    reporter its own."""
    if is_city_staff(user):
        return Department.objects.filter(is_active=True)
    return departments_entered_by(user)


def department_visible_or_404(user: AnyUser, pk: int) -> Department:
    from django.http import Http404

    department = departments_visible_to(user).filter(pk=pk).first()
    if department is None:
        raise Http404("no such department")
    return department


def can_import_period(user: AnyUser) -> bool:
    """The statistics bureau (reviewers and admins) imports a month for every county."""
    return can_review(user)


# ----------------------------------------------------------------------------- exemptions


def can_configure_exemptions(user: AnyUser) -> bool:
    """Admins set which counties a rule set does not score on which indicators (不考核), as
    they configure the rule set itself."""
    return is_admin(user)
