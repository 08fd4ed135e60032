"""The Django admin obeys the rules of the pages (issue 11): locked figures stay locked, entered
figures are checked as the entry form checks them, the workflow is not editable, published rule
sets and what they score stay as published, and a change to what a ranking reads queues its
recompute."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from counties.models import County, Period, Submission, SubmissionValue
from indicators.models import Category, Indicator, RuleSet, RuleSetCategory, RuleSetIndicator
from rankings import receivers, tasks
from rankings.models import BonusItem, RankingRun, Veto
from tests.factories import (
    CategoryFactory,
    CountyFactory,
    IndicatorFactory,
    PeriodFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
    SubmissionFactory,
    SubmissionValueFactory,
)

pytestmark = pytest.mark.django_db

ADMIN = RankingRun.Trigger.ADMIN


@pytest.fixture
def staff(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def queued(monkeypatch):
    """The recomputes the rankings receivers queue, as (period key, trigger, user id)."""
    calls = []

    def enqueue(period, *, trigger, user_id=None):
        calls.append((period.key, trigger, user_id))

    monkeypatch.setattr(receivers, "enqueue_recompute", enqueue)
    return calls


@pytest.fixture
def gdp(db):
    return IndicatorFactory(code="gdp", name="地区生产总值", decimals=1)


def make_value(indicator, *, status="draft", is_open=True, value="108.0", county=None):
    now = timezone.now()
    workflow = {
        "draft": {},
        "returned": {"return_reason": "请核实"},
        "submitted": {"submitted_at": now},
        "approved": {"submitted_at": now, "reviewed_at": now},
    }[status]
    period = PeriodFactory(year=2026, month=10, is_open=is_open)
    submission = SubmissionFactory(
        county=county or CountyFactory(code="369901", name="东城区"),
        period=period,
        status=status,
        **workflow,
    )
    return SubmissionValueFactory(
        submission=submission,
        indicator=indicator,
        value=Decimal(value),
        prior_value=Decimal("100"),
    )


def value_url(value):
    return reverse("admin:counties_submissionvalue_change", args=[value.pk])


def submission_url(submission):
    return reverse("admin:counties_submission_change", args=[submission.pk])


def inline_post(stored, **fields):
    """The submission change form with one value row, as the admin posts it."""
    row = {
        "id": stored.pk,
        "submission": stored.submission_id,
        "indicator": stored.indicator_id,
        "value": "108.0",
        "prior_value": "100",
        "note": "",
        **fields,
    }
    data = {
        "values-TOTAL_FORMS": "1",
        "values-INITIAL_FORMS": "1",
        "values-MIN_NUM_FORMS": "0",
        "values-MAX_NUM_FORMS": "1000",
        "_save": "保存",
    }
    data.update({f"values-0-{k}": v for k, v in row.items()})
    return data


# ------------------------------------------------------------------ locked figures stay locked


@pytest.mark.parametrize(
    ("status", "is_open"),
    [("approved", True), ("submitted", True), ("draft", False), ("returned", False)],
)
def test_locked_value_is_read_only_and_a_post_changes_nothing(staff, gdp, status, is_open):
    value = make_value(gdp, status=status, is_open=is_open)
    history = SubmissionValue.history.filter(id=value.pk).count()
    page = staff.get(value_url(value))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = staff.post(value_url(value), {"value": "-5", "prior_value": "100", "note": ""})
    assert response.status_code == 403
    value.refresh_from_db()
    assert value.value == Decimal("108.0")
    assert SubmissionValue.history.filter(id=value.pk).count() == history


def test_approved_value_page_says_to_reopen_the_month_on_its_page(staff, gdp):
    value = make_value(gdp, status="approved")
    content = staff.get(value_url(value)).content.decode()
    assert "已审核，在管理后台只读" in content and "重新打开" in content
    page_url = reverse("submission_form", kwargs={"code": "369901", "year": 2026, "month": 10})
    assert f'<a href="{page_url}">打开报送页面</a>' in content


def test_closed_period_value_page_says_why(staff, gdp):
    value = make_value(gdp, status="draft", is_open=False)
    assert "已不再接受填报" in staff.get(value_url(value)).content.decode()


def test_approved_submission_is_read_only_with_its_values(staff, gdp):
    value = make_value(gdp, status="approved")
    submission = value.submission
    page = staff.get(submission_url(submission))
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="_save"' not in content and 'name="values-0-value"' not in content
    assert "重新打开" in content
    response = staff.post(submission_url(submission), inline_post(value, value="-5"))
    assert response.status_code == 403
    value.refresh_from_db()
    assert value.value == Decimal("108.0")


def test_locked_value_cannot_be_deleted(staff, gdp):
    value = make_value(gdp, status="approved")
    url = reverse("admin:counties_submissionvalue_delete", args=[value.pk])
    assert staff.post(url, {"post": "yes"}).status_code == 403
    assert SubmissionValue.objects.filter(pk=value.pk).exists()


def test_locked_value_is_refused_by_the_bulk_delete_action(staff, gdp):
    value = make_value(gdp, status="approved")
    response = staff.post(
        reverse("admin:counties_submissionvalue_changelist"),
        {"action": "delete_selected", "_selected_action": [value.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert SubmissionValue.objects.filter(pk=value.pk).exists()


def test_history_revert_of_a_locked_value_is_refused(staff, gdp):
    value = make_value(gdp, status="draft", value="90.0")
    first = SubmissionValue.history.filter(id=value.pk).latest("history_date")
    value.value = Decimal("108.0")
    value.save()
    Submission.objects.filter(pk=value.submission_id).update(
        status="approved", submitted_at=timezone.now(), reviewed_at=timezone.now()
    )
    url = reverse(
        "admin:counties_submissionvalue_simple_history", args=[value.pk, first.history_id]
    )
    response = staff.post(url, {"value": "90.0", "prior_value": "100", "note": ""})
    assert response.status_code == 403
    value.refresh_from_db()
    assert value.value == Decimal("108.0")


# --------------------------------------------------- entered figures are checked like the form


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-5", "地区生产总值不能为负数。"),
        ("108.25", "地区生产总值最多保留 1 位小数，填报值为 108.25。"),
        ("十", "“十”不是有效的数字。"),
    ],
)
def test_value_refused_with_the_forms_message(staff, gdp, typed, message):
    value = make_value(gdp, status="draft")
    response = staff.post(value_url(value), {"value": typed, "prior_value": "100", "note": ""})
    assert response.status_code == 200
    assert message in response.content.decode()
    value.refresh_from_db()
    assert value.value == Decimal("108.0")


def test_cumulative_value_below_last_month_is_refused(staff, gdp):
    value = make_value(gdp, status="draft")
    september = PeriodFactory(year=2026, month=9)
    earlier = SubmissionFactory(county=value.submission.county, period=september)
    SubmissionValueFactory(submission=earlier, indicator=gdp, value=Decimal("100"))
    response = staff.post(value_url(value), {"value": "99", "prior_value": "100", "note": ""})
    assert response.status_code == 200
    assert "小于上月累计 100" in response.content.decode()


def test_value_typed_as_on_the_page_is_saved_with_its_channel(staff, gdp, admin_user):
    value = make_value(gdp, status="returned")
    version = value.submission.version
    response = staff.post(
        value_url(value), {"value": "1,234.5", "prior_value": "１００", "note": "更正"}
    )
    assert response.status_code == 302
    value.refresh_from_db()
    assert (value.value, value.prior_value, value.note) == (Decimal("1234.5"), 100, "更正")
    submission = Submission.objects.get(pk=value.submission_id)
    assert submission.version == version + 1  # a form loaded before now sees a conflict
    assert submission.status == "returned"
    latest = SubmissionValue.history.filter(id=value.pk).latest("history_date")
    assert latest.history_change_reason == "admin" and latest.history_user == admin_user


def test_value_keeps_its_submission_and_indicator(staff, gdp):
    value = make_value(gdp, status="draft")
    other = IndicatorFactory(code="retail")
    staff.post(
        value_url(value),
        {"indicator": other.pk, "submission": 999, "value": "109", "prior_value": "100"},
    )
    value.refresh_from_db()
    assert (value.indicator_id, value.value) == (gdp.pk, Decimal("109"))


def test_inline_value_is_checked_like_the_form(staff, gdp):
    value = make_value(gdp, status="draft")
    response = staff.post(submission_url(value.submission), inline_post(value, value="-5"))
    assert response.status_code == 200
    assert "地区生产总值不能为负数。" in response.content.decode()
    value.refresh_from_db()
    assert value.value == Decimal("108.0")


def test_inline_value_saved_with_its_channel_and_a_new_version(staff, gdp):
    value = make_value(gdp, status="draft")
    version = value.submission.version
    response = staff.post(submission_url(value.submission), inline_post(value, value="110.5"))
    assert response.status_code == 302
    value.refresh_from_db()
    assert value.value == Decimal("110.5")
    assert Submission.objects.get(pk=value.submission_id).version == version + 1
    latest = SubmissionValue.history.filter(id=value.pk).latest("history_date")
    assert latest.history_change_reason == "admin"


def test_inline_new_value_must_be_an_indicator_of_the_period(staff, gdp):
    value = make_value(gdp, status="draft")
    retired = IndicatorFactory(code="retired", is_active=False)
    data = inline_post(value)
    data.update(
        {
            "values-TOTAL_FORMS": "2",
            "values-1-submission": value.submission_id,
            "values-1-indicator": retired.pk,
            "values-1-value": "5",
            "values-1-prior_value": "",
            "values-1-note": "",
        }
    )
    response = staff.post(submission_url(value.submission), data)
    assert response.status_code == 200
    assert "指标代码 retired 不在本期填报范围内。" in response.content.decode()
    assert not SubmissionValue.objects.filter(indicator=retired).exists()


def test_submission_workflow_fields_are_not_editable(staff, gdp):
    value = make_value(gdp, status="draft")
    submission = value.submission
    data = inline_post(value)
    data.update(
        {
            "status": "approved",
            "version": "99",
            "reviewed_at_0": "2026-11-01",
            "reviewed_at_1": "10:00:00",
            "return_reason": "x",
            "county": CountyFactory(code="369902").pk,
        }
    )
    assert staff.post(submission_url(submission), data).status_code == 302
    stored = Submission.objects.get(pk=submission.pk)
    assert (stored.status, stored.version, stored.reviewed_at, stored.county_id) == (
        "draft",
        submission.version,
        None,
        submission.county_id,
    )


def test_history_revert_cannot_bring_back_an_old_status(staff, gdp):
    value = make_value(gdp, status="approved")
    submission = value.submission
    approved = Submission.history.filter(id=submission.pk).latest("history_date")
    submission.status, submission.return_reason = "returned", "请核实"
    submission.save()
    url = reverse(
        "admin:counties_submission_simple_history", args=[submission.pk, approved.history_id]
    )
    staff.post(url, {})
    assert Submission.objects.get(pk=submission.pk).status == "returned"


def test_submissions_and_values_are_not_added_or_deleted_in_the_admin(staff, gdp):
    value = make_value(gdp, status="draft")
    assert staff.get(reverse("admin:counties_submission_add")).status_code == 403
    assert staff.get(reverse("admin:counties_submissionvalue_add")).status_code == 403
    delete = reverse("admin:counties_submission_delete", args=[value.submission_id])
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    assert Submission.objects.filter(pk=value.submission_id).exists()


def test_draft_value_deleted_with_its_channel(staff, gdp):
    value = make_value(gdp, status="draft")
    version = value.submission.version
    url = reverse("admin:counties_submissionvalue_delete", args=[value.pk])
    assert staff.post(url, {"post": "yes"}).status_code == 302
    assert not SubmissionValue.objects.filter(pk=value.pk).exists()
    deleted = SubmissionValue.history.filter(id=value.pk).latest("history_date")
    assert deleted.history_type == "-" and deleted.history_change_reason == "admin"
    assert Submission.objects.get(pk=value.submission_id).version == version + 1


def test_editing_a_draft_value_queues_no_recompute(
    staff, gdp, queued, django_capture_on_commit_callbacks
):
    value = make_value(gdp, status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(value_url(value), {"value": "110", "prior_value": "100", "note": ""})
    assert queued == []  # only approved values are scored


# ------------------------------------------------------ changes to ranking inputs queue a recompute


def county_post(county, **fields):
    data = {
        "code": county.code,
        "name": county.name,
        "name_en": county.name_en,
        "kind": county.kind,
        "display_order": county.display_order,
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "_save": "保存",
    }
    if county.is_ranked:
        data["is_ranked"] = "on"
    if county.is_active:
        data["is_active"] = "on"
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def year_2026(db):
    """January closed, October open: 2026 is an open assessment year."""
    return PeriodFactory(year=2026, month=1, is_open=False), PeriodFactory(year=2026, month=10)


def test_county_taken_out_of_the_ranking_queues_the_open_year(
    staff, admin_user, queued, year_2026, django_capture_on_commit_callbacks
):
    county = CountyFactory(code="369971", name="高新区", is_ranked=True)
    url = reverse("admin:counties_county_change", args=[county.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, county_post(county, is_ranked=None, kind="zone"))
    assert response.status_code == 302
    county.refresh_from_db()
    assert (county.is_ranked, county.kind) == (False, "zone")
    assert queued == [("2026-01", ADMIN, admin_user.pk)]


def test_county_display_change_queues_nothing(
    staff, queued, year_2026, django_capture_on_commit_callbacks
):
    county = CountyFactory(code="369901", name="东城区")
    url = reverse("admin:counties_county_change", args=[county.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, county_post(county, display_order=42, name_en="East"))
    assert response.status_code == 302
    assert queued == []


def test_county_moved_to_another_region_queues_the_open_year(
    staff, admin_user, queued, year_2026, django_capture_on_commit_callbacks
):
    """The region groups counties for imputation (插补分组): the engine reads it."""
    county = CountyFactory(code="369901", name="东城区")
    url = reverse("admin:counties_county_change", args=[county.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, county_post(county, region="北部"))
    assert response.status_code == 302
    assert County.objects.get(pk=county.pk).region == "北部"
    assert queued == [("2026-01", ADMIN, admin_user.pk)]


def test_county_added_queues_the_open_year(
    staff, admin_user, queued, year_2026, django_capture_on_commit_callbacks
):
    new = County(code="369905", name="新区", name_en="New District", kind="district")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("admin:counties_county_add"), county_post(new))
    assert response.status_code == 302
    assert queued == [("2026-01", ADMIN, admin_user.pk)]


def test_closing_a_period_queues_its_recompute(
    staff, admin_user, queued, year_2026, django_capture_on_commit_callbacks
):
    october = year_2026[1]
    url = reverse("admin:counties_period_change", args=[october.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, {"deadline": "2026-11-05", "year": 2025, "month": 3})
    assert response.status_code == 302
    october.refresh_from_db()
    assert (october.is_open, october.year, october.month) == (False, 2026, 10)
    assert queued == [("2026-10", ADMIN, admin_user.pk)]


def test_closing_periods_from_the_list_queues_each(
    staff, admin_user, queued, django_capture_on_commit_callbacks
):
    september = PeriodFactory(year=2026, month=9)
    october = PeriodFactory(year=2026, month=10)
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "2",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "_save": "保存",
    }
    # the list is ordered newest first
    for i, period in enumerate([october, september]):
        data[f"form-{i}-id"] = period.pk
        data[f"form-{i}-deadline"] = period.deadline.isoformat()
    data["form-1-is_open"] = "on"  # September stays open
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("admin:counties_period_changelist"), data)
    assert response.status_code == 302
    assert Period.objects.get(pk=october.pk).is_open is False
    assert queued == [("2026-10", ADMIN, admin_user.pk)]


def test_deadline_change_queues_nothing(
    staff, queued, year_2026, django_capture_on_commit_callbacks
):
    october = year_2026[1]
    url = reverse("admin:counties_period_change", args=[october.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, {"deadline": "2026-11-10", "is_open": "on"})
    assert response.status_code == 302
    assert queued == []


def test_veto_added_or_deleted_queues_its_year(
    staff, admin_user, queued, year_2026, django_capture_on_commit_callbacks
):
    county = CountyFactory(code="369901", name="东城区")
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("admin:rankings_veto_add"),
            {"county": county.pk, "year": 2026, "reason": "安全生产事故"},
        )
    assert response.status_code == 302
    veto = Veto.objects.get()
    assert veto.created_by == admin_user
    assert veto.history.latest("history_date").history_change_reason == "admin"
    assert queued == [("2026-01", ADMIN, admin_user.pk)]
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            reverse("admin:rankings_veto_delete", args=[veto.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert queued == [("2026-01", ADMIN, admin_user.pk)]


def test_admin_change_reaches_the_recompute_task(
    staff, admin_user, year_2026, monkeypatch, django_capture_on_commit_callbacks
):
    """The whole way: admin save -> commit -> signal -> receiver -> task queued on commit."""
    sent = []
    monkeypatch.setattr(tasks.recompute, "apply_async", lambda *a, **kw: sent.append(kw))
    county = CountyFactory(code="369901", name="东城区")
    url = reverse("admin:counties_county_change", args=[county.pk])
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(url, county_post(county, is_ranked=None))
    assert [(kw["args"], kw["kwargs"]) for kw in sent] == [
        ([year_2026[0].pk], {"trigger": ADMIN, "user_id": admin_user.pk})
    ]


def test_failed_admin_save_queues_nothing(
    staff, queued, year_2026, django_capture_on_commit_callbacks
):
    county = CountyFactory(code="369901", name="东城区")
    url = reverse("admin:counties_county_change", args=[county.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(url, county_post(county, is_ranked=None, code="bad"))
    assert response.status_code == 200  # the form error
    assert queued == []


# ------------------------------------------------------------ rankings: runs and bonus items


def test_bonus_items_are_read_only_in_the_admin(staff, year_2026):
    item = BonusItem.objects.create(
        county=CountyFactory(code="369901"), period=year_2026[1], points=Decimal("2"), reason="a"
    )
    assert staff.get(reverse("admin:rankings_bonusitem_add")).status_code == 403
    url = reverse("admin:rankings_bonusitem_change", args=[item.pk])
    page = staff.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="_save"' not in content and reverse("bonus_list") in content
    response = staff.post(
        url, {"county": item.county_id, "period": item.period_id, "points": "9", "reason": "b"}
    )
    assert response.status_code == 403
    delete = reverse("admin:rankings_bonusitem_delete", args=[item.pk])
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    item.refresh_from_db()
    assert item.points == Decimal("2")


def test_ranking_runs_cannot_be_deleted_in_the_admin(staff, year_2026):
    now = timezone.now()
    run = RankingRun.objects.create(
        period=year_2026[1],
        ruleset=RuleSetFactory(),
        input_checksum="x",
        status="succeeded",
        is_current=True,
        trigger="command",
        started_at=now,
        finished_at=now,
        duration_ms=1,
    )
    url = reverse("admin:rankings_rankingrun_delete", args=[run.pk])
    assert staff.post(url, {"post": "yes"}).status_code == 403
    assert RankingRun.objects.filter(pk=run.pk).exists()


@pytest.mark.parametrize("model", [BonusItem, RankingRun, Veto], ids=lambda m: m.__name__)
def test_rankings_admin_lists_load(staff, model):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert staff.get(url).status_code == 200


# ------------------------------------------------- published rule sets and what they score


@pytest.fixture
def published(db):
    """A published rule set scoring gdp (with a ratio over pop) in the category 'growth'."""
    growth = CategoryFactory(code="growth", name="主要经济指标")
    gdp = IndicatorFactory(code="gdp", name="地区生产总值", category=growth, decimals=1)
    pop = IndicatorFactory(code="pop", name="常住人口", category=growth, unit="人")
    ruleset = RuleSetFactory(year=2026, version=1)
    rc = RuleSetCategoryFactory(ruleset=ruleset, category=growth)
    rule = RuleSetIndicatorFactory(
        ruleset=ruleset, indicator=gdp, category=rc, basis="ratio", denominator=pop
    )
    RuleSet.objects.filter(pk=ruleset.pk).update(status="published", published_at=timezone.now())
    ruleset.refresh_from_db()
    return {"ruleset": ruleset, "category": rc, "rule": rule, "gdp": gdp, "pop": pop}


def indicator_post(indicator, **fields):
    data = {
        "code": indicator.code,
        "name": indicator.name,
        "name_en": indicator.name_en,
        "category": indicator.category_id,
        "unit": indicator.unit,
        "kind": indicator.kind,
        "direction": indicator.direction,
        "decimals": indicator.decimals,
        "department": indicator.department_id or "",
        "description": indicator.description,
        "display_order": indicator.display_order,
        "is_active": "on",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize("which", ["gdp", "pop"])  # scored, or a ratio's denominator
def test_indicator_of_a_published_rule_set_keeps_what_scores_it(staff, published, which):
    indicator = published[which]
    url = reverse("admin:indicators_indicator_change", args=[indicator.pk])
    page = staff.get(url).content.decode()
    assert 'name="unit"' not in page and 'name="name"' in page
    assert "该指标用于已发布的考核规则" in page
    response = staff.post(
        url,
        indicator_post(
            indicator,
            name="新名称",
            code="renamed",
            unit="万元",
            direction="lower",
            decimals="4",
            can_be_negative="on",
            is_share="on",
        ),
    )
    assert response.status_code == 302
    stored = Indicator.objects.get(pk=indicator.pk)
    assert stored.name == "新名称"
    assert (stored.code, stored.unit, stored.direction, stored.decimals) == (
        indicator.code,
        indicator.unit,
        indicator.direction,
        indicator.decimals,
    )
    assert (stored.can_be_negative, stored.is_share) == (False, False)
    assert stored.history.latest("history_date").history_change_reason == "admin"
    delete = reverse("admin:indicators_indicator_delete", args=[indicator.pk])
    assert staff.post(delete, {"post": "yes"}).status_code == 403


def test_indicator_revert_cannot_bring_back_a_locked_field(staff, published):
    gdp = published["gdp"]
    old = gdp.history.latest("history_date")
    Indicator.objects.filter(pk=gdp.pk).update(decimals=2)  # as stored before the lock
    url = reverse("admin:indicators_indicator_simple_history", args=[gdp.pk, old.history_id])
    assert staff.post(url, indicator_post(gdp, name="旧名")).status_code == 302
    assert Indicator.objects.get(pk=gdp.pk).decimals == 2


def test_indicator_only_in_drafts_is_editable(staff, published):
    draft_only = IndicatorFactory(code="retail", decimals=1)
    RuleSetIndicatorFactory(ruleset=RuleSetFactory(year=2027, version=1), indicator=draft_only)
    url = reverse("admin:indicators_indicator_change", args=[draft_only.pk])
    response = staff.post(url, indicator_post(draft_only, unit="万元", decimals="2"))
    assert response.status_code == 302
    assert Indicator.objects.get(pk=draft_only.pk).unit == "万元"


def test_category_of_a_published_rule_set_keeps_its_code(staff, published):
    category = published["category"].category
    url = reverse("admin:indicators_category_change", args=[category.pk])
    response = staff.post(
        url, {"code": "other", "name": "经济增长", "name_en": "Growth", "display_order": 3}
    )
    assert response.status_code == 302
    stored = Category.objects.get(pk=category.pk)
    assert (stored.code, stored.name) == ("growth", "经济增长")
    delete = reverse("admin:indicators_category_delete", args=[category.pk])
    assert staff.post(delete, {"post": "yes"}).status_code == 403


@pytest.mark.parametrize("model", [RuleSet, RuleSetCategory, RuleSetIndicator])
def test_published_rule_set_rows_refuse_change_and_delete(staff, published, model):
    obj = {
        RuleSet: published["ruleset"],
        RuleSetCategory: published["category"],
        RuleSetIndicator: published["rule"],
    }[model]
    opts = model._meta
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    page = staff.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert staff.post(change, {"weight": "1", "name": "x"}).status_code == 403
    delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    assert staff.post(delete, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()
    history = obj.history.latest("history_date")
    revert = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, history.history_id],
    )
    assert staff.post(revert, {"weight": "1", "name": "x"}).status_code == 403


def test_published_rule_sets_are_refused_by_the_bulk_delete_action(staff, published):
    response = staff.post(
        reverse("admin:indicators_ruleset_changelist"),
        {"action": "delete_selected", "_selected_action": [published["ruleset"].pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert RuleSet.objects.filter(pk=published["ruleset"].pk).exists()


def test_draft_rule_row_cannot_take_another_rule_sets_category(staff, published):
    draft = RuleSetFactory(year=2027, version=1)
    other_draft = RuleSetFactory(year=2027, version=2)
    foreign = RuleSetCategoryFactory(ruleset=other_draft, category=CategoryFactory(code="x"))
    response = staff.post(
        reverse("admin:indicators_rulesetindicator_add"),
        {
            "ruleset": draft.pk,
            "indicator": published["gdp"].pk,
            "category": foreign.pk,
            "weight": "10",
            "basis": "growth",
            "direction": "higher",
            "method": "rank_points",
            "params": "{}",
            "frequency": "monthly",
            "display_order": "0",
        },
    )
    assert response.status_code == 200
    assert "所属类别必须是同一考核规则中的类别。" in response.content.decode()
    assert not RuleSetIndicator.objects.filter(ruleset=draft).exists()
