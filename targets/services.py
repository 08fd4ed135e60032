"""Writes for annual targets. Each function checks rights and state before it saves anything, and
saves all or nothing.

A year's targets live in versions: the first is a draft, edited freely, then published. A change
after publication starts a new draft version with a reason (copied from the published one); when
it is published it replaces the earlier version for progress and warnings. Every change of a
target or schedule is kept by django-simple-history with its channel (grid, import, admin).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from counties.models import County
from indicators.models import WHOLE_UNITS, Indicator
from scorecard.history import bulk_history_create, set_change_reason, set_history_user
from scorecard.roles import AnyUser

from . import selectors
from .access import can_edit_targets
from .models import (
    GROWTH_MAX,
    GROWTH_MIN,
    REASON_MAX,
    TARGET_MAX_DIGITS,
    TARGET_PLACES,
    Schedule,
    Target,
    TargetSet,
)
from .schedules import ScheduleError, check_shares
from .signals import targets_published

CHANNELS = ("grid", "import", "admin")
CITY = None  # the county of a city-wide target or schedule


@dataclass(frozen=True)
class TargetEntry:
    """One cell of the grid: a county's (None: the city's) target on an indicator; value None
    removes the target."""

    county: str | None
    indicator: str
    kind: str
    value: Decimal | None


@dataclass(frozen=True)
class ScheduleEntry:
    """An indicator's split for every county (county None) or for one county; shares None
    removes it (month/12 applies)."""

    indicator: str
    county: str | None
    shares: list[Decimal] | None


@dataclass(frozen=True)
class TargetIssue:
    county: str | None
    indicator: str
    message: str


class TargetsChanged(Exception):
    """Someone saved the set after this user's page was drawn; nothing was saved."""


class TargetsInvalid(Exception):
    """The targets have problems; nothing was saved. `issues` lists every one."""

    def __init__(self, issues: list[TargetIssue]) -> None:
        self.issues = issues
        super().__init__("; ".join(i.message for i in issues))


@dataclass
class SaveSummary:
    changed: int = 0
    removed: int = 0
    schedules: int = 0
    mismatches: list[selectors.SumMismatch] = field(default_factory=list)


def _editor(user: AnyUser) -> User:
    if not isinstance(user, User) or not can_edit_targets(user):
        raise PermissionDenied(_("只有管理员和市统计局审核人员可以维护目标任务。"))
    return user


def _draft_locked(target_set: TargetSet) -> TargetSet:
    locked = TargetSet.objects.select_for_update().get(pk=target_set.pk)
    if locked.is_published:
        raise ValidationError(
            _("%(set)s 已发布，不能直接修改：请新建版本并说明修改原因。") % {"set": locked}
        )
    return locked


@transaction.atomic
def target_set_start(*, year: int, user: AnyUser) -> TargetSet:
    """The year's first draft (version 1); the existing draft if there is one."""
    editor = _editor(user)
    list(TargetSet.objects.select_for_update().filter(year=year).values_list("pk", flat=True))
    draft = TargetSet.objects.filter(year=year, status=TargetSet.Status.DRAFT).first()
    if draft is not None:
        return draft
    if TargetSet.objects.filter(year=year).exists():
        raise ValidationError(
            _("%(year)d 年的目标已发布：修改须新建版本并说明原因。") % {"year": year}
        )
    return TargetSet.objects.create(year=year, version=1, created_by=editor)


