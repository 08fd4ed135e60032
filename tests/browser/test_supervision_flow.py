"""Supervision in the browser: a leader raises a task from a red warning on the warning board;
the county's reporter finds it on the home page and answers with measures; a reviewer closes
it (销号)."""

import datetime

import pytest
from django.utils import timezone

from rankings import services
from supervision.models import Task
from tests.browser.conftest import login
from tests.rankings.conftest import city, targets  # noqa: F401 - the small scored city

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_task_from_a_red_warning_to_its_closing(
    page,
    live_server,
    city,  # noqa: F811
    targets,  # noqa: F811
    leader,
    reviewer,
    reporter_a,
    shot,
):
    run = services.ranking_recompute(period=city["september"], trigger="command").run
    services.ranking_publish(run=run, user=reviewer, confirm_missing=True)
    base = live_server.url

    login(page, base, leader.username)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="预警看板").click()
    row = page.locator("table.warning-board tr", has_text="东城区")
    row.get_by_role("link", name="督办").click()
    page.wait_for_selector("form.task-form")
    assert page.locator("input[name=indicators]:checked").count() == 1  # the red indicator
    page.fill("#id_responsible_person", "王伟")
    deadline = timezone.localdate() + datetime.timedelta(days=20)
    page.fill("#id_deadline", deadline.isoformat())
    shot("task-raise")
    page.get_by_role("button", name="交办").click()
    page.wait_for_selector("li.message.success")
    task = Task.objects.get()
    assert task.county.code == "369901" and task.created_by == leader

    page.context.clear_cookies()
    login(page, base, reporter_a.username)
    page.locator("p.task-summary").get_by_role("link", name="督办事项").click()
    page.get_by_role("link", name=task.number_label).click()
    page.fill("#id_text", "一、建立重点商贸企业包联制度；二、举办促消费活动。")
    page.get_by_role("button", name="答复整改措施").click()
    page.wait_for_selector("li.message.success")
    task.refresh_from_db()
    assert task.status == "answered"

    page.context.clear_cookies()
    login(page, base, reviewer.username)
    page.goto(f"{base}/tasks/{task.pk}/")
    page.fill("#review-form textarea", "措施具体，同意销号。")
    page.get_by_role("button", name="销号").click()
    page.wait_for_selector("li.message.success")
    task.refresh_from_db()
    assert task.status == "closed"
    assert [a.kind for a in task.actions.all()] == ["raise", "answer", "close"]
    shot("task-closed")
