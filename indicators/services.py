"""Writes for rule sets."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import RuleSet
from .scoring import RulesError, parse_rules
from .selectors import ruleset_as_dict
from .signals import ruleset_published


@transaction.atomic
def ruleset_publish(*, ruleset: RuleSet, user) -> RuleSet:
    """Publish a draft rule set after the engine has accepted it (weights add up, parameters
    valid). From then on it is read-only and scores its year's rankings."""
    locked = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
    if locked.is_published:
        raise ValidationError(_("该考核规则已发布，不能重复发布；如需修改请新建版本。"))
    try:
        parse_rules(ruleset_as_dict(locked))
    except RulesError as exc:
        raise ValidationError(
            [_("考核规则有误：%(error)s") % {"error": e} for e in exc.errors]
        ) from exc
    locked.status = RuleSet.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.published_by = user if getattr(user, "is_authenticated", False) else None
    locked.save(update_fields=["status", "published_at", "published_by"])
    ruleset_published.send(sender=RuleSet, ruleset=locked, user=user)
    return locked