@transaction.atomic
def target_set_new_version(*, year: int, reason: str, user: AnyUser) -> TargetSet:
    """A draft copy of the year's published targets, to be changed for the reason given."""
    editor = _editor(user)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请填写修改原因。"))
    if len(reason) > REASON_MAX:
        raise ValidationError(_("修改原因不能超过 %(n)d 个字。") % {"n": REASON_MAX})
    list(TargetSet.objects.select_for_update().filter(year=year).values_list("pk", flat=True))
    if TargetSet.objects.filter(year=year, status=TargetSet.Status.DRAFT).exists():
        raise ValidationError(
            _("%(year)d 年已有未发布的草稿版本，请先完成或删除它。") % {"year": year}
        )
    source = selectors.published_target_set(year)
    if source is None:
        raise ValidationError(_("%(year)d 年还没有已发布的目标。") % {"year": year})
    last = TargetSet.objects.filter(year=year).aggregate(v=Max("version"))["v"] or 0
    draft = TargetSet.objects.create(year=year, version=last + 1, reason=reason, created_by=editor)
    targets = [
        Target(
            target_set=draft,
            county_id=t.county_id,
            indicator_id=t.indicator_id,
            kind=t.kind,
            value=t.value,
        )
        for t in source.targets.all()
    ]
    schedules = [
        Schedule(
            target_set=draft, indicator_id=s.indicator_id, county_id=s.county_id, shares=s.shares
        )
        for s in source.schedules.all()
    ]
    Target.objects.bulk_create(targets)
    Schedule.objects.bulk_create(schedules)
    bulk_history_create(Target, list[Model](targets), f"version {draft.version}")
    bulk_history_create(Schedule, list[Model](schedules), f"version {draft.version}")
    return draft


@transaction.atomic
def target_set_delete(*, target_set: TargetSet, user: AnyUser) -> None:
    _editor(user)
    _draft_locked(target_set).delete()


def _value_problems(indicator: Indicator, kind: str, value: Decimal) -> list[str]:
    """What is wrong with one target value, in words (empty when fine)."""
    unit = indicator.get_unit_display()
    problems = []
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if places > TARGET_PLACES:
        problems.append(_("目标最多保留 %(n)d 位小数。") % {"n": TARGET_PLACES})
    if abs(value) >= Decimal(10) ** (TARGET_MAX_DIGITS - TARGET_PLACES):
        problems.append(_("目标 %(value)s 过大。") % {"value": value})
    if kind == Target.Kind.GROWTH:
        if not GROWTH_MIN <= value <= GROWTH_MAX:
            problems.append(
                _("目标增速应在 %(low)s%% 到 %(high)s%% 之间。")
                % {"low": GROWTH_MIN, "high": GROWTH_MAX}
            )
        return problems
    if value < 0 and not indicator.can_be_negative:
        problems.append(_("%(unit)s的目标不能为负数。") % {"unit": unit})
    if indicator.is_share and value > 100:
        problems.append(_("占比的目标不能超过 100%。"))
    if indicator.unit in WHOLE_UNITS and value != value.to_integral_value():
        problems.append(_("以%(unit)s计的目标应为整数。") % {"unit": unit})
    return problems


def check_targets(
    entries: Iterable[TargetEntry],
    *,
    indicators: dict[str, Indicator],
    counties: dict[str, County],
) -> list[TargetIssue]:
    """Every problem of a set of entries: unknown counties and indicators, kinds, values."""
    issues = []
    seen: set[tuple[str | None, str]] = set()
    for entry in entries:
        key = (entry.county, entry.indicator)

        def issue(message: str, entry: TargetEntry = entry) -> None:
            issues.append(TargetIssue(entry.county, entry.indicator, message))

        if key in seen:
            issue(_("同一县区、同一指标的目标填了两次。"))
            continue
        seen.add(key)
        if entry.county is not None and entry.county not in counties:
            issue(_("行政区划代码“%(code)s”不是本市的县区。") % {"code": entry.county})
            continue
        indicator = indicators.get(entry.indicator)
        if indicator is None:
            issue(_("指标代码“%(code)s”不在本年度考核指标中。") % {"code": entry.indicator})
            continue
        if entry.kind not in Target.Kind.values:
            issue(_("目标类型应为“目标值”或“目标增速”。"))
            continue
        if entry.value is not None:
            for message in _value_problems(indicator, entry.kind, entry.value):
                issue(message)
    return issues


