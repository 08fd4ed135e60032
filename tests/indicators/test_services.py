"""Publishing a rule set: checked by the engine first, then read-only and recomputing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from indicators.services import ruleset_publish
from rankings import tasks
from tests.factories import PeriodFactory, RuleSetCategoryFactory, RuleSetIndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch):
    calls = []
    monkeypatch.setattr(tasks.recompute, "apply_async", lambda *a, **kw: calls.append(kw))
    return calls


def test_publish_checks_weights_before_anything(admin_user, sent):
    rule = RuleSetIndicatorFactory(weight=Decimal("90"))  # category weight is 100
    with pytest.raises(ValidationError) as err:
        ruleset_publish(ruleset=rule.ruleset, user=admin_user)
    assert "10 short" in str(err.value)
    rule.ruleset.refresh_from_db()
    assert rule.ruleset.status == "draft"
    assert sent == []


def test_publish_makes_it_current_and_queues_the_year(
    admin_user, sent, django_capture_on_commit_callbacks
):
    rule = RuleSetIndicatorFactory()
    march = PeriodFactory(year=rule.ruleset.year, month=3)
    PeriodFactory(year=rule.ruleset.year, month=4)
    with django_capture_on_commit_callbacks(execute=True):
        published = ruleset_publish(ruleset=rule.ruleset, user=admin_user)
    assert published.is_published and published.published_by == admin_user
    assert sent[0]["args"] == [march.pk] and sent[0]["kwargs"]["trigger"] == "ruleset"


def test_published_rule_set_cannot_be_published_again(admin_user, sent):
    rule = RuleSetIndicatorFactory()
    ruleset_publish(ruleset=rule.ruleset, user=admin_user)
    with pytest.raises(ValidationError):
        ruleset_publish(ruleset=rule.ruleset, user=admin_user)


def test_two_level_weights_must_add_up(admin_user, sent):
    rule = RuleSetIndicatorFactory()
    extra = RuleSetCategoryFactory(ruleset=rule.ruleset, weight=Decimal("20"))  # total 120
    RuleSetIndicatorFactory(ruleset=rule.ruleset, category=extra, weight=Decimal("20"))
    with pytest.raises(ValidationError) as err:
        ruleset_publish(ruleset=rule.ruleset, user=admin_user)
    assert "total.weight" in str(err.value) and "20 over" in str(err.value)
