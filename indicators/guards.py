"""A published rule set is read-only by every path.

Services refuse to change one, the admin shows it read-only, and the receivers below refuse any
ORM save or delete that would change a published rule set or one of its category and indicator
rows (RuleSetQuerySet refuses bulk updates, which send no signals). Let through:

- publishing itself, the one change of a stored draft row (`ruleset_publish`);
- withdrawing a publication (status back to draft, nothing else changed) while nothing refers to
  the rule set yet: no ranking run has been scored with it, so no result names that version;
- a save that changes nothing, so that loading the same fixture twice stays safe;
- new rows, so that fixtures and tests can build a published set row by row; the editor, the
  API and the admin never add rows to a published set (services and admin forms refuse).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver

from .models import PublishedRuleSetError, RuleSet, RuleSetCategory, RuleSetIndicator


def _fields(instance: models.Model, update_fields) -> list[models.Field]:
    fields = [f for f in instance._meta.concrete_fields if not f.primary_key]
    if update_fields is not None:
        wanted = set(update_fields)
        fields = [f for f in fields if f.name in wanted or f.attname in wanted]
    return fields


def _same(field: models.Field, a: Any, b: Any) -> bool:
    try:
        return field.to_python(a) == field.to_python(b)
    except Exception:  # a value the field cannot read is a change
        return False


def _stored_if_changed(sender, instance, update_fields) -> dict[str, Any] | None:
    """The stored row when this save would change it; None for inserts and no-op saves."""
    if instance.pk is None:
        return None
    fields = _fields(instance, update_fields)
    attnames = [f.attname for f in fields]
    if isinstance(instance, RuleSetCategory | RuleSetIndicator) and "ruleset_id" not in attnames:
        attnames.append("ruleset_id")
    stored = sender._base_manager.filter(pk=instance.pk).values(*attnames, "pk").first()
    if stored is None:
        return None
    if all(_same(f, getattr(instance, f.attname), stored[f.attname]) for f in fields):
        return None
    return stored


@receiver(pre_save, sender=RuleSet, dispatch_uid="indicators.guard_ruleset_save")
def guard_ruleset_save(sender, instance: RuleSet, update_fields=None, **kwargs) -> None:
    stored_status = (
        RuleSet._base_manager.filter(pk=instance.pk).values_list("status", flat=True).first()
        if instance.pk is not None
        else None
    )
    if stored_status != RuleSet.Status.PUBLISHED:
        return  # an insert, or a draft (publishing included)
    stored = _stored_if_changed(sender, instance, update_fields)
    if stored is None or _unused_withdrawal(instance, stored, update_fields):
        return
    raise PublishedRuleSetError()


def _unused_withdrawal(instance: RuleSet, stored: dict[str, Any], update_fields) -> bool:
    if instance.status != RuleSet.Status.DRAFT:
        return False
    changed = {
        f.name
        for f in _fields(instance, update_fields)
        if not _same(f, getattr(instance, f.attname), stored[f.attname])
    }
    if not changed <= {"status", "published_at", "published_by"}:
        return False
    own = (RuleSetCategory, RuleSetIndicator)
    for rel in RuleSet._meta.related_objects:
        model = rel.related_model
        # rows that are part of the rule set's content (counties' exemptions) say so
        part = getattr(model, "part_of_ruleset", False)
        if issubclass(model, own) or part or model.__name__.startswith("Historical"):
            continue
        if model._base_manager.filter(**{rel.field.name: instance.pk}).exists():
            return False
    return True


@receiver(pre_save, sender=RuleSetCategory, dispatch_uid="indicators.guard_category_save")
@receiver(pre_save, sender=RuleSetIndicator, dispatch_uid="indicators.guard_indicator_save")
def guard_row_save(sender, instance, update_fields=None, **kwargs) -> None:
    stored = _stored_if_changed(sender, instance, update_fields)
    if stored is None:
        return
    touched = {stored["ruleset_id"], instance.ruleset_id}
    if RuleSet._base_manager.filter(pk__in=touched, status=RuleSet.Status.PUBLISHED).exists():
        raise PublishedRuleSetError()


@receiver(pre_delete, sender=RuleSet, dispatch_uid="indicators.guard_ruleset_delete")
@receiver(pre_delete, sender=RuleSetCategory, dispatch_uid="indicators.guard_category_delete")
@receiver(pre_delete, sender=RuleSetIndicator, dispatch_uid="indicators.guard_indicator_delete")
def guard_delete(sender, instance, **kwargs) -> None:
    ruleset_id = instance.pk if isinstance(instance, RuleSet) else instance.ruleset_id
    if RuleSet._base_manager.filter(pk=ruleset_id, status=RuleSet.Status.PUBLISHED).exists():
        raise PublishedRuleSetError()
