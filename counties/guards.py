"""The exemptions (不考核) of a published rule set are read-only by every path, as its category
and indicator rows are (indicators/guards.py): the services and the admin refuse with a message,
and the receivers below refuse any ORM save or delete that would change such an exemption
(Exemption.objects refuses bulk updates). As there, new rows and saves that change nothing are
let through, so that fixtures (the demo city) and tests can build a published set row by row
and loading the same fixture twice stays safe; the services and the admin never add an
exemption to a published rule set.
"""

from __future__ import annotations

from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver

from indicators.models import PublishedRuleSetError, RuleSet

from .models import Exemption

FIELDS = ("ruleset_id", "county_id", "indicator_id", "reason")


def ruleset_is_published(*ruleset_ids: int | None) -> bool:
    ids = [pk for pk in ruleset_ids if pk is not None]
    return RuleSet._base_manager.filter(pk__in=ids, status=RuleSet.Status.PUBLISHED).exists()


@receiver(pre_save, sender=Exemption, dispatch_uid="counties.guard_exemption_save")
def guard_exemption_save(sender, instance: Exemption, **kwargs) -> None:
    if instance.pk is None:
        return
    stored = Exemption._base_manager.filter(pk=instance.pk).values(*FIELDS).first()
    if stored is None or all(stored[f] == getattr(instance, f) for f in FIELDS):
        return  # an insert with a given key (loaddata), or a save that changes nothing
    if ruleset_is_published(stored["ruleset_id"], instance.ruleset_id):
        raise PublishedRuleSetError()


@receiver(pre_delete, sender=Exemption, dispatch_uid="counties.guard_exemption_delete")
def guard_exemption_delete(sender, instance: Exemption, **kwargs) -> None:
    if ruleset_is_published(instance.ruleset_id):
        raise PublishedRuleSetError()
