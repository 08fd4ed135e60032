"""The home page shows each role something true, and only what it may see."""

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import PeriodFactory, SubmissionFactory


def test_home_requires_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_login_page_is_chinese_by_default(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "登录" in response.content.decode()
    assert '<html lang="zh-CN">' in response.content.decode()


def test_login_page_in_english_once_chosen(client, db):
    client.cookies["django_language"] = "en"
    body = client.get(reverse("login")).content.decode()
    assert "Sign in" in body
    assert "登录" not in body


def test_browser_language_does_not_override_chinese(client, db):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in body


def test_wrong_password_gets_a_clear_message(client, reporter_a):
    response = client.post(reverse("login"), {"username": "reporter_a", "password": "nope"})
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_reporter_sees_own_county_recent_months_only(client, reporter_a, county_a, county_b):
    september = PeriodFactory(year=2026, month=9)
    october = PeriodFactory(year=2026, month=10)
    now = timezone.now()
    SubmissionFactory(
        county=county_a, period=september, status="approved", submitted_at=now, reviewed_at=now
    )
    SubmissionFactory(
        county=county_a, period=october, status="returned", return_reason="投资数据与上月不衔接"
    )
    SubmissionFactory(county=county_b, period=october, status="draft")
    client.force_login(reporter_a)
    body = client.get(reverse("home")).content.decode()
    assert "东城区" in body
    assert "北山县" not in body
    assert "2026年1-9月" in body and "2026年1-10月" in body
    assert "已审核" in body and "已退回" in body
    assert "投资数据与上月不衔接" in body


@pytest.mark.parametrize("who", ["reviewer", "leader", "admin_user"])
def test_city_staff_see_every_county_latest_status(request, client, who, county_a, county_b, zone):
    user = request.getfixturevalue(who)
    october = PeriodFactory(year=2026, month=10)
    PeriodFactory(year=2026, month=9)
    now = timezone.now()
    SubmissionFactory(county=county_a, period=october, status="submitted", submitted_at=now)
    client.force_login(user)
    response = client.get(reverse("home"))
    body = response.content.decode()
    assert "2026年1-10月" in body
    assert "2026年1-9月" not in body
    for name in ("东城区", "北山县", "高新区"):
        assert name in body
    counts = response.context["counts"]
    assert counts["submitted"] == 1
    assert counts["missing"] == 2


def test_home_without_periods_says_so(client, reviewer):
    client.force_login(reviewer)
    assert "还没有设置报送期" in client.get(reverse("home")).content.decode()


def test_reporter_without_county_is_told(client, db):
    from counties.access import Role
    from tests.factories import UserFactory

    PeriodFactory()
    lonely = UserFactory(username="lonely", roles=[Role.REPORTER])
    client.force_login(lonely)
    assert "还没有关联县区" in client.get(reverse("home")).content.decode()


def test_home_query_count_does_not_grow_with_counties(
    client, reviewer, django_assert_max_num_queries
):
    from tests.factories import CountyFactory

    period = PeriodFactory()
    for i in range(30):
        county = CountyFactory(code=f"3698{i:02d}", name=f"批量{i}区")
        SubmissionFactory(county=county, period=period)
    client.force_login(reviewer)
    with django_assert_max_num_queries(13):  # +3: the session saved each request (idle timeout)
        assert client.get(reverse("home")).status_code == 200


def test_logout_is_a_post(client, reporter_a):
    client.force_login(reporter_a)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_language_switch_to_english(client, reporter_a):
    client.force_login(reporter_a)
    PeriodFactory()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    body = client.get(reverse("home")).content.decode()
    assert "Sign out" in body
