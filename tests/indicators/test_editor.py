"""The rule-set pages: list, editor (save, publish, errors), clone, new version, import, export."""

import json

import pytest
from django import forms
from django.urls import reverse

from indicators.models import RuleSet, RuleSetIndicator
from indicators.selectors import ruleset_as_json
from rankings import tasks
from tests.indicators.conftest import catalogue_for, example

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_queue(monkeypatch):
    monkeypatch.setattr(tasks.recompute, "apply_async", lambda *a, **kw: None)


def editor_post(client, ruleset, **changes) -> dict:
    """The editor's own form as the browser would post it, with some fields changed."""
    page = client.get(reverse("ruleset_editor", args=[ruleset.pk]))
    editor = page.context["editor"]
    data = {}
    for form in editor.forms():
        for field in form:
            value = field.value()
            if getattr(field.field.widget, "input_type", None) == "checkbox":
                if value:
                    data[field.html_name] = "on"
                continue
            if isinstance(value, dict | list):
                value = json.dumps(value)
            elif field.name == "params" or field.name in ("peer_groups", "period_weights"):
                value = field.field.prepare_value(value)
            data[field.html_name] = "" if value is None else str(value)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def stored_weights(ruleset) -> dict:
    return {
        code: float(w)
        for code, w in RuleSetIndicator.objects.filter(ruleset=ruleset).values_list(
            "indicator__code", "weight"
        )
    }


@pytest.mark.parametrize("who", ["reviewer", "leader", "reporter_a"])
def test_only_admins_open_the_rule_pages(client, request, who, draft_ruleset):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("ruleset_list")).status_code == 403
    assert client.get(reverse("ruleset_editor", args=[draft_ruleset.pk])).status_code == 403
    response = client.post(reverse("ruleset_editor", args=[draft_ruleset.pk]), {})
    assert response.status_code == 403
    assert client.get(reverse("ruleset_export", args=[draft_ruleset.pk])).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, draft_ruleset):
    assert client.get(reverse("ruleset_list")).status_code == 302


def test_list_shows_years_versions_and_status(client, admin_user, published_ruleset):
    client.force_login(admin_user)
    page = client.get(reverse("ruleset_list")).content.decode()
    assert "2026年度县区经济发展考核办法" in page and "已发布" in page and "第 1 版" in page
    assert 'value="2027"' in page  # clone last year's into the next year


def test_editor_saves_weights_that_add_up(client, admin_user, draft_ruleset):
    client.force_login(admin_user)
    data = editor_post(client, draft_ruleset, **{"ind-gdp-weight": "35", "ind-retail-weight": "25"})
    response = client.post(reverse("ruleset_editor", args=[draft_ruleset.pk]), data)
    assert response.status_code == 302
    assert stored_weights(draft_ruleset) == {"gdp": 35, "retail": 25, "forest": 40}


