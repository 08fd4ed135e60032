"""Supervision tasks (督办): raised from a red warning with the catch-up plan's milestones,
answered by the county, returned or closed by the city, every step in the trail; who may take
which step; overdue marks; 可销号 when a later month's figures show the indicators out of
trouble."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from counties.models import SubmissionValue
from rankings import services as ranking_services
from rankings.models import ProgressResult
from supervision import services
from supervision.models import Task, TaskAction

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def september(city, targets, reviewer):
    """September scored and published against the year's targets: 东城区 (369901, reporter_a's
    county) is red on retail sales (value target 120, far behind the calendar)."""
    run = ranking_services.ranking_recompute(period=city["september"], trigger="command").run
    ranking_services.ranking_publish(run=run, user=reviewer, confirm_missing=True)
    red = ProgressResult.objects.get(run=run, county__code="369901", indicator__code="retail")
    assert red.level == "red"
    return run


def _raise(client, city, user, **changes):
    client.force_login(user)
    params = {"county": "369901", "period": "2026-09", "source": "warning"}
    page = client.get(reverse("task_new"), params)
    assert page.status_code == 200
    form = page.context["form"]
    data = {
        **params,
        "indicators": [i.pk for i in form.initial["indicators"]]
        if hasattr(form.initial["indicators"][0], "pk")
        else form.initial["indicators"],
        "title": form.initial["title"],
        "requirement": form.initial["requirement"],
        "responsible_unit": form.initial["responsible_unit"],
        "responsible_person": "王伟",
        "deadline": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
        **changes,
    }
    return client.post(reverse("task_new"), data)


def test_a_leader_raises_a_task_from_a_red_warning(client, city, september, leader):
    response = _raise(client, city, leader)
    task = Task.objects.get()
    assert response.status_code == 302 and response.url == reverse("task_detail", args=[task.pk])
    assert task.number_label == "督〔2026〕1号" and task.status == "open"
    assert [i.code for i in task.indicators.all()] == ["retail"]  # the red one, preselected
    assert task.source == "warning" and task.period == city["september"]
    assert "东城区" in task.title and task.responsible_unit == "东城区"
    # the catch-up plan of September: retail's cumulative values due by October..November
    plan = ProgressResult.objects.get(
        run=september, county__code="369901", indicator__code="retail"
    )
    assert task.milestones == {"retail": plan.plan} and plan.plan
    first = task.actions.get()
    assert first.kind == "raise" and first.user == leader and first.status_after == "open"


def test_the_whole_round_and_who_may_take_each_step(
    client, city, september, leader, reviewer, reporter_a, reporter_b
):
    _raise(client, city, leader)
    task = Task.objects.get()
    detail = reverse("task_detail", args=[task.pk])
    answer, review = reverse("task_answer", args=[task.pk]), reverse("task_review", args=[task.pk])

    client.force_login(reporter_b)  # another county's reporter sees nothing of it
    assert client.get(detail).status_code == 404
    assert client.post(answer, {"text": "x", "kind": "answer"}).status_code == 404
    assert "督〔2026〕1号" not in client.get(reverse("task_list")).content.decode()

    client.force_login(leader)  # leaders raise but do not answer or review
    assert client.post(answer, {"text": "x", "kind": "answer"}).status_code == 403
    assert client.post(review, {"decision": "close"}).status_code == 403

    client.force_login(reviewer)  # nothing to return or close before an answer
    assert client.post(review, {"decision": "return", "text": "不具体"}).status_code == 400
    assert client.post(review, {"decision": "close"}).status_code == 400
    task.refresh_from_db()
    assert task.status == "open"

    client.force_login(reporter_a)  # the county answers with measures and an attachment
    assert client.post(review, {"decision": "close"}).status_code == 403
    pdf = SimpleUploadedFile("措施.pdf", PDF, content_type="application/pdf")
    response = client.post(
        answer, {"text": "一、加快重点项目入库。", "kind": "answer", "attachment": pdf}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "answered"
    client.post(answer, {"text": "10月新入库项目3个。", "kind": "progress"})
    task.refresh_from_db()
    assert task.status == "answered"  # a progress report changes no state

    client.force_login(reviewer)
    assert client.post(review, {"decision": "return", "text": ""}).status_code == 400  # a reason
    client.post(review, {"decision": "return", "text": "措施不够具体，请细化到项目。"})
    task.refresh_from_db()
    assert task.status == "returned"
    client.force_login(reporter_a)
    client.post(answer, {"text": "细化后的措施。", "kind": "answer"})
    client.force_login(reviewer)
    client.post(review, {"decision": "close", "text": "同意销号。"})
    task.refresh_from_db()
    assert task.status == "closed" and task.closed_at is not None

    client.force_login(reporter_a)  # closed: nothing more to answer
    assert client.post(answer, {"text": "x", "kind": "progress"}).status_code == 403
    trail = [(a.kind, a.status_after, a.user.username) for a in task.actions.all()]
    assert trail == [
        ("raise", "open", "leader"),
        ("answer", "answered", "reporter_a"),
        ("progress", "answered", "reporter_a"),
        ("return", "returned", "reviewer"),
        ("answer", "answered", "reporter_a"),
        ("close", "closed", "reviewer"),
    ]
    attached = task.actions.get(kind="answer", attachment__gt="")
    url = reverse("task_attachment", args=[attached.pk])
    assert client.get(url).status_code == 200
    client.force_login(reporter_b)
    assert client.get(url).status_code == 404


def test_bad_answers_and_bad_raises_change_nothing(client, city, september, leader, reporter_a):
    response = _raise(client, city, leader, deadline="2020-01-01", title="")
    assert response.status_code == 400
    assert "办结时限不能早于今天" in response.content.decode()
    assert set(response.context["form"].errors) == {"title", "deadline"}
    assert not Task.objects.exists()
    client.force_login(leader)
    for params in (
        {"county": "999999", "period": "2026-09"},
        {"county": "369901", "period": "2026-13"},
        {"county": "369901", "period": "x" * 300},
    ):
        assert client.get(reverse("task_new"), params).status_code == 404
    _raise(client, city, leader)
    task = Task.objects.get()
    client.force_login(reporter_a)
    fake = SimpleUploadedFile("措施.pdf", b"MZ not a pdf at all", content_type="application/pdf")
    response = client.post(
        reverse("task_answer", args=[task.pk]),
        {"text": "措施", "kind": "answer", "attachment": fake},
    )
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.status == "open" and task.actions.count() == 1
    long = "长" * 5000
    response = client.post(reverse("task_answer", args=[task.pk]), {"text": long, "kind": "answer"})
    assert response.status_code == 400 and task.actions.count() == 1


def test_overdue_tasks_are_marked_and_counted(client, city, september, leader, reporter_a):
    _raise(client, city, leader)
    Task.objects.update(deadline=timezone.localdate() - datetime.timedelta(days=4))
    task = Task.objects.get()
    assert task.days_overdue() == 4
    client.force_login(reporter_a)
    home = client.get(reverse("home")).content.decode()
    assert "督办事项" in home and "逾期 1 项" in home
    listed = client.get(reverse("task_list"), {"status": "overdue"})
    assert [t.pk for t in listed.context["tasks"]] == [task.pk]
    assert "逾期 4 天" in listed.content.decode()


def test_a_better_month_flags_the_task_ready_to_close(
    city, september, leader, reviewer, django_capture_on_commit_callbacks
):
    retail = city["retail"]
    task = services.task_raise(
        draft=services.TaskDraft(
            county=city["counties"]["369901"],
            period=city["september"],
            source="warning",
            indicators=[retail],
            title="东城区社零整改",
            requirement="加快消费回升。",
            responsible_unit="东城区",
            responsible_person="王伟",
            deadline=timezone.localdate() + datetime.timedelta(days=30),
        ),
        user=leader,
    )
    # October: 东城区's retail sales reach 110 of the 120 target (on schedule) and grow fastest
    SubmissionValue.objects.filter(
        submission__period=city["october"], submission__county__code="369901", indicator=retail
    ).update(value=Decimal("110"))
    with django_capture_on_commit_callbacks(execute=True):
        run = ranking_services.ranking_recompute(period=city["october"], trigger="command").run
    task.refresh_from_db()
    level = ProgressResult.objects.get(run=run, county__code="369901", indicator=retail).level
    assert level == "green"
    assert task.ready_to_close and task.status == "open"
    assert (
        "2026年1-10月数据" in task.ready_note and "社会消费品零售总额：预警绿色" in task.ready_note
    )
    assert task.actions.filter(kind=TaskAction.Kind.READY, user=None).exists()
    # the milestone of October is checked against October's value
    from supervision.selectors import task_milestones

    block = task_milestones(task)[0]
    october = next(m for m in block.milestones if m.month == 10)
    assert october.actual == Decimal("110") and october.met == (Decimal("110") >= october.needed)
    # ready to close: the city may close it without waiting for an answer
    closed = services.task_close(task=task, user=reviewer, note="数据已达标。")
    assert closed.status == "closed"
    with pytest.raises(ValidationError):
        services.task_close(task=closed, user=reviewer)


def test_a_task_by_hand_needs_no_indicator(client, city, september, reviewer):
    client.force_login(reviewer)
    listed = client.get(reverse("task_list")).content.decode()
    assert 'id="manual-task"' in listed and 'value="2026-09"' in listed
    params = {"county": "369902", "period": "2026-09", "source": "manual"}
    form = client.get(reverse("task_new"), params).context["form"]
    assert list(form.initial["indicators"]) == []
    response = client.post(
        reverse("task_new"),
        {
            **params,
            "title": "西城区项目调度",
            "requirement": "每周报告重点项目进度。",
            "responsible_unit": "西城区",
            "responsible_person": "李四",
            "deadline": (timezone.localdate() + datetime.timedelta(days=7)).isoformat(),
        },
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert task.source == "manual" and not task.indicators.exists()
    assert task.milestones == {}