@transaction.atomic
def targets_save(
    *,
    target_set: TargetSet,
    entries: list[TargetEntry],
    schedules: list[ScheduleEntry] | None = None,
    user: AnyUser,
    channel: str,
    expected_fingerprint: str | None = None,
) -> SaveSummary:
    """Write the given cells of a draft: a value sets the target, None removes it. Any problem
    and nothing is saved. With `expected_fingerprint` (selectors.targets_fingerprint of the set
    as the user's page showed it), a set changed since raises TargetsChanged. Returns what
    changed and where county value targets do not add up to the city's (a warning, not an
    error: the city may keep a reserve)."""
    assert channel in CHANNELS, channel
    editor = _editor(user)
    locked = _draft_locked(target_set)
    if expected_fingerprint is not None and (
        selectors.targets_fingerprint(locked) != expected_fingerprint
    ):
        raise TargetsChanged()
    indicators = selectors.target_indicators(locked.year)
    counties = {c.code: c for c in County.objects.filter(is_active=True)}
    issues = check_targets(entries, indicators=indicators, counties=counties)
    for plan in schedules or []:
        indicator = indicators.get(plan.indicator)
        if indicator is None:
            issues.append(
                TargetIssue(
                    plan.county,
                    plan.indicator,
                    _("指标代码“%(code)s”不在本年度考核指标中。") % {"code": plan.indicator},
                )
            )
        elif plan.county is not None and plan.county not in counties:
            issues.append(
                TargetIssue(
                    plan.county,
                    plan.indicator,
                    _("行政区划代码“%(code)s”不是本市的县区。") % {"code": plan.county},
                )
            )
        elif plan.shares is not None:
            if indicator.kind != Indicator.Kind.FLOW:
                issues.append(
                    TargetIssue(
                        plan.county,
                        plan.indicator,
                        _("只有累计值指标可以分月下达进度。"),
                    )
                )
                continue
            try:
                check_shares(plan.shares)
            except ScheduleError as exc:
                issues.append(TargetIssue(plan.county, plan.indicator, str(exc)))
    if issues:
        raise TargetsInvalid(issues)

    summary = SaveSummary()
    county_ids = {code: c.pk for code, c in counties.items()}
    stored = {
        (t.county_id, t.indicator_id): t
        for t in Target.objects.select_for_update().filter(target_set=locked)
    }
    for entry in entries:
        county_id = county_ids[entry.county] if entry.county is not None else None
        indicator = indicators[entry.indicator]
        row = stored.get((county_id, indicator.pk))
        if entry.value is None:
            if row is not None:
                set_change_reason(row, channel)
                set_history_user(row, editor)
                row.delete()
                summary.removed += 1
            continue
        if row is not None and (row.kind, row.value) == (entry.kind, entry.value):
            continue
        if row is None:
            row = Target(target_set=locked, county_id=county_id, indicator=indicator)
        row.kind, row.value = entry.kind, entry.value
        set_change_reason(row, channel)
        set_history_user(row, editor)
        row.save()
        summary.changed += 1
    for plan in schedules or []:
        indicator = indicators[plan.indicator]
        found = Schedule.objects.filter(target_set=locked, indicator=indicator)
        if plan.county is None:
            found = found.filter(county__isnull=True)
        else:
            found = found.filter(county_id=county_ids[plan.county])
        current = found.first()
        shares = [float(s) for s in plan.shares] if plan.shares is not None else None
        if shares is None:
            if current is not None:
                set_change_reason(current, channel)
                set_history_user(current, editor)
                current.delete()
                summary.schedules += 1
            continue
        if current is not None and current.shares == shares:
            continue
        current = current or Schedule(
            target_set=locked,
            indicator=indicator,
            county_id=county_ids[plan.county] if plan.county is not None else None,
        )
        current.shares = shares
        set_change_reason(current, channel)
        set_history_user(current, editor)
        current.save()
        summary.schedules += 1
    summary.mismatches = selectors.sum_mismatches(locked)
    return summary


@transaction.atomic
def target_set_publish(*, target_set: TargetSet, user: AnyUser) -> TargetSet:
    """Publish a draft: from now on progress and warnings are measured against it, and the
    year's rankings are recomputed (after commit)."""
    editor = _editor(user)
    locked = _draft_locked(target_set)
    if not locked.targets.exists():
        raise ValidationError(_("%(set)s 还没有任何目标，不能发布。") % {"set": locked})
    locked.status = TargetSet.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = editor
    locked.save(update_fields=["status", "published_at", "published_by"])
    transaction.on_commit(
        lambda: targets_published.send(sender=TargetSet, target_set=locked, user=editor)
    )
    return locked
