"""Writes for supervision tasks (督办事项), each in one transaction, each step kept in the trail
(TaskAction) with who took it and when.

    open ──answer──▶ answered ──close──▶ closed
      ▲                 │
      └──── returned ◀──┘ return (with a reason); a returned task is answered again

A county reports progress at any step before closing. Each new ranking run checks the open
tasks of its county against its figures: when every indicator of a task is green or out of the
lagging third, the task is flagged 可销号 (ready to close) with the figures.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from counties.models import County, Period
from indicators.models import Indicator
from rankings.models import IndicatorReference, IndicatorResult, ProgressResult, RankingRun
from rankings.selectors.profile import is_short_board
from rankings.services.bonus import document_check
from scorecard.roles import AnyUser

from ..models import ANSWER_MAX, REQUIREMENT_MAX, Task, TaskAction
from .notifications import notify_task_answered, notify_task_assigned, notify_task_returned

TITLE_MAX = 120
NAME_MAX = {"responsible_unit": 80, "responsible_person": 40}


@dataclass(frozen=True)
class TaskDraft:
    """What the raise form collects."""

    county: County
    period: Period
    source: str
    indicators: list[Indicator]
    title: str
    requirement: str
    responsible_unit: str
    responsible_person: str
    deadline: datetime.date | None


def _problems(draft: TaskDraft) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if draft.source not in Task.Source.values:
        add("source", _("请选择督办来源。"))
    if draft.source != Task.Source.MANUAL and not draft.indicators:
        add("indicators", _("请至少选择一项督办指标。"))
    for field, limit in (("title", TITLE_MAX), ("requirement", REQUIREMENT_MAX), *NAME_MAX.items()):
        value = getattr(draft, field).strip()
        if not value:
            add(field, _("此项必填。"))
        elif len(value) > limit:
            add(field, _("最多 %(max)s 个字符，现有 %(n)s 个。") % {"max": limit, "n": len(value)})
    if draft.deadline is None:
        add("deadline", _("请填写办结时限（日期）。"))
    elif draft.deadline < timezone.localdate():
        add("deadline", _("办结时限不能早于今天。"))
    return errors


def _milestones(period: Period, county: County, indicators: list[Indicator]) -> dict:
    """The catch-up plan of the period's current run for the task's indicators (追赶计划)."""
    rows = ProgressResult.objects.filter(
        run__period=period, run__is_current=True, county=county, indicator__in=indicators
    ).values_list("indicator__code", "plan")
    return {code: plan for code, plan in rows if plan}


def _act(
    task: Task,
    kind: str,
    user: AnyUser | None,
    text: str = "",
    attachment: UploadedFile | None = None,
) -> TaskAction:
    action = TaskAction(
        task=task,
        kind=kind,
        text=text,
        status_after=task.status,
        user=user if user is not None and user.is_authenticated else None,
    )
    if attachment is not None:
        action.attachment.save(PurePath(attachment.name or "").name, attachment, save=False)
    action.save()
    return action


@transaction.atomic
def task_raise(*, draft: TaskDraft, user: AnyUser) -> Task:
    errors = _problems(draft)
    if errors:
        raise ValidationError(errors)
    assert draft.deadline is not None
    County.objects.select_for_update().filter(pk=draft.county.pk).first()  # numbers in turn
    year = draft.period.year
    last = Task.objects.filter(year=year).aggregate(n=Max("number"))["n"] or 0
    task = Task.objects.create(
        year=year,
        number=last + 1,
        county=draft.county,
        source=draft.source,
        period=draft.period,
        title=draft.title.strip(),
        requirement=draft.requirement.strip(),
        responsible_unit=draft.responsible_unit.strip(),
        responsible_person=draft.responsible_person.strip(),
        deadline=draft.deadline,
        milestones=_milestones(draft.period, draft.county, draft.indicators),
        created_by=user if user.is_authenticated else None,
    )
    task.indicators.set(draft.indicators)
    _act(task, TaskAction.Kind.RAISE, user, task.requirement)
    notify_task_assigned(task)
    return task


def _locked(task: Task) -> Task:
    return Task.objects.select_for_update().get(pk=task.pk)


def _text(text: str, field: str, *, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({field: [_("此项必填。")]})
    if len(text) > ANSWER_MAX:
        message = _("最多 %(max)s 个字符，现有 %(n)s 个。") % {"max": ANSWER_MAX, "n": len(text)}
        raise ValidationError({field: [message]})
    return text


@transaction.atomic
def task_answer(
    *,
    task: Task,
    user: AnyUser,
    text: str,
    attachment: UploadedFile | None = None,
    progress_only: bool = False,
) -> Task:
    """The county's measures (整改措施), which make the task answered, or a progress report
    (进展), which leaves its state as it is."""
    text = _text(text, "text", required=True)
    if attachment is not None:
        try:
            document_check(attachment)
        except ValidationError as exc:
            raise ValidationError({"attachment": exc.messages}) from exc
    locked = _locked(task)
    if locked.is_closed:
        raise ValidationError(_("该事项已销号，不能再答复。"))
    if not progress_only:
        locked.status = Task.Status.ANSWERED
        locked.save(update_fields=["status", "updated_at"])
    kind = TaskAction.Kind.PROGRESS if progress_only else TaskAction.Kind.ANSWER
    action = _act(locked, kind, user, text, attachment)
    if not progress_only:
        notify_task_answered(locked, action.pk)
    return locked


@transaction.atomic
def task_return(*, task: Task, user: AnyUser, reason: str) -> Task:
    reason = _text(reason, "reason", required=True)
    locked = _locked(task)
    if locked.status != Task.Status.ANSWERED:
        raise ValidationError(_("只能退回已答复的事项。"))
    locked.status = Task.Status.RETURNED
    locked.save(update_fields=["status", "updated_at"])
    action = _act(locked, TaskAction.Kind.RETURN, user, reason)
    notify_task_returned(locked, action.pk, reason)
    return locked


@transaction.atomic
def task_close(*, task: Task, user: AnyUser, note: str = "") -> Task:
    """销号: an answered task, or one whose figures show it done (可销号)."""
    note = _text(note, "note", required=False)
    locked = _locked(task)
    if locked.is_closed:
        raise ValidationError(_("该事项已销号。"))
    if locked.status != Task.Status.ANSWERED and not locked.ready_to_close:
        raise ValidationError(_("县区答复整改措施后（或数据显示已达标后）才能销号。"))
    locked.status = Task.Status.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    _act(locked, TaskAction.Kind.CLOSE, user, note)
    return locked


# ------------------------------------------------------------------ checking tasks against data


@dataclass(frozen=True)
class IndicatorCheck:
    indicator: Indicator
    level: str  # the warning colour, "" when none
    rank: int | None
    n_ranked: int
    ok: bool  # green, or out of the lagging third


@dataclass(frozen=True)
class RunFigures:
    """What the checks read of a run for some counties and indicators, in four queries
    whatever the number of tasks: warning colours and places by (county, indicator), each
    county's peer group, and how many counties are ranked per (indicator, peer group)."""

    levels: dict[tuple[int, int], str]
    ranks: dict[tuple[int, int], int | None]
    groups: dict[int, str]
    ranked: dict[tuple[int, str], int]

    @classmethod
    def read(cls, run: RankingRun, counties: set[int], indicators: set[int]) -> RunFigures:
        levels = {
            (c, i): level or ""
            for c, i, level in ProgressResult.objects.filter(
                run=run, county_id__in=counties, indicator_id__in=indicators
            ).values_list("county_id", "indicator_id", "level")
        }
        ranks = {
            (c, i): rank
            for c, i, rank in IndicatorResult.objects.filter(
                run=run, county_id__in=counties, indicator_id__in=indicators
            ).values_list("county_id", "indicator_id", "rank")
        }
        groups = dict(
            run.county_results.filter(county_id__in=counties).values_list("county_id", "peer_group")
        )
        ranked = {
            (i, g): int(n)
            for i, g, n in IndicatorReference.objects.filter(
                run=run, indicator_id__in=indicators
            ).values_list("indicator_id", "peer_group", "ranked")
        }
        return cls(levels, ranks, groups, ranked)