def test_editor_refuses_an_indicator_level_that_does_not_add_up(client, admin_user, draft_ruleset):
    client.force_login(admin_user)
    before = json.loads(ruleset_as_json(RuleSet.objects.get(pk=draft_ruleset.pk)))
    data = editor_post(client, draft_ruleset, **{"ind-gdp-weight": "35"})
    response = client.post(reverse("ruleset_editor", args=[draft_ruleset.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "“主要经济指标”各指标权重合计 55 分，应等于类别权重 60 分（少了 5 分）" in page
    assert json.loads(ruleset_as_json(RuleSet.objects.get(pk=draft_ruleset.pk))) == before


def test_editor_refuses_a_category_level_that_does_not_add_up(client, admin_user, draft_ruleset):
    client.force_login(admin_user)
    data = editor_post(
        client, draft_ruleset, **{"cat-green-weight": "41", "ind-forest-weight": "41"}
    )
    page = client.post(reverse("ruleset_editor", args=[draft_ruleset.pk]), data).content.decode()
    assert "各类别权重合计 101 分，应等于总分权重 100 分（多了 1 分）" in page
    assert stored_weights(draft_ruleset)["forest"] == 40


def test_editor_includes_and_excludes_indicators(client, admin_user, draft_ruleset):
    client.force_login(admin_user)
    data = editor_post(client, draft_ruleset, **{"ind-gdp-weight": "60"})
    data.pop("ind-retail-included")
    client.post(reverse("ruleset_editor", args=[draft_ruleset.pk]), data)
    assert stored_weights(draft_ruleset) == {"gdp": 60, "forest": 40}


def test_editor_shows_field_errors_without_crashing(client, admin_user, draft_ruleset):
    client.force_login(admin_user)
    data = editor_post(
        client, draft_ruleset, **{"ind-gdp-params": "{step: 1", "rs-total_weight": "abc"}
    )
    response = client.post(reverse("ruleset_editor", args=[draft_ruleset.pk]), data)
    assert response.status_code == 200
    assert "不是有效的 JSON" in response.content.decode()
    data = editor_post(client, draft_ruleset, **{"ind-gdp-params": '{"stepp": 1}'})
    page = client.post(reverse("ruleset_editor", args=[draft_ruleset.pk]), data).content.decode()
    assert "“地区生产总值”：params" in page


def test_editor_publishes_after_saving(client, admin_user, draft_ruleset):
    client.force_login(admin_user)
    data = editor_post(
        client,
        draft_ruleset,
        action="publish",
        **{"ind-gdp-weight": "30", "ind-retail-weight": "30"},
    )
    response = client.post(reverse("ruleset_editor", args=[draft_ruleset.pk]), data)
    assert response.status_code == 302
    ruleset = RuleSet.objects.get(pk=draft_ruleset.pk)
    assert ruleset.is_published and ruleset.published_by == admin_user
    assert stored_weights(ruleset)["gdp"] == 30


def test_publish_with_weights_off_publishes_nothing(client, admin_user, draft_ruleset):
    client.force_login(admin_user)
    data = editor_post(client, draft_ruleset, action="publish", **{"ind-gdp-weight": "1"})
    client.post(reverse("ruleset_editor", args=[draft_ruleset.pk]), data)
    assert RuleSet.objects.get(pk=draft_ruleset.pk).status == "draft"


def test_published_set_is_read_only_in_the_editor(client, admin_user, published_ruleset):
    client.force_login(admin_user)
    page = client.get(reverse("ruleset_editor", args=[published_ruleset.pk])).content.decode()
    assert 'id="save"' not in page and "新建版本" in page and "disabled" in page
    data = editor_post(client, published_ruleset, **{"ind-gdp-weight": "1"})
    response = client.post(reverse("ruleset_editor", args=[published_ruleset.pk]), data)
    assert response.status_code == 302
    assert stored_weights(published_ruleset)["gdp"] == 40


def test_new_version_and_clone_open_a_draft(client, admin_user, published_ruleset):
    client.force_login(admin_user)
    response = client.post(reverse("ruleset_new_version", args=[published_ruleset.pk]))
    draft = RuleSet.objects.get(year=2026, version=2)
    assert response.url == reverse("ruleset_editor", args=[draft.pk])
    client.post(reverse("ruleset_clone"), {"source": published_ruleset.pk, "year": "2027"})
    assert RuleSet.objects.get(year=2027).status == "draft"


def test_delete_removes_drafts_only(client, admin_user, published_ruleset):
    client.force_login(admin_user)
    client.post(reverse("ruleset_delete", args=[published_ruleset.pk]))
    assert RuleSet.objects.filter(pk=published_ruleset.pk).exists()
    draft = RuleSet.objects.create(year=2030, version=1, name="x")
    client.post(reverse("ruleset_delete", args=[draft.pk]))
    assert not RuleSet.objects.filter(pk=draft.pk).exists()


def test_export_downloads_the_engine_json(client, admin_user, published_ruleset):
    client.force_login(admin_user)
    response = client.get(reverse("ruleset_export", args=[published_ruleset.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="rules-2026-v1.json"'
    data = json.loads(response.content)
    assert data["format"] == "scorecard-rules/1" and data["indicators"][0]["weight"] == 40


def test_import_upload_creates_a_draft_and_names_problems(client, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = example("worked_example.json")
    catalogue_for(data)
    client.force_login(admin_user)
    upload = SimpleUploadedFile("rules.json", json.dumps(data).encode(), "application/json")
    response = client.post(reverse("ruleset_import"), {"file": upload})
    ruleset = RuleSet.objects.get(year=2025)
    assert response.url == reverse("ruleset_editor", args=[ruleset.pk])
    assert json.loads(ruleset_as_json(ruleset)) == data
    bad = SimpleUploadedFile("bad.json", b'{"format": ', "application/json")
    response = client.post(reverse("ruleset_import"), {"file": bad}, follow=True)
    assert "bad.json 不是有效的 JSON（第 1 行第 12 列）" in response.content.decode()


def test_editor_page_queries_are_bounded(
    client, admin_user, draft_ruleset, django_assert_max_num_queries
):
    client.force_login(admin_user)
    with django_assert_max_num_queries(25):
        client.get(reverse("ruleset_editor", args=[draft_ruleset.pk]))
    with django_assert_max_num_queries(15):
        client.get(reverse("ruleset_list"))


def test_saving_unchanged_keeps_the_rule_set_exactly(client, demo_rulesets):
    from django.contrib.auth import get_user_model

    from indicators.services import ruleset_new_version

    admin_user = get_user_model().objects.get(username="admin")  # the demo city's admin
    client.force_login(admin_user)
    for published in demo_rulesets:
        draft = ruleset_new_version(source=published, user=admin_user)
        before = json.loads(ruleset_as_json(draft))
        response = client.post(
            reverse("ruleset_editor", args=[draft.pk]), editor_post(client, draft)
        )
        assert response.status_code == 302
        assert json.loads(ruleset_as_json(RuleSet.objects.get(pk=draft.pk))) == before


def test_django_admin_cannot_change_a_published_set(client, admin_user, published_ruleset):
    client.force_login(admin_user)
    row = RuleSetIndicator.objects.filter(ruleset=published_ruleset).first()
    category = row.category
    for url, data in (
        (
            reverse("admin:indicators_rulesetindicator_change", args=[row.pk]),
            {"weight": "1", "ruleset": published_ruleset.pk},
        ),
        (
            reverse("admin:indicators_rulesetcategory_change", args=[category.pk]),
            {"weight": "1", "ruleset": published_ruleset.pk},
        ),
        (reverse("admin:indicators_rulesetindicator_delete", args=[row.pk]), {"post": "yes"}),
        (reverse("admin:indicators_ruleset_delete", args=[published_ruleset.pk]), {"post": "yes"}),
    ):
        assert client.post(url, data).status_code == 403
    # no new rows either: the add form offers draft rule sets only
    add = client.get(reverse("admin:indicators_rulesetcategory_add")).context["adminform"]
    assert published_ruleset not in add.form.fields["ruleset"].queryset
    assert stored_weights(published_ruleset)["gdp"] == 40


def test_clone_form_starts_from_the_latest_published_set_into_the_next_year(
    client, admin_user, published_ruleset
):
    from indicators.services import ruleset_clone

    ruleset_clone(source=published_ruleset, year=2027, user=admin_user)  # a draft for 2027
    client.force_login(admin_user)
    page = client.get(reverse("ruleset_list"))
    assert page.context["latest"] == published_ruleset
    assert page.context["next_year"] == 2028


def test_json_nested_beyond_reason_is_a_form_error_not_a_server_error():
    from indicators.forms import JSONText

    field = JSONText()
    with pytest.raises(forms.ValidationError) as error:
        field.clean("[" * 100_000 + "]" * 100_000)
    assert "嵌套过深" in str(error.value)
    assert field.clean({"step": 0.05}) == {"step": 0.05}  # a disabled field's initial value


def test_the_editor_sets_the_bulletins_lists_and_names_a_bad_one(client, admin_user, draft_ruleset):
    client.force_login(admin_user)
    url = reverse("ruleset_editor", args=[draft_ruleset.pk])
    data = editor_post(client, draft_ruleset, **{"rs-bulletin": '{"red_list": 2, "black_list": 1}'})
    assert client.post(url, data).status_code == 302
    draft_ruleset.refresh_from_db()
    assert draft_ruleset.bulletin_rules == {"red_list": 2, "black_list": 1}
    data = editor_post(client, draft_ruleset, **{"rs-bulletin": '{"red_list": -2}'})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "bulletin.red_list" in response.content.decode()
    draft_ruleset.refresh_from_db()
    assert draft_ruleset.bulletin_rules == {"red_list": 2, "black_list": 1}


# ------------------------------------------------------------------- 缺报与不考核 (missing data)


def test_the_editor_shows_the_missing_data_section_and_each_categorys_policy(
    client, admin_user, draft_ruleset
):
    client.force_login(admin_user)
    page = client.get(reverse("ruleset_editor", args=[draft_ruleset.pk])).content.decode()
    assert "缺报与不考核" in page and 'name="rs-missing_exemptions"' in page
    assert 'name="rs-missing_imputation_group"' in page and 'name="cat-growth-missing"' in page
    assert "按组均值插补" in page and "按其余指标得分率折算" in page


def test_the_editor_saves_the_missing_data_section(client, admin_user, draft_ruleset):
    client.force_login(admin_user)
    url = reverse("ruleset_editor", args=[draft_ruleset.pk])
    data = editor_post(
        client,
        draft_ruleset,
        **{
            "rs-missing_exemptions": "redistribute",
            "rs-missing_imputation_group": "region",
            "rs-missing_count_exempt": "on",
            "cat-green-missing": "impute_group",
            "cat-growth-missing": "available",
        },
    )
    assert client.post(url, data).status_code == 302
    draft_ruleset.refresh_from_db()
    assert draft_ruleset.missing_data_rules == {
        "exemptions": "redistribute",
        "pro_rata_level": "category",
        "imputation_group": "region",
        "count_exempt": True,
        "count_imputed": True,
    }
    stored = dict(draft_ruleset.categories.values_list("category__code", "missing"))
    assert stored == {"growth": "available", "green": "impute_group"}
    # saved again unchanged: the same document
    before = ruleset_as_json(draft_ruleset)
    assert client.post(url, editor_post(client, draft_ruleset)).status_code == 302
    assert ruleset_as_json(RuleSet.objects.get(pk=draft_ruleset.pk)) == before


def test_an_unchanged_editor_leaves_the_document_without_missing_data(
    client, admin_user, draft_ruleset
):
    client.force_login(admin_user)
    url = reverse("ruleset_editor", args=[draft_ruleset.pk])
    assert client.post(url, editor_post(client, draft_ruleset)).status_code == 302
    draft_ruleset.refresh_from_db()
    assert draft_ruleset.missing_data_rules is None
    saved = json.loads(ruleset_as_json(draft_ruleset))
    assert "missing_data" not in saved
    assert all("missing" not in c for c in saved["categories"])
    # an imported partial object keeps its form while the fields say what it says
    RuleSet.objects.filter(pk=draft_ruleset.pk).update(missing_data_rules={"exemptions": "zero"})
    assert client.post(url, editor_post(client, draft_ruleset)).status_code == 302
    draft_ruleset.refresh_from_db()
    assert draft_ruleset.missing_data_rules == {"exemptions": "zero"}


def test_the_editor_refuses_impute_group_without_a_group_with_the_parsers_message(
    client, admin_user, draft_ruleset
):
    client.force_login(admin_user)
    url = reverse("ruleset_editor", args=[draft_ruleset.pk])
    response = client.post(
        url, editor_post(client, draft_ruleset, **{"cat-green-missing": "impute_group"})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "“按组均值插补”须先在“缺报与不考核”中填写插补分组" in body
    section = response.context["editor"].sections[1]
    assert section.category.code == "green" and section.errors
    draft_ruleset.refresh_from_db()
    assert set(draft_ruleset.categories.values_list("missing", flat=True)) == {"zero"}
    # the group is one of the counties' columns the app has: anything else is not a choice
    data = editor_post(
        client,
        draft_ruleset,
        **{"cat-green-missing": "impute_group", "rs-missing_imputation_group": "Region!"},
    )
    response = client.post(url, data)
    assert response.status_code == 200 and "Region!" in response.content.decode()
    assert response.context["editor"].settings.errors["missing_imputation_group"]
    draft_ruleset.refresh_from_db()
    assert draft_ruleset.missing_data_rules is None
    # with the region, it is saved
    data = editor_post(
        client,
        draft_ruleset,
        **{"cat-green-missing": "impute_group", "rs-missing_imputation_group": "region"},
    )
    assert client.post(url, data).status_code == 302
    draft_ruleset.refresh_from_db()
    assert draft_ruleset.missing_data_rules["imputation_group"] == "region"
