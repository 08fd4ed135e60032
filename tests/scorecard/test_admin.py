"""Every model is in the Django admin, with Chinese labels (what it may change there:
test_admin_rules.py)."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

MODELS = [
    m
    for app in ("counties", "indicators")
    for m in apps.get_app_config(app).get_models()
    if not m.__name__.startswith("Historical")
]
# Added on the pages only: a county's month begins when its reporter first saves it.
ADDED_ON_THE_PAGES_ONLY = {"Submission", "SubmissionValue"}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_every_model_is_registered(model):
    assert admin.site.is_registered(model)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_pages_load_in_chinese(client, admin_user, model):
    client.force_login(admin_user)
    opts = model._meta
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    assert str(opts.verbose_name_plural) in changelist.content.decode()
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == (403 if model.__name__ in ADDED_ON_THE_PAGES_ONLY else 200)


def test_published_ruleset_is_read_only_in_admin(client, admin_user):
    from django.utils import timezone

    from tests.factories import RuleSetIndicatorFactory

    rule = RuleSetIndicatorFactory()
    ruleset = rule.ruleset
    ruleset.status = "published"
    ruleset.published_at = timezone.now()
    ruleset.save()
    client.force_login(admin_user)
    url = reverse("admin:indicators_ruleset_change", args=[ruleset.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(url, {"name": "改名", "year": ruleset.year, "version": ruleset.version})
    assert response.status_code == 403
    ruleset.refresh_from_db()
    assert ruleset.name != "改名"


def test_value_changed_in_admin_is_recorded_with_its_channel(client, admin_user):
    from decimal import Decimal

    from counties.models import SubmissionValue
    from tests.factories import SubmissionValueFactory

    value = SubmissionValueFactory(value=Decimal("10"))
    client.force_login(admin_user)
    url = reverse("admin:counties_submissionvalue_change", args=[value.pk])
    response = client.post(
        url,
        {
            "submission": value.submission_id,
            "indicator": value.indicator_id,
            "value": "12.5",
            "prior_value": "100",
            "note": "更正",
        },
    )
    assert response.status_code == 302
    latest = SubmissionValue.history.filter(id=value.pk).order_by("-history_date").first()
    assert latest.value == Decimal("12.5") and latest.history_change_reason == "admin"
    assert latest.history_user == admin_user


@pytest.mark.parametrize("version", ["None", "-1", "1e3", "９"])
def test_a_history_version_that_cannot_exist_is_not_found(client, admin_user, version):
    """simple-history's version page with an id that is not a plain number: 404, not 500."""
    from tests.factories import IndicatorFactory

    indicator = IndicatorFactory()
    client.force_login(admin_user)
    history = reverse("admin:indicators_indicator_history", args=[indicator.pk])
    assert client.get(history).status_code == 200
    page = client.get(f"{history}{version}/")
    assert page.status_code == 404
    real = indicator.history.first().history_id
    assert client.get(f"{history}{real}/").status_code == 200
