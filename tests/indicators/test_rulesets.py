"""Rule-set services: clone, new version, edit, import and export, and the read-only guard."""

import copy
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from indicators.models import PublishedRuleSetError, RuleSet, RuleSetCategory, RuleSetIndicator
from indicators.selectors import ruleset_as_dict, ruleset_as_json
from indicators.services import (
    ruleset_clone,
    ruleset_delete,
    ruleset_import,
    ruleset_new_version,
    ruleset_update,
)
from tests.indicators.conftest import catalogue_for, example

pytestmark = pytest.mark.django_db


def exported(ruleset) -> dict:
    return json.loads(ruleset_as_json(RuleSet.objects.get(pk=ruleset.pk)))


# ------------------------------------------------------------------------------ clone, version


def test_clone_copies_everything_into_a_draft_of_the_new_year(published_ruleset, admin_user):
    clone = ruleset_clone(source=published_ruleset, year=2027, user=admin_user)
    assert (clone.year, clone.version, clone.status) == (2027, 1, "draft")
    assert clone.name == "2027年度县区经济发展考核办法"
    before, after = ruleset_as_dict(published_ruleset), ruleset_as_dict(clone)
    for key in ("name", "year"):
        before.pop(key), after.pop(key)
    assert after == before  # categories, weights, params, caps, tiers, peer groups, improvement
    assert after["peer_groups"]["groups"]["urban"] == ["district"]
    assert after["bonus"] == {"bonus_cap": 3, "penalty_cap": 4}


def test_clone_numbers_versions_per_year(published_ruleset, admin_user):
    first = ruleset_clone(source=published_ruleset, year=2027, user=admin_user)
    second = ruleset_clone(source=published_ruleset, year=2027, user=admin_user)
    again_2026 = ruleset_clone(source=published_ruleset, year=2026, user=admin_user)
    assert (first.version, second.version, again_2026.version) == (1, 2, 2)


def test_new_version_is_a_draft_copy_of_the_published_set(published_ruleset, admin_user):
    draft = ruleset_new_version(source=published_ruleset, user=admin_user)
    assert (draft.year, draft.version, draft.status) == (2026, 2, "draft")
    assert RuleSetIndicator.objects.filter(ruleset=draft).count() == 3
    with pytest.raises(ValidationError):
        ruleset_new_version(source=draft, user=admin_user)  # a draft is edited directly


# --------------------------------------------------------------------------------------- edit


def test_update_saves_weights_that_add_up(draft_ruleset, admin_user):
    data = ruleset_as_dict(draft_ruleset)
    data["indicators"][0]["weight"] = 30
    data["indicators"][1]["weight"] = 30
    ruleset_update(ruleset=draft_ruleset, data=data, user=admin_user)
    weights = dict(
        RuleSetIndicator.objects.filter(ruleset=draft_ruleset).values_list(
            "indicator__code", "weight"
        )
    )
    assert weights == {"gdp": Decimal("30"), "retail": Decimal("30"), "forest": Decimal("40")}


def test_update_refuses_indicator_weights_off_their_category_and_says_by_how_much(
    draft_ruleset, admin_user
):
    data = ruleset_as_dict(draft_ruleset)
    data["indicators"][0]["weight"] = 35  # growth: 35 + 20 = 55, not 60
    with pytest.raises(ValidationError) as err:
        ruleset_update(ruleset=draft_ruleset, data=data, user=admin_user)
    assert err.value.messages == [
        "“主要经济指标”各指标权重合计 55 分，应等于类别权重 60 分（少了 5 分）"
    ]
    assert RuleSetIndicator.objects.get(ruleset=draft_ruleset, indicator__code="gdp").weight == 40


def test_update_refuses_category_weights_off_the_total(draft_ruleset, admin_user):
    data = ruleset_as_dict(draft_ruleset)
    data["categories"][1]["weight"] = 45.5
    data["indicators"][2]["weight"] = 45.5  # green adds up, the total does not
    with pytest.raises(ValidationError) as err:
        ruleset_update(ruleset=draft_ruleset, data=data, user=admin_user)
    assert err.value.messages == ["各类别权重合计 105.5 分，应等于总分权重 100 分（多了 5.5 分）"]


