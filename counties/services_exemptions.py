"""Writes of the exemptions (不考核): a rule set does not score a county on an indicator.

An exemption belongs to its rule set: it names one of the indicators the rule set scores, it
is set only while the rule set is a draft (a published one is read-only, counties/guards.py
refuses any ORM write), and it follows the rule set into a new version or another year's copy
(`exemptions_copy`, run by counties/receivers.py when indicators copies a rule set). Admins
set them (the Django admin's form checks them with `exemption_problems` too).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.models import Indicator, PublishedRuleSetError, RuleSet
from scorecard.history import actor, history_rows_insert, set_history_user
from scorecard.roles import AnyUser

from .access import can_configure_exemptions
from .models import County, Exemption

REASON_MAX = 200  # Exemption.reason's max_length


def exemption_problems(*, ruleset: RuleSet, indicator: Indicator, reason: str) -> dict[str, str]:
    """What is wrong with an exemption of `indicator` in `ruleset`, by field name ("" for the
    whole): a published rule set, an indicator the rule set does not score, no reason. {} when
    nothing is."""
    problems: dict[str, str] = {}
    if ruleset.is_published:
        problems[""] = published_message(ruleset)
    if not ruleset.indicators.filter(indicator=indicator).exists():
        problems["indicator"] = _(
            "“%(indicator)s”不是考核规则“%(ruleset)s”的考核指标，不能设为不考核。"
        ) % {"indicator": indicator.display_name, "ruleset": ruleset}
    if not reason.strip():
        problems["reason"] = _("请填写不考核的原因。")
    elif len(reason.strip()) > REASON_MAX:
        problems["reason"] = _("不考核原因不能超过 %(n)d 个字。") % {"n": REASON_MAX}
    return problems


def published_message(ruleset: RuleSet) -> str:
    return _(
        "考核规则“%(ruleset)s”已发布，其不考核指标只读，不能添加、修改或删除；"
        "如需调整请新建版本，在新版本中修改。"
    ) % {"ruleset": ruleset}


def _check(user: AnyUser | None) -> None:
    if user is None or not can_configure_exemptions(user):
        raise PermissionDenied(_("只有管理员可以设置不考核指标。"))


def _draft(ruleset: RuleSet) -> RuleSet:
    """The rule set, row-locked, when it is a draft; PublishedRuleSetError otherwise."""
    locked = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
    if locked.is_published:
        raise PublishedRuleSetError(published_message(locked))
    return locked


def _raise(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError({k or "__all__": v for k, v in problems.items()})


@transaction.atomic
def exemption_create(
    *,
    ruleset: RuleSet,
    county: County,
    indicator: Indicator,
    reason: str,
    user: AnyUser | None,
) -> Exemption:
    """Exempt `county` from `indicator` in a draft `ruleset`, with the reason the provincial
    method gives (e.g. 城区无农村常住人口)."""
    _check(user)
    locked = _draft(ruleset)
    _raise(exemption_problems(ruleset=locked, indicator=indicator, reason=reason))
    if Exemption.objects.filter(ruleset=locked, county=county, indicator=indicator).exists():
        raise ValidationError(
            _("%(county)s 的“%(indicator)s”在该考核规则中已设为不考核。")
            % {"county": county, "indicator": indicator.display_name}
        )
    exemption = Exemption(ruleset=locked, county=county, indicator=indicator, reason=reason.strip())
    set_history_user(exemption, user)
    exemption.save()
    return exemption


@transaction.atomic
def exemption_update(*, exemption: Exemption, reason: str, user: AnyUser | None) -> Exemption:
    """A new reason for an exemption of a draft rule set."""
    _check(user)
    locked = _draft(exemption.ruleset)
    _raise(exemption_problems(ruleset=locked, indicator=exemption.indicator, reason=reason))
    exemption.reason = reason.strip()
    set_history_user(exemption, user)
    exemption.save(update_fields=["reason", "updated_at"])
    return exemption


@transaction.atomic
def exemption_delete(*, exemption: Exemption, user: AnyUser | None) -> None:
    """The county is scored on the indicator again (a draft rule set only)."""
    _check(user)
    _draft(exemption.ruleset)
    set_history_user(exemption, user)
    exemption.delete()


@transaction.atomic
def exemptions_copy(*, source: RuleSet, target: RuleSet, user: AnyUser | None) -> int:
    """Copy `source`'s exemptions into the draft `target` (a new version, or next year's copy),
    for the indicators `target` scores; those it already has are kept as they are. Returns how
    many were added. Written in bulk with their history rows (channel "copy")."""
    locked = _draft(target)
    scored = set(locked.indicators.values_list("indicator_id", flat=True))
    have = set(Exemption.objects.filter(ruleset=locked).values_list("county_id", "indicator_id"))
    wanted = [
        e
        for e in Exemption.objects.filter(ruleset=source).order_by("pk")
        if e.indicator_id in scored and (e.county_id, e.indicator_id) not in have
    ]
    if not wanted:
        return 0
    now = timezone.now()
    made = Exemption.objects.bulk_create(
        Exemption(
            ruleset=locked,
            county_id=e.county_id,
            indicator_id=e.indicator_id,
            reason=e.reason,
            created_at=now,
            updated_at=now,
        )
        for e in wanted
    )
    fields = [f.attname for f in Exemption._meta.concrete_fields]
    history_rows_insert(
        Exemption,
        [{name: getattr(e, name) for name in fields} for e in made],
        history_type="+",
        user=actor(user),
        reason="copy",
        date=now,
    )
    return len(made)
