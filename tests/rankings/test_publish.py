"""Publishing a ranking from the league table: who sees the button, who may publish, and what
county users see before and after."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rankings import services
from rankings.models import RankingRun

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(city):
    return services.ranking_recompute(period=city["october"], trigger="command").run


def _publish_url(run: RankingRun) -> str:
    return reverse("league_publish", kwargs={"run_id": run.pk})


@pytest.mark.parametrize("who", ["reviewer", "admin_user"])
def test_reviewers_and_admins_see_the_button_and_publish(request, client, october, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    body = client.get(reverse("league")).content.decode()
    assert "未发布" in body and "发布排名" in body and _publish_url(october) in body
    response = client.post(_publish_url(october))
    assert response.status_code == 302
    assert response["Location"] == reverse("league") + "?period=2026-10"
    october.refresh_from_db()
    assert (october.is_published, october.published_by) == (True, user)
    assert october.published_at is not None
    after = client.get(response["Location"]).content.decode()
    assert "已发布，县区用户现在可以查看" in after
    assert "未发布" not in after and "发布排名" not in after


def test_leaders_see_the_unpublished_marker_but_no_button(client, october, leader):
    client.force_login(leader)
    body = client.get(reverse("league")).content.decode()
    assert "未发布" in body and "发布排名" not in body
    assert client.post(_publish_url(october)).status_code == 403
    october.refresh_from_db()
    assert not october.is_published


def test_county_users_see_nothing_until_published_and_cannot_publish(
    client, october, reporter_a, reviewer
):
    client.force_login(reporter_a)
    before = client.get(reverse("league")).content.decode()
    assert "还没有可查看的排名结果" in before and "发布排名" not in before
    assert client.post(_publish_url(october)).status_code == 403
    october.refresh_from_db()
    assert not october.is_published

    client.force_login(reviewer)
    client.post(_publish_url(october))
    client.force_login(reporter_a)
    after = client.get(reverse("league")).content.decode()
    assert "2026年1-10月" in after and "东城区" in after
    assert "未发布" not in after and "发布排名" not in after


def test_anonymous_posts_go_to_the_login_page(client, october):
    response = client.post(_publish_url(october))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    october.refresh_from_db()
    assert not october.is_published


def test_publishing_needs_a_post(client, october, reviewer):
    client.force_login(reviewer)
    assert client.get(_publish_url(october)).status_code == 405


def test_a_superseded_run_is_not_published(client, city, october, reviewer):
    newer = services.ranking_recompute(period=city["october"], trigger="command", force=True).run
    client.force_login(reviewer)
    response = client.post(_publish_url(october), follow=True)
    assert "只能发布该期当前有效的排名结果" in response.content.decode()
    october.refresh_from_db()
    newer.refresh_from_db()
    assert not october.is_published and not newer.is_published


def test_an_unknown_run_is_404(client, october, reviewer):
    client.force_login(reviewer)
    assert client.post(reverse("league_publish", kwargs={"run_id": 999999})).status_code == 404


# ---------------------------------------------------- a new rule-set version republishes the year


@pytest.fixture
def published_year(city, reviewer):
    """September and October scored under version 1 and published."""
    runs = []
    for month in ("september", "october"):
        run = services.ranking_recompute(period=city[month], trigger="command").run
        runs.append(services.ranking_publish(run=run, user=reviewer))
    return runs


def _publish_version_2(city, admin_user, monkeypatch, django_capture_on_commit_callbacks):
    """An admin starts version 2, moves weight from gdp to retail and publishes it, the way the
    editor does; the queued recompute runs at once (as a worker would)."""
    from indicators import services as rule_services
    from indicators.selectors import ruleset_as_dict
    from rankings import tasks

    monkeypatch.setattr(
        tasks.recompute,
        "apply_async",
        lambda args, kwargs, **_: tasks.recompute.apply(args, kwargs),
    )
    draft = rule_services.ruleset_new_version(source=city["ruleset"], user=admin_user)
    data = ruleset_as_dict(draft)
    for indicator in data["indicators"]:
        indicator["weight"] = 20 if indicator["code"] == "gdp" else 80
    rule_services.ruleset_update(ruleset=draft, data=data, user=admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        rule_services.ruleset_publish(ruleset=draft, user=admin_user)
    draft.refresh_from_db()
    return draft


@pytest.mark.parametrize("who", ["reporter_a", "leader", "reviewer"])
def test_a_new_version_is_what_every_role_sees_for_every_published_month(
    request, client, city, published_year, admin_user, monkeypatch,
    django_capture_on_commit_callbacks, who,
):  # fmt: skip
    from rankings.selectors import run_visible

    user = request.getfixturevalue(who)
    version_2 = _publish_version_2(
        city, admin_user, monkeypatch, django_capture_on_commit_callbacks
    )
    client.force_login(user)
    for month, old in zip(("september", "october"), published_year, strict=True):
        seen = run_visible(city[month], user)
        assert seen is not None and seen.ruleset == version_2
        assert seen.is_published and seen.supersedes == old
        assert seen.publish_reason == RankingRun.PublishReason.RULESET
        assert seen.published_by == admin_user
        body = client.get(reverse("league") + f"?period={city[month].key}").content.decode()
        assert "第 2 版" in body and "第 1 版" not in body
        assert "重新计算并发布" in body


def test_a_month_never_published_is_not_published_by_a_new_version(
    city, reviewer, admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    september = services.ranking_recompute(period=city["september"], trigger="command").run
    services.ranking_publish(run=september, user=reviewer)
    services.ranking_recompute(period=city["october"], trigger="command")  # left unpublished
    version_2 = _publish_version_2(
        city, admin_user, monkeypatch, django_capture_on_commit_callbacks
    )
    current = RankingRun.objects.get(period=city["october"], is_current=True)
    assert current.ruleset == version_2 and not current.is_published
    assert RankingRun.objects.get(period=city["september"], is_current=True).is_published


# ------------------------------------------------------------ publishing an incomplete ranking


def test_publishing_with_counties_missing_needs_a_confirmation_naming_them(client, city, reviewer):
    from counties.models import Submission

    Submission.objects.filter(period=city["october"], county__code="369903").update(
        status="submitted"
    )
    run = services.ranking_recompute(period=city["october"], trigger="command").run
    assert (run.counties_ranked, run.counties_expected) == (2, 3)
    client.force_login(reviewer)
    page = client.get(reverse("league") + "?period=2026-10").content.decode()
    assert "南山县" in page and 'name="confirm_missing"' in page
    refused = client.post(_publish_url(run), follow=True).content.decode()
    assert "以下县区尚无总分" in refused and "南山县" in refused
    run.refresh_from_db()
    assert not run.is_published
    client.post(_publish_url(run), {"confirm_missing": "1"})
    run.refresh_from_db()
    assert run.is_published and run.published_by == reviewer
    assert run.published_missing == [{"code": "369903", "name": "南山县"}]
    assert run.publish_reason == RankingRun.PublishReason.MANUAL


def test_a_complete_ranking_publishes_without_a_confirmation(client, october, reviewer):
    client.force_login(reviewer)
    assert 'name="confirm_missing"' not in client.get(reverse("league")).content.decode()
    client.post(_publish_url(october))
    october.refresh_from_db()
    assert october.is_published and october.published_missing == []
