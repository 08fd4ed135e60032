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