def test_update_adds_removes_and_moves_indicators(draft_ruleset, admin_user):
    data = ruleset_as_dict(draft_ruleset)
    retail = data["indicators"].pop(1)
    data["indicators"][0]["weight"] = 60
    ruleset_update(ruleset=draft_ruleset, data=data, user=admin_user)
    assert not RuleSetIndicator.objects.filter(ruleset=draft_ruleset, indicator__code="retail")
    data["indicators"].append({**retail, "category": "green", "weight": 10})
    data["indicators"][1]["weight"] = 30  # forest
    ruleset_update(ruleset=draft_ruleset, data=data, user=admin_user)
    assert exported(draft_ruleset)["indicators"][2]["category"] == "green"


def test_partial_update_changes_only_the_fields_given(draft_ruleset, admin_user):
    ruleset_update(
        ruleset=draft_ruleset,
        data={"bonus": {"bonus_cap": 2.5, "penalty_cap": None}, "name": "新名称"},
        user=admin_user,
        partial=True,
    )
    data = exported(draft_ruleset)
    assert data["bonus"] == {"bonus_cap": 2.5, "penalty_cap": None}
    assert data["name"] == "新名称" and len(data["indicators"]) == 3


def test_update_cannot_change_year_or_version(draft_ruleset, admin_user):
    data = {**ruleset_as_dict(draft_ruleset), "year": 2030}
    with pytest.raises(ValidationError):
        ruleset_update(ruleset=draft_ruleset, data=data, user=admin_user)


def test_failed_update_writes_nothing(draft_ruleset, admin_user):
    before = exported(draft_ruleset)
    data = ruleset_as_dict(draft_ruleset)
    data["name"] = "改了名"
    data["indicators"][2]["params"] = {"lower": 20}  # goalposts needs upper
    with pytest.raises(ValidationError):
        ruleset_update(ruleset=draft_ruleset, data=data, user=admin_user)
    assert exported(draft_ruleset) == before


# ------------------------------------------------------------------- published is read-only


def test_services_refuse_a_published_set(published_ruleset, admin_user):
    data = ruleset_as_dict(published_ruleset)
    with pytest.raises(PublishedRuleSetError):
        ruleset_update(ruleset=published_ruleset, data=data, user=admin_user)
    with pytest.raises(PublishedRuleSetError):
        ruleset_delete(ruleset=published_ruleset, user=admin_user)


def test_orm_saves_and_deletes_of_a_published_set_are_refused(published_ruleset):
    ruleset = RuleSet.objects.get(pk=published_ruleset.pk)
    ruleset.bonus_cap = Decimal("9")
    with pytest.raises(PublishedRuleSetError), transaction.atomic():
        ruleset.save()
    row = RuleSetIndicator.objects.filter(ruleset=published_ruleset).first()
    row.weight = Decimal("1")
    with pytest.raises(PublishedRuleSetError), transaction.atomic():
        row.save()
    category = RuleSetCategory.objects.filter(ruleset=published_ruleset).first()
    with pytest.raises(PublishedRuleSetError), transaction.atomic():
        category.delete()
    with pytest.raises(PublishedRuleSetError), transaction.atomic():
        RuleSet.objects.get(pk=published_ruleset.pk).delete()
    with pytest.raises(PublishedRuleSetError), transaction.atomic():
        RuleSetIndicator.objects.filter(ruleset=published_ruleset).update(weight=1)
    with pytest.raises(PublishedRuleSetError), transaction.atomic():
        RuleSet.objects.filter(pk=published_ruleset.pk).update(name="x")
    assert exported(published_ruleset)["indicators"][0]["weight"] == 40


