"""Supervision in the browser: a leader raises a task from a red warning on the warning board;
the county's reporter finds it in the inbox and answers with measures; a reviewer closes it
(销号), then issues the month's bulletin and downloads it as PDF, whose first page is kept as a
PNG with the screenshots."""

import datetime
import subprocess

import pytest
from django.utils import timezone

from rankings import services
from supervision.models import Task
from tests.browser.conftest import SCREENSHOTS, login
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
    tmp_path,
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
    # two unread: September's ranking published, and the task
    assert page.locator(".inbox-link .unread-count").text_content() == "2"
    page.locator(".inbox-link").click()
    page.get_by_role("button", name=f"新的督办事项：{task.number_label}").click()
    page.wait_for_url(f"**/tasks/{task.pk}/")
    shot("task-from-inbox")
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

    # the month's bulletin, issued and downloaded as PDF
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="通报").click()
    page.locator("form button", has_text="起草").click()
    page.wait_for_selector("article.bulletin")
    page.locator("input[name=confirm]").check()
    page.get_by_role("button", name="印发", exact=True).click()
    page.wait_for_selector("li.message.success")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").click()
    pdf = tmp_path / "bulletin.pdf"
    pdf.write_bytes(download.value.path().read_bytes())
    assert pdf.read_bytes().startswith(b"%PDF")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf),
         str(SCREENSHOTS / "supervision-bulletin-page-1")],
        check=True,
    )  # fmt: skip
    assert (SCREENSHOTS / "supervision-bulletin-page-1.png").stat().st_size > 10_000