def task_checks(
    task: Task, run: RankingRun, figures: RunFigures | None = None
) -> list[IndicatorCheck]:
    """Each of the task's indicators in `run`: its warning colour and its place. `figures`:
    the run's figures already read for several tasks."""
    indicators = list(task.indicators.all())
    if figures is None:
        figures = RunFigures.read(run, {task.county_id}, {i.pk for i in indicators})
    group = figures.groups.get(task.county_id) or ""
    out = []
    for indicator in indicators:
        key = (task.county_id, indicator.pk)
        rank = figures.ranks.get(key)
        n = figures.ranked.get((indicator.pk, group), 0)
        level = figures.levels.get(key, "")
        out_of_lagging = rank is not None and not is_short_board(rank, n)
        ok = level == ProgressResult.Level.GREEN or out_of_lagging
        out.append(IndicatorCheck(indicator, level, rank, n, ok))
    return out


def _note(run: RankingRun, checks: list[IndicatorCheck]) -> str:
    level_names = dict(ProgressResult.Level.choices)
    parts = []
    for c in checks:
        place = (
            _("第%(rank)s名（共%(n)s）") % {"rank": c.rank, "n": c.n_ranked}
            if c.rank is not None
            else _("无名次")
        )
        colour = level_names.get(c.level, "–") if c.level else "–"
        parts.append(
            _("%(indicator)s：预警%(level)s，%(place)s")
            % {"indicator": c.indicator.display_name, "level": colour, "place": place}
        )
    return _("%(period)s数据：%(parts)s。") % {"period": run.period, "parts": "；".join(parts)}


def tasks_check_run(*, run: RankingRun) -> list[Task]:
    """Flag the open tasks that `run`'s figures show done (可销号): every indicator green or out
    of the lagging third, in a month after the one the task was raised from. Returns the tasks
    newly flagged; a task whose figures fall back loses the flag. One query when no task is
    open for the run's year (after every recompute)."""
    concerned = (
        Task.objects.filter(period__year=run.period.year, period__month__lt=run.period.month)
        .exclude(status=Task.Status.CLOSED)
        .values_list("pk", flat=True)
    )
    ids = list(concerned)
    if not ids:
        return []
    with transaction.atomic():
        return _check_tasks(run, ids)


def _check_tasks(run: RankingRun, ids: list[int]) -> list[Task]:
    flagged = []
    tasks = list(
        Task.objects.select_for_update()
        .filter(pk__in=ids)
        .exclude(status=Task.Status.CLOSED)
        .prefetch_related("indicators")
    )
    figures = RunFigures.read(
        run,
        {t.county_id for t in tasks},
        {i.pk for t in tasks for i in t.indicators.all()},
    )
    for task in tasks:
        checks = task_checks(task, run, figures)
        if not checks:
            continue
        done = all(c.ok for c in checks)
        if done and not task.ready_to_close:
            task.ready_to_close = True
            task.ready_note = _note(run, checks)
            task.save(update_fields=["ready_to_close", "ready_note", "updated_at"])
            _act(task, TaskAction.Kind.READY, None, task.ready_note)
            flagged.append(task)
        elif not done and task.ready_to_close:
            task.ready_to_close = False
            task.ready_note = ""
            task.save(update_fields=["ready_to_close", "ready_note", "updated_at"])
    return flagged
