"""Monthly entry and review: the form, the workflow, rights on every entry URL, history and
the concurrent-edit conflict."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from counties import services
from counties.models import Submission, SubmissionValue
from counties.selectors import submission_trail
from counties.validation import Entry
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

D = Decimal


@pytest.fixture
def setup(county_a, county_b, reporter_a):
    growth = CategoryFactory(code="growth", name="主要经济指标")
    gdp = IndicatorFactory(code="gdp", name="地区生产总值", category=growth, kind="flow")
    share = IndicatorFactory(
        code="air",
        name="空气质量优良天数比例",
        category=growth,
        kind="rate",
        unit="%",
        is_share=True,
    )
    ruleset = RuleSetFactory(year=2026, status="published", published_at=timezone.now())
    rc = RuleSetCategoryFactory(ruleset=ruleset, category=growth, weight=D("100"))
    RuleSetIndicatorFactory(ruleset=ruleset, indicator=gdp, category=rc, weight=D("60"))
    RuleSetIndicatorFactory(
        ruleset=ruleset,
        indicator=share,
        category=rc,
        weight=D("40"),
        basis="value",
        method="goalposts",
        params={"lower": 60, "upper": 100},
    )
    september = PeriodFactory(year=2026, month=9, is_open=False)
    october = PeriodFactory(
        year=2026, month=10, deadline=timezone.localdate() + timezone.timedelta(days=10)
    )
    now = timezone.now()
    approved = SubmissionFactory(
        county=county_a, period=september, status="approved", submitted_at=now, reviewed_at=now
    )
    SubmissionValueFactory(submission=approved, indicator=gdp, value=D("300"), prior_value=D("280"))
    SubmissionValueFactory(submission=approved, indicator=share, value=D("85"), prior_value=D("84"))
    return {"gdp": gdp, "air": share, "september": september, "october": october}


def form_url(county, period):
    return reverse(
        "submission_form", kwargs={"code": county.code, "year": period.year, "month": period.month}
    )


def post_data(version=0, **fields):
    data = {"version": str(version), "action": "save"}
    data.update(fields)
    return data


# ----------------------------------------------------------------------------- the form


def test_reporter_saves_a_draft_typed_as_officials_type(client, setup, reporter_a, county_a):
    client.force_login(reporter_a)
    response = client.post(
        form_url(county_a, setup["october"]),
        post_data(
            value_gdp="３３０.５",
            prior_gdp="3,00.0".replace(",", ""),
            value_air=" 86 ",
            prior_air="85",
        ),
    )
    assert response.status_code == 302
    submission = Submission.objects.get(county=county_a, period=setup["october"])
    assert submission.status == "draft"
    values = dict(submission.values.values_list("indicator__code", "value"))
    assert values == {"gdp": D("330.5"), "air": D("86")}
    record = SubmissionValue.history.filter(submission_id=submission.pk).first()
    assert record.history_change_reason == "form" and record.history_user == reporter_a


def test_bad_number_saves_nothing_and_says_where(client, setup, reporter_a, county_a):
    client.force_login(reporter_a)
    response = client.post(
        form_url(county_a, setup["october"]),
        post_data(value_gdp="三百", value_air="86"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "地区生产总值（本年累计）" in body and "不是有效的数字" in body
    assert 'value="三百"' in body  # what was typed is shown back
    assert not Submission.objects.filter(county=county_a, period=setup["october"]).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"value_gdp": "-5"}, "不能为负数"),
        ({"value_gdp": "310", "value_air": "101"}, "0 到 100"),
        ({"value_gdp": "299"}, "小于上月累计"),
    ],
)
def test_blocking_errors_save_nothing(client, setup, reporter_a, county_a, fields, message):
    client.force_login(reporter_a)
    response = client.post(form_url(county_a, setup["october"]), post_data(**fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not SubmissionValue.objects.filter(submission__period=setup["october"]).exists()


def test_submit_needs_explanations_for_warnings_then_goes_through(
    client, setup, reporter_a, county_a
):
    client.force_login(reporter_a)
    url = form_url(county_a, setup["october"])
    # GDP growth jumps from +7.1% to +40%: a warning that needs a note before submitting.
    response = client.post(
        url,
        post_data(
            value_gdp="420", prior_gdp="300", value_air="86", prior_air="85", action="submit"
        ),
    )
    assert response.status_code == 400
    assert "相差超过" in response.content.decode()
    submission = Submission.objects.get(county=county_a, period=setup["october"])
    assert submission.status == "draft"  # saved as a draft, not submitted
    response = client.post(
        url,
        post_data(
            version=submission.version,
            value_gdp="420",
            prior_gdp="300",
            note_gdp="新投产大型项目拉动",
            value_air="86",
            prior_air="85",
            action="submit",
        ),
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "submitted" and submission.submitted_by == reporter_a
    assert not submission.is_late


def test_late_submission_is_marked(setup, reporter_a, county_a):
    period = setup["october"]
    period.deadline = timezone.localdate() - timezone.timedelta(days=1)
    period.save()
    result = services.submission_save(
        county=county_a,
        period=period,
        user=reporter_a,
        channel="form",
        expected_version=None,
        entries={"gdp": Entry(D("310"), D("290")), "air": Entry(D("86"), D("85"))},
    )
    submitted = services.submission_submit(submission=result.submission, user=reporter_a)
    assert submitted.is_late


def test_concurrent_edit_is_refused_and_shows_what_changed(client, setup, reporter_a, county_a):
    client.force_login(reporter_a)
    url = form_url(county_a, setup["october"])
    client.post(url, post_data(value_gdp="310", prior_gdp="290", value_air="86"))
    loaded = Submission.objects.get(county=county_a, period=setup["october"]).version
    # Someone else saves first ...
    client.post(url, post_data(version=loaded, value_gdp="315", prior_gdp="290", value_air="86"))
    # ... then this user saves what they loaded earlier.
    response = client.post(
        url, post_data(version=loaded, value_gdp="312", prior_gdp="290", value_air="86")
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "您的修改没有保存" in body and "315" in body
    value = SubmissionValue.objects.get(submission__period=setup["october"], indicator__code="gdp")
    assert value.value == D("315")


def test_closed_period_cannot_be_edited(client, setup, reporter_a, county_a):
    client.force_login(reporter_a)
    response = client.post(form_url(county_a, setup["september"]), post_data(value_gdp="1"))
    assert response.status_code == 400
    assert "已关闭" in response.content.decode()
    assert SubmissionValue.objects.get(
        submission__period=setup["september"], indicator__code="gdp"
    ).value == D("300")


def test_last_year_value_prefills_same_period_last_year(client, setup, reporter_a, county_a):
    last_year = PeriodFactory(year=2025, month=10, is_open=False)
    now = timezone.now()
    old = SubmissionFactory(
        county=county_a, period=last_year, status="approved", submitted_at=now, reviewed_at=now
    )
    SubmissionValueFactory(submission=old, indicator=setup["gdp"], value=D("288.8"))
    client.force_login(reporter_a)
    body = client.get(form_url(county_a, setup["october"])).content.decode()
    assert 'name="prior_gdp" value="288.8"' in body


# -------------------------------------------------------------------- rights on every URL


@pytest.mark.parametrize("method", ["get", "post"])
def test_other_county_reporter_gets_404_on_the_form(client, setup, reporter_b, county_a, method):
    client.force_login(reporter_b)
    response = getattr(client, method)(form_url(county_a, setup["october"]), post_data())
    assert response.status_code == 404
    assert not Submission.objects.filter(county=county_a, period=setup["october"]).exists()


@pytest.mark.parametrize(
    "name", ["submission_history", "submission_approve", "submission_return", "submission_reopen"]
)
def test_other_county_ids_are_404(client, setup, reporter_b, county_a, name):
    submission = SubmissionFactory(county=county_a, period=setup["october"])
    client.force_login(reporter_b)
    url = reverse(name, args=[submission.pk])
    response = (
        client.post(url, {"reason": "x"}) if name != "submission_history" else client.get(url)
    )
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["reviewer", "leader"])
def test_city_staff_read_but_never_write_figures(request, client, setup, county_a, who):
    client.force_login(request.getfixturevalue(who))
    url = form_url(county_a, setup["october"])
    assert client.get(url).status_code == 200
    response = client.post(url, post_data(value_gdp="310"))
    assert response.status_code == 403
    assert not Submission.objects.filter(county=county_a, period=setup["october"]).exists()


def test_anonymous_is_sent_to_login(client, setup, county_a):
    response = client.get(form_url(county_a, setup["october"]))
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --------------------------------------------------------------------------- the workflow


@pytest.fixture
def submitted(setup, reporter_a, county_a):
    result = services.submission_save(
        county=county_a,
        period=setup["october"],
        user=reporter_a,
        channel="form",
        expected_version=None,
        entries={"gdp": Entry(D("310"), D("290")), "air": Entry(D("86"), D("85"))},
    )
    return services.submission_submit(submission=result.submission, user=reporter_a)


def test_reviewer_returns_with_a_reason_and_county_edits_again(
    client, submitted, reviewer, reporter_a, county_a, setup
):
    client.force_login(reviewer)
    client.post(reverse("submission_return", args=[submitted.pk]), {"reason": "GDP与上月不衔接"})
    submitted.refresh_from_db()
    assert submitted.status == "returned" and submitted.return_reason == "GDP与上月不衔接"
    client.force_login(reporter_a)
    body = client.get(form_url(county_a, setup["october"])).content.decode()
    assert "GDP与上月不衔接" in body
    client.post(
        form_url(county_a, setup["october"]),
        post_data(
            version=submitted.version,
            value_gdp="311",
            prior_gdp="290",
            value_air="86",
            prior_air="85",
        ),
    )
    submitted.refresh_from_db()
    assert submitted.status == "draft"


def test_return_needs_a_reason(client, submitted, reviewer):
    client.force_login(reviewer)
    client.post(reverse("submission_return", args=[submitted.pk]), {"reason": "  "})
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_approve_locks_and_reopen_needs_a_reason(
    client, submitted, reviewer, reporter_a, county_a, setup, django_capture_on_commit_callbacks
):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(reverse("submission_approve", args=[submitted.pk]))
    assert len(callbacks) == 1  # the ranking recompute, queued on commit
    submitted.refresh_from_db()
    assert submitted.status == "approved"
    client.force_login(reporter_a)
    response = client.post(
        form_url(county_a, setup["october"]), post_data(version=submitted.version, value_gdp="999")
    )
    assert response.status_code == 400
    client.force_login(reviewer)
    client.post(reverse("submission_reopen", args=[submitted.pk]), {"reason": ""})
    submitted.refresh_from_db()
    assert submitted.status == "approved"
    client.post(
        reverse("submission_reopen", args=[submitted.pk]), {"reason": "统计执法检查发现差错"}
    )
    submitted.refresh_from_db()
    assert submitted.status == "returned"


@pytest.mark.parametrize("who", ["reporter_a", "leader"])
def test_only_reviewers_approve_through_the_url(request, client, submitted, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("submission_approve", args=[submitted.pk]))
    assert response.status_code in (403, 404)
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_a_draft_cannot_be_submitted_twice_or_approved_before_submitting(
    setup, reporter_a, reviewer, county_a
):
    from django.core.exceptions import ValidationError

    result = services.submission_save(
        county=county_a,
        period=setup["october"],
        user=reporter_a,
        channel="form",
        expected_version=None,
        entries={"gdp": Entry(D("310"), D("290")), "air": Entry(D("86"), D("85"))},
    )
    with pytest.raises(ValidationError):
        services.submission_approve(submission=result.submission, user=reviewer)
    services.submission_submit(submission=result.submission, user=reporter_a)
    with pytest.raises(ValidationError):
        services.submission_submit(submission=result.submission, user=reporter_a)


# ------------------------------------------------------------------- history, completeness


def test_history_page_shows_who_when_old_new_and_channel(client, submitted, reviewer, setup):
    client.force_login(reviewer)
    body = client.get(reverse("submission_history", args=[submitted.pk])).content.decode()
    assert "地区生产总值" in body and "310" in body and "网页填报" in body
    assert "已报送" in body


def test_completeness_board_for_city_staff_only(client, submitted, reviewer, reporter_a, county_b):
    client.force_login(reviewer)
    response = client.get(reverse("completeness"), {"year": 2026})
    body = response.content.decode()
    assert response.status_code == 200
    assert "北山县" in body  # county_b owes October
    assert [c.name for c, _s, _days in response.context["board"].owing] == ["北山县"]
    assert reverse("period_template", kwargs={"year": 2026, "month": 10}) in body
    client.force_login(reporter_a)
    assert client.get(reverse("completeness")).status_code == 403


def test_reviewer_sees_the_doubtful_figures_of_a_submitted_month(client, setup, reviewer, county_a):
    now = timezone.now()
    submission = SubmissionFactory(
        county=county_a, period=setup["october"], status="submitted", submitted_at=now
    )
    # GDP growth leaps from +7.1% (September) to +50%.
    SubmissionValueFactory(
        submission=submission, indicator=setup["gdp"], value=D("450"), prior_value=D("300")
    )
    client.force_login(reviewer)
    body = client.get(form_url(county_a, setup["october"])).content.decode()
    assert "以下数据存在疑点，请核实" in body
    assert "地区生产总值增速 50.0% 与上月 7.1% 相差超过 10 个百分点" in body
    assert "审核通过" in body


# ------------------------------------------------------------------ every problem at once


def test_every_problem_of_a_post_is_listed_at_once_next_to_its_input(
    client, setup, reporter_a, county_a
):
    """Text in gdp's value and a share over 100 in air's last-year figure: one post shows both,
    each under its own input, and only those inputs are marked invalid."""
    client.force_login(reporter_a)
    response = client.post(
        form_url(county_a, setup["october"]),
        post_data(value_gdp="三百", prior_gdp="300", value_air="86", prior_air="120"),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "不是有效的数字" in body and "应在 0 到 100 之间" in body
    value_cell = body[body.index('id="value_gdp"') : body.index('name="prior_gdp"')]
    assert "不是有效的数字" in value_cell and 'aria-invalid="true"' in value_cell
    prior_cell = body[body.index('name="prior_air"') : body.index('name="note_air"')]
    assert "应在 0 到 100 之间" in prior_cell and 'aria-invalid="true"' in prior_cell
    assert not Submission.objects.filter(county=county_a, period=setup["october"]).exists()


def test_after_a_refused_post_the_growth_is_that_of_the_typed_figures(
    client, setup, reporter_a, county_a
):
    client.force_login(reporter_a)
    response = client.post(
        form_url(county_a, setup["october"]),
        post_data(value_gdp="330", prior_gdp="300", value_air="86", prior_air="abc"),
    )
    assert response.status_code == 400
    growth = {
        row.indicator.code: row.growth for _c, rows in response.context["groups"] for row in rows
    }
    assert growth["gdp"] == D("10")


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("value_gdp", "330.125", "最多保留 2 位小数"),
        ("prior_gdp", "300.001", "最多保留 2 位小数"),
    ],
)
def test_values_finer_than_the_indicator_keeps_are_refused_not_rounded(
    client, setup, reporter_a, county_a, field, text, message
):
    client.force_login(reporter_a)
    data = {"value_gdp": "330", "prior_gdp": "300", "value_air": "86", "prior_air": "85"}
    data[field] = text
    response = client.post(form_url(county_a, setup["october"]), post_data(**data))
    assert response.status_code == 400 and message in response.content.decode()
    assert not Submission.objects.filter(county=county_a, period=setup["october"]).exists()


def test_a_count_accepts_whole_numbers_only():
    from counties.validation import Entry, IndicatorContext, check_entry

    ctx = IndicatorContext(
        code="firms", name="高新技术企业", unit="家", kind="stock", can_be_negative=False,
        is_share=False, scored=True, decimals=0, whole=True,
    )  # fmt: skip
    issues = check_entry(ctx, Entry(D("359.5"), D("340")), growth_jump_points=D("10"))
    assert [(i.field, i.kind) for i in issues] == [("value", "not_whole")]
    assert "须为整数" in issues[0].message
    assert check_entry(ctx, Entry(D("359"), D("340")), growth_jump_points=D("10")) == []


# ------------------------------------------------------------- what no form offers


def test_a_field_the_post_does_not_carry_keeps_its_stored_value(
    client, setup, reporter_a, county_a
):
    client.force_login(reporter_a)
    url = form_url(county_a, setup["october"])
    client.post(url, post_data(value_gdp="330", prior_gdp="300", value_air="86", prior_air="85"))
    submission = Submission.objects.get(county=county_a, period=setup["october"])
    # a post with only gdp's value: air's figures and gdp's last-year figure stay as stored
    response = client.post(url, post_data(version=submission.version, value_gdp="331"))
    assert response.status_code == 302
    values = {
        code: (value, prior)
        for code, value, prior in submission.values.values_list(
            "indicator__code", "value", "prior_value"
        )
    }
    assert values == {"gdp": (D("331"), D("300")), "air": (D("86"), D("85"))}
    # a field sent empty does clear its value
    client.post(url, post_data(version=submission.version + 1, value_air=""))
    assert submission.values.get(indicator__code="air").value is None


@pytest.mark.parametrize("version", [None, "", "abc", "²", "9" * 40])
def test_a_post_without_a_valid_version_is_refused(client, setup, reporter_a, county_a, version):
    client.force_login(reporter_a)
    data = {"action": "save", "value_gdp": "330", "prior_gdp": "300"}
    if version is not None:
        data["version"] = version
    response = client.post(form_url(county_a, setup["october"]), data)
    assert response.status_code == 400
    assert "缺少版本号" in response.content.decode()
    assert not Submission.objects.filter(county=county_a, period=setup["october"]).exists()


# ----------------------------------------------------------- quarterly indicators


def test_a_quarterly_indicator_is_neither_required_nor_warned_about_in_an_off_month(
    client, setup, reporter_a, county_a
):
    """Energy intensity is scored in March, June, September and December: in October an empty
    cell is expected, says so, and does not stop the month from being submitted."""
    from indicators.models import RuleSetIndicator

    energy = IndicatorFactory(
        code="energy", name="单位GDP能耗", category=setup["gdp"].category, kind="rate"
    )
    rc = RuleSetIndicator.objects.filter(indicator=setup["gdp"]).first().category
    RuleSetIndicatorFactory(
        ruleset=rc.ruleset, indicator=energy, category=rc, weight=D("0"), frequency="quarterly"
    )
    client.force_login(reporter_a)
    page = client.get(form_url(county_a, setup["october"])).content.decode()
    assert "季度指标，本月不考核" in page
    data = post_data(value_gdp="330", prior_gdp="300", value_air="86", prior_air="85")
    data["action"] = "submit"
    response = client.post(form_url(county_a, setup["october"]), data)
    assert response.status_code == 302
    submission = Submission.objects.get(county=county_a, period=setup["october"])
    assert submission.status == "submitted"


def test_text_fields_have_a_length_limit(client, setup, reporter_a, reviewer, county_a):
    client.force_login(reporter_a)
    url = form_url(county_a, setup["october"])
    data = post_data(value_gdp="330", prior_gdp="300", value_air="86", prior_air="85")
    response = client.post(url, {**data, "note_gdp": "说" * 501})
    assert response.status_code == 400 and "说明不能超过 500 个字" in response.content.decode()
    assert not Submission.objects.filter(county=county_a, period=setup["october"]).exists()
    client.post(url, {**data, "action": "submit"})
    submission = Submission.objects.get(county=county_a, period=setup["october"])
    assert submission.status == "submitted"
    client.force_login(reviewer)
    returned = reverse("submission_return", args=[submission.pk])
    page = client.post(returned, {"reason": "因" * 2000}, follow=True).content.decode()
    assert "原因不能超过 500 个字" in page
    # a megabyte of reason (3 MB of UTF-8) is past what Django reads from a form: a 400 page
    huge = client.post(returned, {"reason": "因" * 1_000_000})
    assert huge.status_code == 400 and "请求的格式不正确" in huge.content.decode()
    submission.refresh_from_db()
    assert submission.status == "submitted" and submission.return_reason == ""


# ------------------------------------------------------------------------ audit trail


def test_the_trail_shows_a_figure_set_to_zero_and_a_cleared_one(
    client, setup, reporter_a, county_a
):
    client.force_login(reporter_a)
    url = form_url(county_a, setup["october"])
    data = post_data(value_gdp="330", prior_gdp="300", value_air="86", prior_air="85")
    client.post(url, data)
    submission = Submission.objects.get(county=county_a, period=setup["october"])
    client.post(url, {**data, "version": str(submission.version), "value_air": "0"})
    client.post(url, {**data, "version": str(submission.version + 1), "value_air": ""})
    air = [
        (line.old, line.new)
        for line in submission_trail(submission)
        if line.what == "空气质量优良天数比例" and line.field == "本年累计"
    ]
    assert air == [(D("0"), None), (D("86"), D("0")), (None, D("86"))]  # newest first


@pytest.mark.django_db
def test_loading_the_demo_gives_every_value_a_first_record():
    """loaddata writes no history: the loader adds a first record, so the trail of a later edit
    shows the figure it replaced."""
    from django.core.management import call_command

    call_command("load_demo_city", verbosity=0, force=True)
    value = SubmissionValue.objects.filter(value__isnull=False).first()
    first = SubmissionValue.history.filter(id=value.pk).order_by("history_date").first()
    assert first is not None and first.history_change_reason == "demo"
    assert first.value == value.value
    call_command("load_demo_city", verbosity=0, force=True)  # again: no second first record
    assert SubmissionValue.history.filter(id=value.pk).count() == 1


@pytest.fixture
def last_october(setup, county_a):
    """2025-10 approved: what the 2026-10 form prefills as 上年同期."""
    period = PeriodFactory(year=2025, month=10, is_open=False)
    now = timezone.now()
    approved = SubmissionFactory(
        county=county_a, period=period, status="approved", submitted_at=now, reviewed_at=now
    )
    SubmissionValueFactory(submission=approved, indicator=setup["air"], value=D("84"))
    return SubmissionValueFactory(
        submission=approved, indicator=setup["gdp"], value=D("290.5"), prior_value=D("270")
    )


def prior_lines(submission):
    return [
        (line.what, line.old, line.new, line.prefilled)
        for line in submission_trail(submission)
        if line.field == "上年同期"
    ]


def test_the_trail_does_not_list_a_kept_prefill_of_last_years_figure(
    client, setup, last_october, reporter_a, county_a
):
    client.force_login(reporter_a)
    url = form_url(county_a, setup["october"])
    page = client.get(url).content.decode()
    assert 'name="prior_gdp" value="290.5"' in page and 'name="prior_air" value="84"' in page
    data = post_data(value_gdp="330", prior_gdp="290.5", value_air="86", prior_air="84")
    client.post(url, data)  # saved without touching 上年同期
    submission = Submission.objects.get(county=county_a, period=setup["october"])
    assert prior_lines(submission) == []
    values = {(line.what, line.field) for line in submission_trail(submission)}
    assert {("地区生产总值", "本年累计"), ("空气质量优良天数比例", "本年累计")} <= values
    # a later change of the kept figure starts from it
    client.post(url, {**data, "version": str(submission.version), "prior_gdp": "291"})
    assert prior_lines(submission) == [("地区生产总值", D("290.5"), D("291"), False)]


def test_the_trail_shows_a_replaced_or_cleared_prefill_with_the_figure_offered(
    client, setup, last_october, reporter_a, reviewer, county_a
):
    client.force_login(reporter_a)
    url = form_url(county_a, setup["october"])
    client.post(url, post_data(value_gdp="330", prior_gdp="300", value_air="86", prior_air=""))
    submission = Submission.objects.get(county=county_a, period=setup["october"])
    assert sorted(prior_lines(submission)) == [
        ("地区生产总值", D("290.5"), D("300"), True),
        ("空气质量优良天数比例", D("84"), None, True),
    ]
    client.force_login(reviewer)
    body = client.get(reverse("submission_history", args=[submission.pk])).content.decode()
    assert body.count("按上年审核数预填") == 2


def test_a_revision_of_last_years_figure_after_the_first_save_leaves_the_kept_prefill_unlisted(
    client, setup, last_october, reporter_a, county_a
):
    client.force_login(reporter_a)
    url = form_url(county_a, setup["october"])
    client.post(url, post_data(value_gdp="330", prior_gdp="290.5", value_air="86", prior_air="84"))
    last_october.value = D("295")  # last year's October revised later (reopened, approved)
    last_october.save()
    submission = Submission.objects.get(county=county_a, period=setup["october"])
    assert prior_lines(submission) == []


@pytest.mark.parametrize(
    ("channel", "listed"),
    [
        ("upload", []),  # the Excel template is prefilled as the form is
        (
            "api",  # the API (like the admin) offers no prefill: the figure sent is the sender's
            [
                ("地区生产总值", None, D("290.5"), False),
                ("空气质量优良天数比例", None, D("84"), False),
            ],
        ),
    ],
)
def test_only_a_prefilled_channel_keeps_last_years_figure_out_of_the_trail(
    setup, last_october, reporter_a, county_a, channel, listed
):
    result = services.submission_save(
        county=county_a,
        period=setup["october"],
        user=reporter_a,
        entries={"gdp": Entry(D("330"), D("290.5"), ""), "air": Entry(D("86"), D("84"), "")},
        expected_version=None,
        channel=channel,
    )
    assert sorted(prior_lines(result.submission)) == listed


def test_the_trail_takes_a_fixed_number_of_queries(
    client, setup, last_october, reporter_a, county_a, django_assert_max_num_queries
):
    client.force_login(reporter_a)
    url = form_url(county_a, setup["october"])
    data = post_data(value_gdp="330", prior_gdp="300", value_air="86", prior_air="84")
    client.post(url, data)
    submission = Submission.objects.select_related("county", "period").get(
        county=county_a, period=setup["october"]
    )
    client.post(url, {**data, "version": str(submission.version), "prior_air": "85"})
    with django_assert_max_num_queries(5):
        submission_trail(submission)
