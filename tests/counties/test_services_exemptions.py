"""Exemptions (不考核): the model's constraints, the services' checks, a published rule set's
exemptions read-only by every path, and the copy into a new version or another year."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from counties.models import Exemption
from counties.services_exemptions import (
    exemption_create,
    exemption_delete,
    exemption_update,
    exemptions_copy,
)
from indicators import services as rule_services
from indicators.models import PublishedRuleSetError
from tests.factories import (
    CategoryFactory,
    ExemptionFactory,
    IndicatorFactory,
    RuleSetCategoryFactory,
    RuleSetFactory,
    RuleSetIndicatorFactory,
)

D = Decimal
REASON = "城区无农村常住人口"


@pytest.fixture
def rules(db):
    """A draft and a published rule set of 2026, each scoring gdp and rural income; a third
    indicator, urban income, in neither."""
    area = CategoryFactory(code="urban_rural", name="城乡发展")
    gdp = IndicatorFactory(code="gdp", name="地区生产总值", category=area)
    rural = IndicatorFactory(code="rural_income", name="农村居民人均可支配收入", category=area)
    urban = IndicatorFactory(code="urban_income", name="城镇居民人均可支配收入", category=area)
    found = {"gdp": gdp, "rural": rural, "urban": urban}
    for name, status in (("draft", "draft"), ("published", "published")):
        ruleset = RuleSetFactory(
            year=2026,
            status=status,
            published_at=timezone.now() if status == "published" else None,
        )
        rc = RuleSetCategoryFactory(ruleset=ruleset, category=area, weight=D("100"))
        RuleSetIndicatorFactory(ruleset=ruleset, indicator=gdp, category=rc, weight=D("60"))
        RuleSetIndicatorFactory(ruleset=ruleset, indicator=rural, category=rc, weight=D("40"))
        found[name] = ruleset
    return found


# ----------------------------------------------------------------------------- the model


def test_one_exemption_per_rule_set_county_and_indicator(rules, county_a):
    ExemptionFactory(ruleset=rules["draft"], county=county_a, indicator=rules["rural"])
    with pytest.raises(IntegrityError), transaction.atomic():
        ExemptionFactory(ruleset=rules["draft"], county=county_a, indicator=rules["rural"])


def test_an_exemption_needs_a_reason_in_the_database(rules, county_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        ExemptionFactory(
            ruleset=rules["draft"], county=county_a, indicator=rules["rural"], reason=""
        )


def test_a_county_or_indicator_with_exemptions_is_kept(rules, county_a):
    from django.db.models import ProtectedError

    ExemptionFactory(ruleset=rules["draft"], county=county_a, indicator=rules["rural"])
    with pytest.raises(ProtectedError), transaction.atomic():
        county_a.delete()


def test_deleting_a_draft_takes_its_exemptions_along(rules, county_a, admin_user):
    ExemptionFactory(ruleset=rules["draft"], county=county_a, indicator=rules["rural"])
    rule_services.ruleset_delete(ruleset=rules["draft"], user=admin_user)
    assert not Exemption.objects.exists()


# ----------------------------------------------------------------------------- the services


def test_admin_exempts_a_county_from_an_indicator_of_a_draft(rules, county_a, admin_user):
    made = exemption_create(
        ruleset=rules["draft"],
        county=county_a,
        indicator=rules["rural"],
        reason=f"  {REASON} ",
        user=admin_user,
    )
    assert (made.ruleset, made.county, made.indicator, made.reason) == (
        rules["draft"],
        county_a,
        rules["rural"],
        REASON,
    )
    record = made.history.get()
    assert record.history_user == admin_user


def test_an_indicator_the_rule_set_does_not_score_is_refused(rules, county_a, admin_user):
    with pytest.raises(ValidationError) as caught:
        exemption_create(
            ruleset=rules["draft"],
            county=county_a,
            indicator=rules["urban"],
            reason=REASON,
            user=admin_user,
        )
    assert "不是考核规则" in str(caught.value.message_dict["indicator"])
    assert not Exemption.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", "长" * 201])
def test_a_missing_or_overlong_reason_is_refused(rules, county_a, admin_user, reason):
    with pytest.raises(ValidationError) as caught:
        exemption_create(
            ruleset=rules["draft"],
            county=county_a,
            indicator=rules["rural"],
            reason=reason,
            user=admin_user,
        )
    assert "reason" in caught.value.message_dict
    assert not Exemption.objects.exists()


def test_the_same_exemption_twice_is_refused_with_a_message(rules, county_a, admin_user):
    kwargs = {"ruleset": rules["draft"], "county": county_a, "indicator": rules["rural"]}
    exemption_create(**kwargs, reason=REASON, user=admin_user)
    with pytest.raises(ValidationError, match="已设为不考核"):
        exemption_create(**kwargs, reason=REASON, user=admin_user)
    assert Exemption.objects.count() == 1


@pytest.mark.parametrize("who", ["reviewer", "leader", "reporter_a"])
def test_only_admins_set_exemptions(request, rules, county_a, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        exemption_create(
            ruleset=rules["draft"],
            county=county_a,
            indicator=rules["rural"],
            reason=REASON,
            user=user,
        )
    assert not Exemption.objects.exists()


def test_a_draft_exemption_is_changed_and_deleted(rules, county_a, admin_user):
    made = exemption_create(
        ruleset=rules["draft"],
        county=county_a,
        indicator=rules["rural"],
        reason=REASON,
        user=admin_user,
    )
    exemption_update(exemption=made, reason="无农业人口", user=admin_user)
    assert Exemption.objects.get().reason == "无农业人口"
    exemption_delete(exemption=made, user=admin_user)
    assert not Exemption.objects.exists()


def test_an_indicator_taken_out_of_a_draft_takes_its_exemptions_along(rules, county_a, admin_user):
    from indicators.selectors import ruleset_as_dict

    ExemptionFactory(ruleset=rules["draft"], county=county_a, indicator=rules["rural"])
    ExemptionFactory(ruleset=rules["published"], county=county_a, indicator=rules["rural"])
    data = ruleset_as_dict(rules["draft"])
    data["indicators"] = [i for i in data["indicators"] if i["code"] != "rural_income"]
    data["indicators"][0]["weight"] = 100
    rule_services.ruleset_update(ruleset=rules["draft"], data=data, user=admin_user)
    assert list(Exemption.objects.values_list("ruleset", flat=True)) == [rules["published"].pk]


# ------------------------------------------------------------------- published: read-only


def test_a_published_rule_set_takes_no_new_exemption(rules, county_a, admin_user):
    with pytest.raises(PublishedRuleSetError, match="已发布"):
        exemption_create(
            ruleset=rules["published"],
            county=county_a,
            indicator=rules["rural"],
            reason=REASON,
            user=admin_user,
        )
    assert not Exemption.objects.exists()


def test_a_published_rule_sets_exemptions_are_read_only_by_every_path(
    rules, county_a, county_b, admin_user
):
    # fixtures build a published set row by row (the guard lets new rows through)
    kept = ExemptionFactory(ruleset=rules["published"], county=county_a, indicator=rules["rural"])
    with pytest.raises(PublishedRuleSetError):
        exemption_update(exemption=kept, reason="改了", user=admin_user)
    with pytest.raises(PublishedRuleSetError):
        exemption_delete(exemption=kept, user=admin_user)
    kept.reason = "改了"
    with pytest.raises(PublishedRuleSetError), transaction.atomic():
        kept.save()
    kept.refresh_from_db()
    kept.county = county_b
    with pytest.raises(PublishedRuleSetError), transaction.atomic():
        kept.save()
    with pytest.raises(PublishedRuleSetError), transaction.atomic():
        Exemption.objects.filter(pk=kept.pk).update(reason="改了")
    with pytest.raises(PublishedRuleSetError), transaction.atomic():
        Exemption.objects.get(pk=kept.pk).delete()
    # moving a draft's exemption into the published set is a change of the published set too
    draft_one = ExemptionFactory(ruleset=rules["draft"], county=county_b, indicator=rules["rural"])
    draft_one.ruleset = rules["published"]
    with pytest.raises(PublishedRuleSetError), transaction.atomic():
        draft_one.save()
    assert list(Exemption.objects.order_by("pk").values_list("ruleset", "county", "reason")) == [
        (rules["published"].pk, county_a.pk, REASON),
        (rules["draft"].pk, county_b.pk, REASON),
    ]


def test_saving_a_published_exemption_unchanged_is_allowed(rules, county_a):
    """Loading the demo fixture twice saves every row again, unchanged."""
    kept = ExemptionFactory(ruleset=rules["published"], county=county_a, indicator=rules["rural"])
    Exemption.objects.get(pk=kept.pk).save()


# ----------------------------------------------------------------------------- copying


def test_exemptions_are_copied_into_a_draft(rules, county_a, county_b, admin_user):
    ExemptionFactory(ruleset=rules["published"], county=county_a, indicator=rules["rural"])
    ExemptionFactory(
        ruleset=rules["published"], county=county_b, indicator=rules["rural"], reason="另一个原因"
    )
    assert exemptions_copy(source=rules["published"], target=rules["draft"], user=admin_user) == 2
    copied = Exemption.objects.filter(ruleset=rules["draft"]).order_by("county__code")
    assert [(e.county, e.indicator, e.reason) for e in copied] == [
        (county_a, rules["rural"], REASON),
        (county_b, rules["rural"], "另一个原因"),
    ]
    assert all(e.history.get().history_change_reason == "copy" for e in copied)
    # again: nothing twice
    assert exemptions_copy(source=rules["published"], target=rules["draft"], user=admin_user) == 0


def test_copying_skips_indicators_the_target_does_not_score(rules, county_a, admin_user):
    ExemptionFactory(ruleset=rules["published"], county=county_a, indicator=rules["rural"])
    rules["draft"].indicators.filter(indicator=rules["rural"]).delete()
    assert exemptions_copy(source=rules["published"], target=rules["draft"], user=admin_user) == 0


def test_copying_into_a_published_rule_set_is_refused(rules, county_a, admin_user):
    ExemptionFactory(ruleset=rules["draft"], county=county_a, indicator=rules["rural"])
    with pytest.raises(PublishedRuleSetError):
        exemptions_copy(source=rules["draft"], target=rules["published"], user=admin_user)
    assert not Exemption.objects.filter(ruleset=rules["published"]).exists()


def test_a_new_version_and_a_next_year_copy_take_the_exemptions_along(rules, county_a, admin_user):
    """indicators' ruleset_clone sends ruleset_copied; counties copies the exemptions."""
    ExemptionFactory(ruleset=rules["published"], county=county_a, indicator=rules["rural"])
    version = rule_services.ruleset_new_version(source=rules["published"], user=admin_user)
    next_year = rule_services.ruleset_clone(source=rules["published"], year=2027, user=admin_user)
    for copy in (version, next_year):
        assert list(copy.exemptions.values_list("county", "indicator", "reason")) == [
            (county_a.pk, rules["rural"].pk, REASON)
        ]
    # the copy is a draft: its exemptions change there, the published ones stay
    exemption_update(exemption=version.exemptions.get(), reason="新原因", user=admin_user)
    assert rules["published"].exemptions.get().reason == REASON


def test_a_published_rule_set_with_exemptions_that_no_run_used_can_still_be_withdrawn(
    rules, county_a, admin_user
):
    """Exemptions are part of the rule set, not a use of it (indicators/guards.py)."""
    ExemptionFactory(ruleset=rules["published"], county=county_a, indicator=rules["rural"])
    ruleset = rules["published"]
    ruleset.status = "draft"
    ruleset.published_at = None
    ruleset.published_by = None
    ruleset.save()
    ruleset.refresh_from_db()
    assert ruleset.status == "draft" and ruleset.exemptions.count() == 1