def test_a_publication_is_withdrawn_only_while_nothing_was_scored_with_it(published_ruleset):
    from rankings.models import RankingRun
    from tests.factories import PeriodFactory

    ruleset = RuleSet.objects.get(pk=published_ruleset.pk)
    ruleset.status = "draft"
    ruleset.name = "改名"
    with pytest.raises(PublishedRuleSetError), transaction.atomic():
        ruleset.save()  # withdrawing and changing at once
    ruleset.refresh_from_db()
    now = timezone.now()
    RankingRun.objects.create(
        period=PeriodFactory(),
        ruleset=ruleset,
        status="succeeded",
        trigger="command",
        started_at=now,
        finished_at=now,
        duration_ms=1,
    )
    ruleset.status = "draft"
    with pytest.raises(PublishedRuleSetError), transaction.atomic():
        ruleset.save()  # a ranking names this version
    RankingRun.objects.all().delete()
    ruleset.save()
    assert RuleSet.objects.get(pk=ruleset.pk).status == "draft"


def test_a_save_that_changes_nothing_is_let_through(published_ruleset):
    RuleSet.objects.get(pk=published_ruleset.pk).save()
    RuleSetIndicator.objects.filter(ruleset=published_ruleset).first().save()


def test_drafts_stay_editable_through_the_orm(draft_ruleset):
    RuleSetIndicator.objects.filter(ruleset=draft_ruleset).update(decimals=2)
    draft_ruleset.name = "改"
    draft_ruleset.save()
    ruleset_delete(ruleset=draft_ruleset, user=None)
    assert not RuleSet.objects.filter(pk=draft_ruleset.pk).exists()


# ----------------------------------------------------------------------- import and export


@pytest.mark.parametrize("name", ["worked_example.json", "hdi_2022.json"])
def test_docs_examples_round_trip_exactly(name, admin_user):
    data = example(name)
    catalogue_for(data)
    written = ruleset_import(data=copy.deepcopy(data), user=admin_user)
    assert written.notes == []
    assert written.ruleset.status == "draft"
    assert exported(written.ruleset) == data


def test_demo_rule_sets_round_trip_exactly(demo_rulesets, admin_user):
    assert len(demo_rulesets) == 3
    for ruleset in demo_rulesets:
        data = exported(ruleset)
        written = ruleset_import(data=copy.deepcopy(data), user=admin_user)
        assert written.ruleset.version == 2  # version 1 of the year exists
        assert exported(written.ruleset) == {**data, "version": 2}
        assert ruleset_as_json(written.ruleset) == ruleset_as_json(ruleset).replace(
            '"version": 1', '"version": 2'
        )


def test_import_keeps_the_version_when_free_and_says_when_not(admin_user):
    data = example("worked_example.json")
    catalogue_for(data)
    data["version"] = 3
    assert ruleset_import(data=data, user=admin_user).ruleset.version == 3
    again = ruleset_import(data=data, user=admin_user)
    assert again.ruleset.version == 4
    assert again.notes == ["2025 年已有第 3 版，导入为第 4 版。"]


def test_import_names_unknown_codes(admin_user):
    data = example("worked_example.json")
    catalogue_for({**data, "indicators": data["indicators"][:3]})
    data["categories"].append({"code": "ghost", "name": "x", "weight": 1})
    data["indicators"].append({**data["indicators"][0], "code": "gdp2", "category": "ghost",
                               "weight": 1})  # fmt: skip
    data["total"]["weight"] = 101
    with pytest.raises(ValidationError) as err:
        ruleset_import(data=data, user=admin_user)
    text = " ".join(err.value.messages)
    assert "“ghost”不在指标目录中" in text
    assert "“forest”不在指标目录中" in text and "“gdp2”不在指标目录中" in text
    assert not RuleSet.objects.exists()


def test_import_refuses_what_the_engine_refuses(admin_user):
    data = example("worked_example.json")
    catalogue_for(data)
    data["indicators"][0]["weight"] = 31
    with pytest.raises(ValidationError) as err:
        ruleset_import(data=data, user=admin_user)
    assert "多了 1 分" in err.value.messages[0]
    with pytest.raises(ValidationError):
        ruleset_import(data=[1, 2], user=admin_user)


