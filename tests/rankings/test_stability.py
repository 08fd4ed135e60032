"""Rank stability analyses: the service (claim, progress, result), the task, the pages."""

from __future__ import annotations

import datetime
import json
import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from rankings import tasks
from rankings.models import StabilityJob
from rankings.presentation.charts import rank_distribution
from rankings.services import stability
from tests.factories import PeriodFactory, RuleSetCategoryFactory, RuleSetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    """The stability tasks handed to the broker."""
    calls = []
    monkeypatch.setattr(tasks.stability_run, "apply_async", lambda *a, **kw: calls.append((a, kw)))
    return calls


def _job(city, *, samples=120, spread="0.5", seed=7, **extra) -> StabilityJob:
    return StabilityJob.objects.create(
        ruleset=city["ruleset"],
        period=city["october"],
        samples=samples,
        spread=Decimal(spread),
        seed=seed,
        **extra,
    )


# ---------------------------------------------------------------------------------- starting


def test_start_creates_a_queued_job_and_enqueues_it_on_commit(
    city, reviewer, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = stability.stability_start(
            ruleset=city["ruleset"],
            period=city["october"],
            samples=300,
            spread=Decimal("0.2"),
            seed=4,
            user=reviewer,
        )
        assert sent == []
    assert (job.status, job.done, job.samples, job.created_by) == ("queued", 0, 300, reviewer)
    assert len(callbacks) == 1
    callbacks[0]()
    assert sent[0][1]["args"] == [job.pk]


def test_start_refuses_county_users(city, reporter_a):
    with pytest.raises(PermissionDenied):
        stability.stability_start(ruleset=city["ruleset"], period=city["october"], user=reporter_a)


def test_start_checks_its_arguments(city, reviewer):
    empty = PeriodFactory(year=2026, month=11)
    other_year = RuleSetFactory(year=2025, status="draft")
    cases = [
        ({"period": empty}, "period"),
        ({"ruleset": other_year}, "period"),
        ({"samples": 5000}, "samples"),
        ({"spread": Decimal("0.95")}, "spread"),
    ]
    for change, field in cases:
        kwargs = {"ruleset": city["ruleset"], "period": city["october"], "user": reviewer}
        with pytest.raises(ValidationError) as info:
            stability.stability_start(**{**kwargs, **change})
        assert field in info.value.message_dict
    assert not StabilityJob.objects.exists()


def test_broker_down_marks_the_job_failed(
    city, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is away")

    monkeypatch.setattr(tasks.stability_run, "apply_async", down)
    with django_capture_on_commit_callbacks(execute=True):
        job = stability.stability_start(
            ruleset=city["ruleset"], period=city["october"], user=reviewer
        )
    job.refresh_from_db()
    assert job.status == "failed"
    assert "任务队列不可用" in job.error


# --------------------------------------------------------------------------------- computing


def test_compute_reports_progress_per_chunk_and_stores_the_result(city, monkeypatch):
    job = _job(city, samples=120)
    seen = []
    real = stability.rank_stability

    def spy(**kwargs):
        report = kwargs["progress"]

        def progress(done, total):
            report(done, total)
            seen.append((StabilityJob.objects.get(pk=job.pk).done, total))

        return real(**{**kwargs, "progress": progress})

    monkeypatch.setattr(stability, "rank_stability", spy)
    job = stability.stability_compute(job=job)
    assert seen == [(50, 120), (100, 120), (120, 120)]
    assert (job.status, job.done, job.error) == ("succeeded", 120, "")
    assert job.started_at <= job.finished_at
    result = job.result
    assert result["period"] == "2026-10"
    assert [c["code"] for c in result["counties"]] == ["369901", "369902", "369903"]  # no zone
    first = result["counties"][0]
    assert set(first) == {
        "code", "name", "group", "base_rank", "base_total", "min", "q1", "median", "q3",
        "max", "share_at_base", "firm", "ranks",
    }  # fmt: skip
    assert (first["name"], first["base_rank"], first["base_total"]) == ("东城区", 1, 96.0)
    assert all(len(c["ranks"]) == 120 for c in result["counties"])
    assert all(c["min"] <= c["median"] <= c["max"] for c in result["counties"])
    assert result["counties"][2]["ranks"] == [3] * 120  # last on both indicators


def test_the_same_seed_gives_the_same_result(city):
    a = stability.stability_compute(job=_job(city, seed=9))
    b = stability.stability_compute(job=_job(city, seed=9))
    c = stability.stability_compute(job=_job(city, seed=10))
    assert a.result["counties"] == b.result["counties"]
    ranks = [x["ranks"] for x in a.result["counties"]]
    assert {r for row in ranks[:2] for r in row} == {1, 2}  # ±50%: the first two swap at times
    assert ranks != [x["ranks"] for x in c.result["counties"]]


def test_spread_zero_holds_every_place(city):
    job = stability.stability_compute(job=_job(city, spread="0", samples=30))
    assert [c["share_at_base"] for c in job.result["counties"]] == [1.0, 1.0, 1.0]
    assert all(c["firm"] for c in job.result["counties"])


def test_a_second_worker_leaves_a_claimed_job_alone(city):
    started = timezone.now()
    job = _job(city, status="running", started_at=started)
    again = stability.stability_compute(job=job)
    assert (again.status, again.result, again.started_at) == ("running", None, started)


def test_a_finished_job_is_not_computed_again(city):
    job = stability.stability_compute(job=_job(city, samples=20))
    finished = job.finished_at
    again = stability.stability_compute(job=job)
    assert (again.status, again.finished_at) == ("succeeded", finished)


def test_a_stale_running_job_is_claimed_again(city):
    job = _job(city, status="running", started_at=timezone.now() - datetime.timedelta(hours=1))
    assert stability.stability_compute(job=job).status == "succeeded"


def test_a_worker_whose_claim_was_taken_stops_without_writing(city, monkeypatch):
    job = _job(city, samples=200)
    real = stability.rank_stability

    def taken_over(**kwargs):
        report = kwargs["progress"]

        def progress(done, total):
            if done == 100:  # another worker restarts the job meanwhile
                StabilityJob.objects.filter(pk=job.pk).update(started_at=timezone.now())
            report(done, total)

        return real(**{**kwargs, "progress": progress})

    monkeypatch.setattr(stability, "rank_stability", taken_over)
    job = stability.stability_compute(job=job)
    assert (job.status, job.done, job.result) == ("running", 50, None)


def test_an_invalid_draft_rule_set_fails_with_its_message(city):
    draft = RuleSetFactory(year=2026, status="draft")
    RuleSetCategoryFactory(ruleset=draft, category=city["gdp"].category, weight=Decimal("50"))
    job = StabilityJob.objects.create(
        ruleset=draft, period=city["october"], samples=10, spread=Decimal("0.2"), seed=0
    )
    job = stability.stability_compute(job=job)
    assert job.status == "failed"
    assert job.error and job.result is None


def test_the_task_runs_the_service(city):
    job = _job(city, samples=30)
    assert tasks.stability_run.run(job.pk) == {"job": job.pk, "status": "succeeded", "done": 30}
    assert tasks.stability_run.run(987654) == {"job": 987654, "status": "missing"}


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_computes_a_job_from_the_redis_queue(city):
    from celery.contrib.testing.worker import start_worker

    from scorecard.celery import app

    job = _job(city, samples=300, spread="0.2")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        tasks.stability_run.apply_async(args=[job.pk])
        start = time.monotonic()
        while time.monotonic() - start < 60:
            job.refresh_from_db()
            if job.is_finished:
                break
            time.sleep(0.2)
    assert (job.status, job.done) == ("succeeded", 300)
    assert job.result["duration_ms"] < 10_000


# ------------------------------------------------------------------------------------ chart


def test_the_figure_has_a_box_per_county_and_the_first_place_on_top():
    fig = rank_distribution(
        names=["东城区", "西城区"],
        base_ranks=[1, 2],
        ranks=[[1, 1, 2], [2, 2, 1]],
        firm=[True, False],
        medians=[1.0, 2.0],
        shares=[2 / 3, 2 / 3],
        n_ranked=2,
    )
    json.dumps(fig)  # JSON-ready
    boxes = [t for t in fig["data"] if t["type"] == "box"]
    assert [b["name"] for b in boxes] == ["东城区", "西城区"]
    assert list(boxes[1]["y"]) == [2, 2, 1]
    assert "名" in boxes[0]["hovertemplate"]
    marker = fig["data"][-1]
    assert marker["type"] == "scatter" and list(marker["y"]) == [1, 2]
    assert "受权重影响" in marker["customdata"][1] and "稳定" in marker["customdata"][0]
    y = fig["layout"]["yaxis"]
    assert tuple(y["range"]) == (2.5, 0.5)  # reversed
    assert "名" in y["title"]["text"]


# ------------------------------------------------------------------------------------ pages


def test_county_users_cannot_run_or_see_analyses(client, city, reporter_a):
    job = _job(city)
    client.force_login(reporter_a)
    assert client.get(reverse("stability")).status_code == 403
    assert client.post(reverse("stability"), {}).status_code == 403
    assert client.get(reverse("stability_detail", kwargs={"pk": job.pk})).status_code == 404
    assert client.get(reverse("stability_status", kwargs={"pk": job.pk})).status_code == 404


def test_anonymous_users_are_sent_to_log_in(client, city):
    response = client.get(reverse("stability"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("who", ["reviewer", "admin_user"])
def test_city_staff_start_an_analysis_and_follow_it(request, client, city, sent, who):
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("stability"))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["period"] == city["october"].pk
    assert form.initial["ruleset"] == city["ruleset"].pk
    data = {
        "ruleset": city["ruleset"].pk,
        "period": city["october"].pk,
        "spread_percent": "30",
        "samples": "200",
        "seed": "5",
    }
    response = client.post(reverse("stability"), data)
    job = StabilityJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("stability_detail", kwargs={"pk": job.pk})
    assert (job.spread, job.samples, job.seed) == (Decimal("0.3"), 200, 5)

    queued = client.get(response["Location"]).content.decode()
    assert 'id="stability-progress"' in queued and "js/stability.js" in queued
    status = client.get(reverse("stability_status", kwargs={"pk": job.pk})).json()
    assert status == {
        "status": "queued",
        "label": "排队中",
        "done": 0,
        "total": 200,
        "finished": False,
        "error": "",
    }

    stability.stability_compute(job=job)
    done = client.get(response["Location"]).content.decode()
    assert 'id="stability-figure"' in done and "plotly" in done
    assert "稳定" in done and "第 1 名" in done
    assert client.get(reverse("stability_status", kwargs={"pk": job.pk})).json()["finished"]


def test_the_form_shows_errors(client, city, reviewer, sent):
    client.force_login(reviewer)
    empty = PeriodFactory(year=2026, month=11)
    data = {
        "ruleset": city["ruleset"].pk,
        "period": empty.pk,
        "spread_percent": "120",
        "samples": "0",
        "seed": "-1",
    }
    response = client.post(reverse("stability"), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"period", "spread_percent", "samples", "seed"}
    assert not StabilityJob.objects.exists()


def test_with_eager_tasks_the_job_finishes_during_the_request(
    client, city, reviewer, settings, django_capture_on_commit_callbacks
):
    """`make run` has no broker: the task runs in-process once the request's work commits."""
    from scorecard.celery import app

    app.conf.task_always_eager = True
    try:
        client.force_login(reviewer)
        data = {
            "ruleset": city["ruleset"].pk,
            "period": city["october"].pk,
            "spread_percent": "20",
            "samples": "300",
            "seed": "0",
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("stability"), data)
    finally:
        app.conf.task_always_eager = False
    job = StabilityJob.objects.get()
    assert job.status == "succeeded"
    assert 'id="stability-figure"' in client.get(response["Location"]).content.decode()


def test_a_failed_job_shows_its_error(client, city, leader):
    job = _job(city, status="failed", error="规则有误")
    client.force_login(leader)
    body = client.get(reverse("stability_detail", kwargs={"pk": job.pk})).content.decode()
    assert "计算失败" in body and "规则有误" in body


def test_the_form_starts_on_the_newest_month_every_county_was_scored_in(client, city, leader):
    """The open month, with counties still reporting, is a poor default."""
    from counties.models import Submission
    from rankings import services

    services.ranking_recompute(period=city["september"], trigger="command")
    Submission.objects.filter(county__code="369903", period=city["october"]).update(
        status="submitted"
    )
    services.ranking_recompute(period=city["october"], trigger="command")
    client.force_login(leader)
    form = client.get(reverse("stability")).context["form"]
    assert form.initial["period"] == city["september"].pk


def test_leaders_read_analyses_and_start_none(client, city, leader, sent):
    """Leaders change nothing: the page and the results, not the form."""
    job = _job(city, status="failed", error="规则有误")
    client.force_login(leader)
    page = client.get(reverse("stability"))
    assert page.status_code == 200 and 'class="card stability-form"' not in page.content.decode()
    assert client.get(reverse("stability_detail", kwargs={"pk": job.pk})).status_code == 200
    data = {"ruleset": city["ruleset"].pk, "period": city["october"].pk, "samples": "50"}
    assert client.post(reverse("stability"), data).status_code == 403
    with pytest.raises(PermissionDenied):
        stability.stability_start(ruleset=city["ruleset"], period=city["october"], user=leader)
    assert StabilityJob.objects.count() == 1
