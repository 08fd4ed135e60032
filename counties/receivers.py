"""What counties does when the rule sets below it change. Exemptions (不考核) belong to their
rule set:

- a copied rule set (a new version, or next year's copy) takes them along, in the copy's
  transaction (indicators.signals.ruleset_copied, sent by indicators.services.ruleset_clone);
- an indicator taken out of a draft rule set takes its exemptions along: an exemption names
  one of the indicators its rule set scores.
"""

from __future__ import annotations

from django.db.models.signals import post_delete
from django.dispatch import receiver

from indicators import signals as indicator_signals
from indicators.models import RuleSetIndicator

from .models import Exemption
from .services_exemptions import exemptions_copy


@receiver(indicator_signals.ruleset_copied, dispatch_uid="counties.copy_exemptions")
def copy_exemptions(sender, source, ruleset, user=None, **kwargs) -> None:
    exemptions_copy(source=source, target=ruleset, user=user)


@receiver(post_delete, sender=RuleSetIndicator, dispatch_uid="counties.drop_unscored_exemptions")
def drop_unscored_exemptions(sender, instance: RuleSetIndicator, **kwargs) -> None:
    """The rule set no longer scores the indicator: its exemptions there go (a draft's only:
    a published rule set's rows are never deleted, indicators/guards.py)."""
    for exemption in Exemption.objects.filter(
        ruleset_id=instance.ruleset_id, indicator_id=instance.indicator_id
    ):
        exemption.delete()
