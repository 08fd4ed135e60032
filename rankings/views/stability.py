"""Rank stability pages: start an analysis, follow its progress, read its result."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from counties.models import County

from ..access import can_read_stability, can_run_stability, stability_job_visible_or_404
from ..forms import StabilityForm
from ..models import StabilityJob
from ..presentation import charts
from ..selectors.stability import stability_jobs_recent
from ..services import stability_start


@login_required
def stability(request: HttpRequest) -> HttpResponse:
    """排名稳定性分析: the form and the latest analyses."""
    if not can_read_stability(request.user):
        raise PermissionDenied
    may_run = can_run_stability(request.user)
    if request.method == "POST" and not may_run:
        raise PermissionDenied
    form = StabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = stability_start(
                ruleset=form.cleaned_data["ruleset"],
                period=form.cleaned_data["period"],
                samples=form.cleaned_data["samples"],
                spread=form.spread,
                seed=form.cleaned_data["seed"],
                user=request.user,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("stability_detail", pk=job.pk)
    return render(
        request,
        "rankings/stability.html",
        {"form": form, "jobs": stability_jobs_recent(), "may_run": may_run},
    )


def _status(job: StabilityJob) -> dict:
    return {
        "status": job.status,
        "label": job.get_status_display(),
        "done": job.done,
        "total": job.samples,
        "finished": job.is_finished,
        "error": job.error,
    }


@login_required
def stability_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = stability_job_visible_or_404(request.user, pk)
    figure = None
    counties = []
    if job.status == StabilityJob.Status.SUCCEEDED and job.result:
        # names in the active language, by code (the stored result keeps the Chinese name)
        names = {c.code: c.display_name for c in County.objects.all()}
        counties = [{**c, "name": names.get(c["code"], c["name"])} for c in job.result["counties"]]
        figure = charts.rank_distribution(
            names=[c["name"] for c in counties],
            base_ranks=[c["base_rank"] for c in counties],
            ranks=[c["ranks"] for c in counties],
            firm=[c["firm"] for c in counties],
            medians=[c["median"] for c in counties],
            shares=[c["share_at_base"] for c in counties],
            n_ranked=len(counties),
        )
    return render(
        request,
        "rankings/stability_detail.html",
        {
            "job": job,
            "spread_percent": job.spread * 100,
            "counties": counties,
            "grouped": bool(job.result and job.result.get("grouped")),
            "firm_percent": int(round((job.result or {}).get("firm_share", 0.9) * 100)),
            "figure": figure,
            "status_url": reverse("stability_status", kwargs={"pk": job.pk}),
        },
    )


@login_required
def stability_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's progress, polled once a second by static/js/stability.js."""
    job = stability_job_visible_or_404(request.user, pk)
    return JsonResponse(_status(job))