def test_import_refuses_numbers_finer_than_stored(admin_user):
    data = example("worked_example.json")
    catalogue_for(data)
    data["indicators"][0]["weight"] = 30.00001
    data["indicators"][1]["weight"] = 29.99999
    with pytest.raises(ValidationError) as err:
        ruleset_import(data=data, user=admin_user)
    assert "30.00001" in err.value.messages[0]


def test_import_takes_names_from_the_catalogue_and_says_so(admin_user):
    data = example("worked_example.json")
    catalogue_for(data)
    data["indicators"][0]["name"] = "GDP 增速"
    written = ruleset_import(data=data, user=admin_user)
    assert written.notes == ["“GDP 增速”（gdp）按指标目录中的名称“地区生产总值增速”保存。"]


@pytest.mark.django_db(transaction=True)
def test_two_admins_making_a_new_version_at_once_get_two_numbers(published_ruleset, admin_user):
    """The year's rule sets are locked while the next number is taken: 2 and 3, not 2 twice."""
    import threading

    from django.db import connection

    versions, errors = [], []
    barrier = threading.Barrier(2)

    def work():
        barrier.wait()
        try:
            draft = ruleset_new_version(source=published_ruleset, user=admin_user)
            versions.append(draft.version)
        except Exception as exc:  # an IntegrityError here is the race this test is about
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(versions) == [published_ruleset.version + 1, published_ruleset.version + 2]


def test_a_rule_sets_warning_lines_round_trip_and_bad_ones_are_refused(admin_user):
    data = example("worked_example.json")
    catalogue_for(data)
    data["warnings"] = {
        "red_behind": 3,
        "yellow_behind": 0.5,
        "red_when_shrinking": False,
        "yellow_below_city": True,
    }
    written = ruleset_import(data=copy.deepcopy(data), user=admin_user)
    assert written.ruleset.warning_rules == data["warnings"]
    assert exported(written.ruleset) == data
    before = RuleSet.objects.count()
    with pytest.raises(ValidationError) as caught:
        ruleset_import(
            data={**copy.deepcopy(data), "version": 9, "warnings": {"yellow_behind": 9}},
            user=admin_user,
        )
    assert "red_behind" in " ".join(caught.value.messages)
    assert RuleSet.objects.count() == before


def test_a_rule_sets_bulletin_lists_round_trip_and_bad_ones_are_refused(admin_user):
    data = example("worked_example.json")
    catalogue_for(data)
    data["bulletin"] = {"red_list": 2, "black_list": 1}
    written = ruleset_import(data=copy.deepcopy(data), user=admin_user)
    assert written.ruleset.bulletin_rules == {"red_list": 2, "black_list": 1}
    assert exported(written.ruleset) == data
    clone = ruleset_clone(source=written.ruleset, year=written.ruleset.year + 1, user=admin_user)
    assert clone.bulletin_rules == {"red_list": 2, "black_list": 1}  # kept by a new version
    before = RuleSet.objects.count()
    for bad in ({"red_list": -1}, {"black_list": 1.5}, {"red_list": True}, {"top": 3}, [2, 1]):
        with pytest.raises(ValidationError) as caught:
            ruleset_import(
                data={**copy.deepcopy(data), "version": 9, "bulletin": bad}, user=admin_user
            )
        assert "bulletin" in " ".join(caught.value.messages)
    assert RuleSet.objects.count() == before


# ------------------------------------------------------------------------ missing data (缺报)

MISSING_DATA = {
    "exemptions": "redistribute",
    "pro_rata_level": "total",
    "imputation_group": "region",
    "count_exempt": True,
    "count_imputed": False,
}


