"""The admin of the exemptions (不考核): admins set them on draft rule sets, for indicators the
rule set scores; a published rule set's are read-only, refused with a message. And a county's
region, and a value the admin would store for an exempted indicator."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from counties.models import County, Exemption, SubmissionValue
from tests.factories import (
    CategoryFactory,
    ExemptionFactory,
    IndicatorFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
    SubmissionFactory,
    SubmissionValueFactory,
)

D = Decimal
REASON = "城区无农村常住人口"


@pytest.fixture
def rules(db):
    area = CategoryFactory(code="urban_rural")
    rural = IndicatorFactory(code="rural_income", name="农村居民人均可支配收入", category=area)
    urban = IndicatorFactory(code="urban_income", name="城镇居民人均可支配收入", category=area)
    found = {"rural": rural, "urban": urban}
    for status in ("draft", "published"):
        ruleset = RuleSetFactory(
            year=2026,
            status=status,
            published_at=timezone.now() if status == "published" else None,
        )
        rc = RuleSetCategoryFactory(ruleset=ruleset, category=area, weight=D("100"))
        RuleSetIndicatorFactory(ruleset=ruleset, indicator=rural, category=rc, weight=D("100"))
        found[status] = ruleset
    return found


def form(ruleset, county, indicator, reason=REASON):
    return {
        "ruleset": ruleset.pk,
        "county": county.pk,
        "indicator": indicator.pk,
        "reason": reason,
    }


def test_admin_adds_an_exemption_to_a_draft(client, rules, admin_user, county_a):
    client.force_login(admin_user)
    page = client.get(reverse("admin:counties_exemption_add"))
    assert page.status_code == 200
    offered = list(page.context["adminform"].form.fields["ruleset"].queryset)
    assert offered == [rules["draft"]]  # new exemptions go into drafts only
    response = client.post(
        reverse("admin:counties_exemption_add"), form(rules["draft"], county_a, rules["rural"])
    )
    assert response.status_code == 302
    made = Exemption.objects.get()
    assert (made.ruleset, made.county, made.reason) == (rules["draft"], county_a, REASON)
    assert made.history.get().history_change_reason == "admin"


def test_an_indicator_the_rule_set_does_not_score_is_a_form_error(
    client, rules, admin_user, county_a
):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:counties_exemption_add"), form(rules["draft"], county_a, rules["urban"])
    )
    assert response.status_code == 200
    assert "不是考核规则" in str(response.context["adminform"].form.errors["indicator"])
    assert not Exemption.objects.exists()


def test_a_published_rule_sets_exemption_is_read_only_with_a_message(
    client, rules, admin_user, county_a
):
    kept = ExemptionFactory(ruleset=rules["published"], county=county_a, indicator=rules["rural"])
    client.force_login(admin_user)
    change = reverse("admin:counties_exemption_change", args=[kept.pk])
    page = client.get(change)
    assert page.status_code == 200
    text = page.content.decode()
    assert "已发布" in text and "新建版本" in text
    response = client.post(change, form(rules["published"], county_a, rules["rural"], "改了"))
    assert response.status_code == 403
    assert "已发布" in response.content.decode()
    response = client.post(
        reverse("admin:counties_exemption_delete", args=[kept.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:counties_exemption_changelist"),
        {"action": "delete_selected", "_selected_action": [kept.pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert Exemption.objects.get().reason == REASON


def test_a_drafts_exemption_is_changed_and_deleted_in_the_admin(
    client, rules, admin_user, county_a
):
    kept = ExemptionFactory(ruleset=rules["draft"], county=county_a, indicator=rules["rural"])
    client.force_login(admin_user)
    change = reverse("admin:counties_exemption_change", args=[kept.pk])
    response = client.post(change, form(rules["draft"], county_a, rules["rural"], "无农业人口"))
    assert response.status_code == 302
    assert Exemption.objects.get().reason == "无农业人口"
    response = client.post(
        reverse("admin:counties_exemption_delete", args=[kept.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Exemption.objects.exists()


def test_the_list_filters_by_rule_set_county_and_indicator(client, rules, admin_user, county_a):
    ExemptionFactory(ruleset=rules["draft"], county=county_a, indicator=rules["rural"])
    client.force_login(admin_user)
    response = client.get(
        reverse("admin:counties_exemption_changelist"),
        {"ruleset__id__exact": rules["draft"].pk, "q": "农村"},
    )
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1


def test_the_county_page_edits_the_region(client, admin_user, county_a):
    client.force_login(admin_user)
    page = client.get(reverse("admin:counties_county_change", args=[county_a.pk]))
    assert "region" in page.context["adminform"].form.fields


def test_the_admin_stores_no_value_for_an_exempted_indicator(
    client, rules, admin_user, county_a, period
):
    from indicators.models import RuleSet

    RuleSet.objects.filter(pk=rules["draft"].pk).delete()  # the year's published one applies
    ExemptionFactory(ruleset=rules["published"], county=county_a, indicator=rules["rural"])
    value = SubmissionValueFactory(
        submission=SubmissionFactory(county=county_a, period=period),
        indicator=rules["rural"],
        value=None,
        prior_value=None,
    )
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:counties_submissionvalue_change", args=[value.pk]),
        {"value": "21000", "prior_value": "", "note": ""},
    )
    assert response.status_code == 200
    assert "不考核" in response.content.decode()
    assert SubmissionValue.objects.get().value is None
    assert County.objects.get(pk=county_a.pk).region == ""
