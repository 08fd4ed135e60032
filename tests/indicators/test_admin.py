"""The Django admin of rule sets shows the missing-data settings (缺报与不考核)."""

import pytest
from django.urls import reverse

from tests.indicators.conftest import build_ruleset

pytestmark = pytest.mark.django_db


def test_the_rule_set_admin_shows_the_missing_data_and_each_categorys_policy(client, admin_user):
    ruleset = build_ruleset(published=False)
    ruleset.missing_data_rules = {"exemptions": "zero"}
    ruleset.save()
    ruleset.categories.filter(category__code="green").update(missing="available")
    client.force_login(admin_user)
    page = client.get(reverse("admin:indicators_ruleset_change", args=[ruleset.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "缺报与不考核" in body and 'name="missing_data_rules"' in body
    assert "exemptions" in body and 'name="categories-1-missing"' in body
    listing = client.get(reverse("admin:indicators_rulesetcategory_changelist"))
    assert listing.status_code == 200
    text = listing.content.decode()
    assert "缺报处理" in text and "按已报指标折算" in text and "缺报计零分" in text