def test_a_rule_sets_missing_data_round_trips_through_import_export_and_the_engine(admin_user):
    from indicators.scoring import parse_rules, rules_to_dict
    from indicators.scoring.rules import MissingData

    data = example("worked_example.json")
    catalogue_for(data)
    data["missing_data"] = dict(MISSING_DATA)
    data["categories"][0]["missing"] = "impute_group"
    data["categories"][1]["missing"] = "available"
    written = ruleset_import(data=copy.deepcopy(data), user=admin_user)
    ruleset = written.ruleset
    assert ruleset.missing_data_rules == MISSING_DATA
    stored = RuleSetCategory.objects.filter(ruleset=ruleset).order_by("display_order")
    assert [rc.missing for rc in stored] == ["impute_group", "available"]
    assert exported(ruleset) == data  # exactly the document imported
    rules = parse_rules(ruleset_as_dict(ruleset))
    assert rules.missing_data == MissingData(**MISSING_DATA)
    assert [c.missing for c in rules.categories] == ["impute_group", "available"]
    assert rules_to_dict(rules)["missing_data"] == MISSING_DATA


def test_a_partial_missing_data_keeps_its_form_and_a_plain_document_stays_plain(admin_user):
    data = example("worked_example.json")
    catalogue_for(data)
    plain = ruleset_import(data=copy.deepcopy(data), user=admin_user).ruleset
    assert plain.missing_data_rules is None
    assert "missing_data" not in exported(plain)
    assert all("missing" not in c for c in exported(plain)["categories"])
    assert set(RuleSetCategory.objects.filter(ruleset=plain).values_list("missing", flat=True)) == {
        "zero"
    }
    partial = {**copy.deepcopy(data), "version": 7, "missing_data": {"exemptions": "zero"}}
    written = ruleset_import(data=copy.deepcopy(partial), user=admin_user).ruleset
    assert exported(written) == partial


def test_copies_keep_the_missing_data_and_each_categorys_policy(admin_user):
    data = example("worked_example.json")
    catalogue_for(data)
    data["missing_data"] = dict(MISSING_DATA)
    data["categories"][1]["missing"] = "impute_group"
    source = ruleset_import(data=copy.deepcopy(data), user=admin_user).ruleset
    clone = ruleset_clone(source=source, year=source.year + 1, user=admin_user)
    assert clone.missing_data_rules == MISSING_DATA
    assert exported(clone)["categories"] == data["categories"]
    RuleSet.objects.filter(pk=source.pk).update(
        status=RuleSet.Status.PUBLISHED, published_at=timezone.now()
    )
    draft = ruleset_new_version(source=RuleSet.objects.get(pk=source.pk), user=admin_user)
    assert draft.missing_data_rules == MISSING_DATA
    assert {k: v for k, v in exported(draft).items() if k != "version"} == {
        k: v for k, v in data.items() if k != "version"
    }


def test_impute_group_without_an_imputation_group_is_refused_in_the_editors_words(admin_user):
    data = example("worked_example.json")
    catalogue_for(data)
    data["categories"][1]["missing"] = "impute_group"
    before = RuleSet.objects.count()
    with pytest.raises(ValidationError) as caught:
        ruleset_import(data=copy.deepcopy(data), user=admin_user)
    assert caught.value.messages == [
        "“生态环境”：missing：“按组均值插补”须先在“缺报与不考核”中填写插补分组"
        "（missing_data.imputation_group）"
    ]
    data["missing_data"] = {"imputation_group": "Region!"}
    with pytest.raises(ValidationError) as caught:
        ruleset_import(data=copy.deepcopy(data), user=admin_user)
    assert any("须是县区表中的列名" in m for m in caught.value.messages)
    assert RuleSet.objects.count() == before
    # a column the engine would take but the app's counties table does not have
    data["missing_data"] = {"imputation_group": "district"}
    with pytest.raises(ValidationError) as caught:
        ruleset_import(data=copy.deepcopy(data), user=admin_user)
    assert caught.value.messages == ["插补分组须是县区表中的 region、kind 之一，现为“district”。"]
    assert RuleSet.objects.count() == before
