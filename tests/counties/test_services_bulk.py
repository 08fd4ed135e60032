"""Many counties at once (counties.services_bulk): the statistics bureau's import and a
department's figures. All or nothing, the form's checks, stale work refused with the changes,
submitted and approved months left alone, the channel kept with each value and its history."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from counties import selectors, services, services_bulk
from counties.access import Role
from counties.models import Submission, SubmissionValue
from counties.validation import Entry
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    IndicatorFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
    SubmissionFactory,
    SubmissionValueFactory,
    UserFactory,
)

D = Decimal


@pytest.fixture
def finance(db):
    return DepartmentFactory(name="市财政局", name_en="Finance Bureau")


@pytest.fixture
def world(db, county_a, county_b, period, finance):
    gdp = IndicatorFactory(code="gdp", name="地区生产总值")
    revenue = IndicatorFactory(
        code="revenue", name="一般公共预算收入", department=finance, entered_by_department=True
    )
    return {"gdp": gdp, "revenue": revenue}


@pytest.fixture
def finance_reporter(finance):
    user = UserFactory(username="finance", roles=[Role.DEPARTMENT])
    DepartmentMembershipFactory(user=user, department=finance)
    return user


def E(value, prior=None, note=""):
    return Entry(
        None if value is None else D(str(value)), None if prior is None else D(prior), note
    )


def values(county, period):
    submission = Submission.objects.filter(county=county, period=period).first()
    if submission is None:
        return {}
    return {
        v.indicator.code: (v.value, v.prior_value, v.channel)
        for v in submission.values.select_related("indicator")
    }


# ----------------------------------------------------------------------------- import


def test_import_creates_every_countys_draft_with_the_import_channel(
    world, reviewer, county_a, county_b, period
):
    result = services_bulk.submissions_import(
        period=period,
        user=reviewer,
        entries={
            county_a.code: {"gdp": E(120, "110"), "revenue": E(8, "7")},
            county_b.code: {"gdp": E(95, "90")},
        },
        versions={},
    )
    assert (result.counties, result.created, result.values) == (2, 2, 3)
    assert values(county_a, period) == {
        "gdp": (D("120"), D("110"), "import"),
        "revenue": (D("8"), D("7"), "import"),
    }
    assert values(county_b, period) == {"gdp": (D("95"), D("90"), "import")}
    submission = Submission.objects.get(county=county_a, period=period)
    assert submission.status == Submission.Status.DRAFT
    record = SubmissionValue.history.filter(submission_id=submission.pk).latest("history_date")
    assert (record.history_change_reason, record.history_user) == ("import", reviewer)
    assert submission.history.latest().history_change_reason == "import"


def test_import_updates_drafts_and_counts_up_their_version(world, reviewer, county_a, period):
    submission = SubmissionFactory(county=county_a, period=period, version=4)
    SubmissionValueFactory(submission=submission, indicator=world["gdp"], value=D("100"))
    services_bulk.submissions_import(
        period=period,
        user=reviewer,
        entries={county_a.code: {"gdp": E(130, "100")}},
        versions={county_a.code: 4},
    )
    submission.refresh_from_db()
    assert submission.version == 5
    assert values(county_a, period)["gdp"] == (D("130"), D("100"), "import")


def test_one_bad_value_saves_nothing_and_names_county_and_indicator(
    world, reviewer, county_a, county_b, period
):
    with pytest.raises(services_bulk.BulkInvalid) as caught:
        services_bulk.submissions_import(
            period=period,
            user=reviewer,
            entries={
                county_a.code: {"gdp": E(120, "110")},
                county_b.code: {"gdp": E(-5, "90"), "nosuch": E(1)},
            },
            versions={},
        )
    found = {(p.county.code, p.issue.code, p.issue.kind) for p in caught.value.problems}
    assert found == {(county_b.code, "gdp", "negative"), (county_b.code, "nosuch", "unknown")}
    assert not Submission.objects.exists()
    assert not SubmissionValue.objects.exists()


def test_unknown_county_is_a_problem(world, reviewer, period):
    with pytest.raises(services_bulk.BulkInvalid) as caught:
        services_bulk.submissions_import(
            period=period, user=reviewer, entries={"999999": {"gdp": E(1)}}, versions={}
        )
    assert [p.issue.kind for p in caught.value.problems] == ["unknown_county"]
    assert "999999" in caught.value.problems[0].issue.message


def test_a_stale_file_is_refused_with_its_changes_then_confirmed(
    world, reviewer, county_a, county_b, period
):
    submission = SubmissionFactory(county=county_a, period=period, version=3)
    SubmissionValueFactory(submission=submission, indicator=world["gdp"], value=D("100"))
    entries = {county_a.code: {"gdp": E(150, "100")}, county_b.code: {"gdp": E(90, "80")}}
    with pytest.raises(services_bulk.BulkConflict) as caught:
        services_bulk.submissions_import(
            period=period, user=reviewer, entries=entries, versions={county_a.code: 2}
        )
    (conflict,) = caught.value.conflicts
    assert conflict.county == county_a and conflict.stamp == 3
    assert [(c.indicator.code, c.field, c.theirs, c.yours) for c in conflict.changes] == [
        ("gdp", "value", D("100.0000"), D("150"))
    ]
    assert values(county_b, period) == {}  # nothing of the file was saved
    services_bulk.submissions_import(
        period=period, user=reviewer, entries=entries, versions=caught.value.stamps
    )
    assert values(county_a, period)["gdp"][0] == D("150")
    assert values(county_b, period)["gdp"][0] == D("90")


def test_a_file_without_versions_needs_confirming_only_where_it_overwrites(
    world, reviewer, county_a, county_b, period
):
    submission = SubmissionFactory(county=county_a, period=period)
    SubmissionValueFactory(submission=submission, indicator=world["gdp"], value=D("100"))
    same = {county_a.code: {"gdp": E("100.0000", "100.0000")}, county_b.code: {"gdp": E(9)}}
    services_bulk.submissions_import(period=period, user=reviewer, entries=same, versions={})
    assert values(county_b, period)["gdp"][0] == D("9")
    with pytest.raises(services_bulk.BulkConflict):
        services_bulk.submissions_import(
            period=period, user=reviewer, entries={county_a.code: {"gdp": E(1)}}, versions={}
        )


def test_submitted_and_approved_months_are_left_alone(world, reviewer, county_a, period):
    now = timezone.now()
    submission = SubmissionFactory(
        county=county_a,
        period=period,
        status=Submission.Status.APPROVED,
        version=2,
        submitted_at=now,
        reviewed_at=now,
    )
    SubmissionValueFactory(submission=submission, indicator=world["gdp"], value=D("100"))
    unchanged = {county_a.code: {"gdp": E("100", "100")}}
    result = services_bulk.submissions_import(
        period=period, user=reviewer, entries=unchanged, versions={county_a.code: 2}
    )
    assert result.counties == 0
    with pytest.raises(services_bulk.BulkInvalid) as caught:
        services_bulk.submissions_import(
            period=period,
            user=reviewer,
            entries={county_a.code: {"gdp": E(101, "100")}},
            versions={county_a.code: 2},
        )
    assert caught.value.problems[0].issue.kind == "locked"
    assert "已审核" in caught.value.problems[0].issue.message


def test_only_reviewers_import(world, reporter_a, leader, county_a, period):
    for user in (reporter_a, leader):
        with pytest.raises(PermissionDenied):
            services_bulk.submissions_import(
                period=period, user=user, entries={county_a.code: {"gdp": E(1)}}, versions={}
            )
    assert not Submission.objects.exists()


def test_a_closed_period_takes_no_import(world, reviewer, county_a, period):
    period.is_open = False
    period.save()
    with pytest.raises(ValidationError):
        services_bulk.submissions_import(
            period=period, user=reviewer, entries={county_a.code: {"gdp": E(1)}}, versions={}
        )


# ----------------------------------------------------------------------------- departments


def test_department_enters_its_indicator_for_every_county(
    world, finance, finance_reporter, county_a, county_b, period
):
    result = services_bulk.department_values_save(
        department=finance,
        period=period,
        user=finance_reporter,
        entries={county_a.code: {"revenue": E(8, "7")}, county_b.code: {"revenue": E(3, "2")}},
        stamps={},
    )
    assert (result.counties, result.values) == (2, 2)
    assert values(county_a, period) == {"revenue": (D("8"), D("7"), "department")}
    assert values(county_b, period) == {"revenue": (D("3"), D("2"), "department")}


def test_department_cannot_enter_other_indicators(
    world, finance, finance_reporter, county_a, period
):
    with pytest.raises(services_bulk.BulkInvalid) as caught:
        services_bulk.department_values_save(
            department=finance,
            period=period,
            user=finance_reporter,
            entries={county_a.code: {"gdp": E(8)}},
            stamps={},
        )
    assert caught.value.problems[0].issue.code == "gdp"
    assert not SubmissionValue.objects.exists()


@pytest.mark.parametrize("who", ["reporter_a", "reviewer", "leader", "other_department"])
def test_only_the_departments_reporters_enter_its_figures(
    request, world, finance, county_a, period, who
):
    if who == "other_department":
        user = UserFactory(username="commerce", roles=[Role.DEPARTMENT])
        DepartmentMembershipFactory(user=user, department=DepartmentFactory(name="市商务局"))
    else:
        user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services_bulk.department_values_save(
            department=finance,
            period=period,
            user=user,
            entries={county_a.code: {"revenue": E(8)}},
            stamps={},
        )


def test_department_save_keeps_the_countys_state_and_version(
    world, finance, finance_reporter, county_a, period
):
    submission = SubmissionFactory(
        county=county_a, period=period, version=3, status="submitted", submitted_at=timezone.now()
    )
    services_bulk.department_values_save(
        department=finance,
        period=period,
        user=finance_reporter,
        entries={county_a.code: {"revenue": E(8)}},
        stamps={},
    )
    submission.refresh_from_db()
    assert (submission.status, submission.version) == ("submitted", 3)


def test_department_refuses_an_approved_month(world, finance, finance_reporter, county_a, period):
    now = timezone.now()
    SubmissionFactory(
        county=county_a, period=period, status="approved", submitted_at=now, reviewed_at=now
    )
    with pytest.raises(services_bulk.BulkInvalid) as caught:
        services_bulk.department_values_save(
            department=finance,
            period=period,
            user=finance_reporter,
            entries={county_a.code: {"revenue": E(8)}},
            stamps={},
        )
    assert caught.value.problems[0].issue.kind == "locked"


def test_department_grid_goes_stale_only_on_its_own_figures(
    world, finance, finance_reporter, reporter_a, county_a, period
):
    services_bulk.department_values_save(
        department=finance,
        period=period,
        user=finance_reporter,
        entries={county_a.code: {"revenue": E(8)}},
        stamps={},
    )
    (row,) = [
        r
        for r in selectors.department_grid(
            period=period, indicators=[world["revenue"]], counties=[county_a]
        )
    ]
    # the county saves its own figures: the department's grid stays current
    services.submission_save(
        county=county_a,
        period=period,
        user=reporter_a,
        entries={"gdp": E(100, "90")},
        expected_version=None,
        channel="form",
    )
    services_bulk.department_values_save(
        department=finance,
        period=period,
        user=finance_reporter,
        entries={county_a.code: {"revenue": E(9)}},
        stamps={county_a.code: row.stamp},
    )
    # someone else of the department changed it since: refused with the change
    with pytest.raises(services_bulk.BulkConflict) as caught:
        services_bulk.department_values_save(
            department=finance,
            period=period,
            user=finance_reporter,
            entries={county_a.code: {"revenue": E(10)}},
            stamps={county_a.code: row.stamp},
        )
    assert caught.value.conflicts[0].changes[0].theirs == D("9.0000")
    assert values(county_a, period)["revenue"][0] == D("9")


def test_the_county_never_writes_department_figures(
    world, finance, finance_reporter, reporter_a, county_a, period
):
    services_bulk.department_values_save(
        department=finance,
        period=period,
        user=finance_reporter,
        entries={county_a.code: {"revenue": E(8, "7")}},
        stamps={},
    )
    services.submission_save(
        county=county_a,
        period=period,
        user=reporter_a,
        entries={"gdp": E(100, "90"), "revenue": E(999, "1")},
        expected_version=None,
        channel="upload",
    )
    assert values(county_a, period)["revenue"] == (D("8"), D("7"), "department")
    assert values(county_a, period)["gdp"] == (D("100"), D("90"), "upload")


def test_missing_department_figures_do_not_block_the_countys_submission(
    world, reporter_a, county_a, period
):
    ruleset = RuleSetFactory(year=2026, status="published", published_at=timezone.now())
    category = RuleSetCategoryFactory(ruleset=ruleset, category=world["gdp"].category)
    for code in ("gdp", "revenue"):
        RuleSetIndicatorFactory(ruleset=ruleset, indicator=world[code], category=category)
    services.submission_save(
        county=county_a,
        period=period,
        user=reporter_a,
        entries={"gdp": E(None, "90")},
        expected_version=None,
        channel="form",
    )
    submission = Submission.objects.get(county=county_a, period=period)
    # the county's own scored indicator left empty blocks (until explained)…
    with pytest.raises(services.EntryInvalid) as caught:
        services.submission_submit(submission=submission, user=reporter_a)
    assert [(i.code, i.kind) for i in caught.value.issues] == [("gdp", "missing")]
    # …the department's does not: the department explains its own figures
    services.submission_save(
        county=county_a,
        period=period,
        user=reporter_a,
        entries={"gdp": E(100, "90")},
        expected_version=None,
        channel="form",
    )
    services.submission_submit(submission=submission, user=reporter_a)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    warnings = [i.code for i, _note in services.submission_warnings(submission)]
    assert warnings == ["revenue"]  # what the reviewer confirms on approval


def test_an_untouched_template_makes_no_draft_for_a_county_with_nothing_stored(
    world, reviewer, county_a, county_b, period
):
    result = services_bulk.submissions_import(
        period=period,
        user=reviewer,
        entries={
            county_a.code: {"gdp": E(None, "110"), "revenue": E(None, "7")},
            county_b.code: {"gdp": E(95, "90")},
        },
        versions={},
    )
    assert result.counties == 1
    assert values(county_a, period) == {}
    assert not Submission.objects.filter(county=county_a).exists()
