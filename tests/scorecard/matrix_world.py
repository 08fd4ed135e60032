"""The permission matrix's world (tests/scorecard/test_permission_matrix.py), built once per
module by `build_matrix_world(media_root)`.

It is the API tests' scored city (tests/api/world.py: counties 369901 "A" and 369902 "B",
September and October approved, ranked and published, October recomputed and unpublished,
targets v1 published and v2 a draft, September's bulletin issued and October's a draft) with
what the pages need besides:

- a department (市财政局) entering one indicator for every county, and its reporter;
- November open: county A's draft and county B's submitted figures, with a note of B's that
  nobody outside B and the city may read (`SECRET`);
- a supervision task for each county, each answered with a PDF attachment; B's title and
  answer carry `SECRET` too;
- a bonus item with its document, a rank-stability analysis, a draft 2026 rule set that
  exempts county B from GDP (不考核);
- October's bulletin drafted by the service (with its document);
- a personal API token, a notification, and a row in every model the admin site lists, so
  that every admin page has an object to open.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from api import services as api_services
from counties.models import Submission
from indicators import services as rule_services
from rankings.models import BonusItem, StabilityJob, Veto
from supervision import services as supervision_services
from supervision.models import Notification
from tests.api.world import build_world
from tests.factories import (
    DepartmentFactory,
    DepartmentMembershipFactory,
    ExemptionFactory,
    IndicatorFactory,
    PeriodFactory,
    SubmissionFactory,
    SubmissionValueFactory,
)

D = Decimal
# Text only county B and the city may read; a page shown to county A's reporter never has it.
SECRET = "北区机密7731"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def build_matrix_world(media_root: Path) -> dict:
    with override_settings(
        MEDIA_ROOT=str(media_root),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        world = build_world()
        world.update(_extras(world))
    return world


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _extras(w: dict) -> dict:
    users, counties = w["users"], w["counties"]
    county_a, county_b = counties["369901"], counties["369902"]
    reviewer = users["reviewer"]

    finance = DepartmentFactory(name="市财政局", name_en="Finance Bureau")
    DepartmentMembershipFactory(user=users["department"], department=finance)
    revenue = IndicatorFactory(
        code="revenue",
        name="一般公共预算收入",
        category=w["gdp"].category,
        department=finance,
        entered_by_department=True,
    )

    november = PeriodFactory(year=2026, month=11)
    draft_a = SubmissionFactory(county=county_a, period=november, status="draft")
    SubmissionValueFactory(submission=draft_a, indicator=w["gdp"], value=D("120"))
    submitted_b = SubmissionFactory(
        county=county_b,
        period=november,
        status=Submission.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    SubmissionValueFactory(
        submission=submitted_b, indicator=w["gdp"], value=D("117"), note=f"{SECRET}：口径调整"
    )

    tasks = {}
    for code, county in (("a", county_a), ("b", county_b)):
        secret = SECRET if code == "b" else "东区"
        task = supervision_services.task_raise(
            draft=supervision_services.TaskDraft(
                county=county,
                period=w["september"],
                source="manual",
                indicators=[w["gdp"]],
                title=f"{secret}GDP整改",
                requirement="按月报告。",
                responsible_unit=county.name,
                responsible_person="王伟",
                deadline=timezone.localdate() + datetime.timedelta(days=30),
            ),
            user=users["leader"],
        )
        reporter = users[f"reporter_{code}"]
        supervision_services.task_answer(
            task=task, user=reporter, text=f"{secret}整改措施", attachment=_pdf("措施.pdf")
        )
        tasks[code] = task
    attachments = {code: task.actions.exclude(attachment="").get() for code, task in tasks.items()}

    bonus = BonusItem(county=county_a, period=w["october"], points=D("1"), reason="招商引资突出")
    bonus.document.save("通报.pdf", _pdf("通报.pdf"), save=False)
    bonus.save()
    Veto.objects.create(county=county_b, year=2026, reason="安全生产事故")
    job = StabilityJob.objects.create(
        ruleset=w["ruleset"], period=w["october"], samples=50, spread=D("0.2"), seed=1
    )
    ruleset_draft = rule_services.ruleset_new_version(source=w["ruleset"], user=users["admin"])
    # 不考核 in the draft: the admin's exemption pages have an object (with its history)
    ExemptionFactory(ruleset=ruleset_draft, county=county_b, indicator=w["gdp"], reason="测试")

    api_services.token_create(
        user=users["admin"], name="matrix", days=api_services.token_days_offered()[0]
    )
    Notification.objects.create(
        user=users["reporter_a"], kind="deadline", key="matrix", title="请按时报送", url="/"
    )
    AccessAttempt.objects.create(
        username="someone", ip_address="127.0.0.9", user_agent="x", failures_since_start=1
    )
    AccessLog.objects.create(username="someone", ip_address="127.0.0.9", user_agent="x")
    AccessFailureLog.objects.create(username="someone", ip_address="127.0.0.9", user_agent="x")
    Group.objects.get_or_create(name="spare")
    # October's draft bulletin drafted as the page drafts it (the API world writes its row
    # directly, without the document the bulletin pages render)
    w["bulletin_draft"].delete()
    bulletin = supervision_services.bulletin_draft(period=w["october"], user=reviewer)
    return {
        "bulletin_draft": bulletin,
        "finance": finance,
        "revenue": revenue,
        "november": november,
        "submission_a": draft_a,
        "submission_b": submitted_b,
        "task_a": tasks["a"],
        "task_b": tasks["b"],
        "attachment_a": attachments["a"],
        "attachment_b": attachments["b"],
        "bonus": bonus,
        "job": job,
        "ruleset_draft": ruleset_draft,
    }


@contextmanager
def matrix_world_in_transaction(django_db_blocker, media: Path) -> Iterator[dict]:
    """The world for a module's tests, built once inside a transaction that is rolled back when
    the module is done (each test runs in a savepoint of it, the `db` fixture's)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_matrix_world(media)
            world["media"] = media
            yield world
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def world_for_a_test(world: dict, settings, monkeypatch) -> dict:
    """The settings a test of the world runs with: its media folder, fast password hashing, and
    no recompute or stability job queued."""
    from rankings import tasks as ranking_tasks

    settings.MEDIA_ROOT = str(world["media"])
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    monkeypatch.setattr(ranking_tasks.recompute, "apply_async", lambda *a, **kw: None)
    monkeypatch.setattr(ranking_tasks.stability_run, "apply_async", lambda *a, **kw: None)
    return world
