"""Accounts (scorecard/accounts.py and the Accounts block of the settings): sign-ins locked
after five failures and unlocked by an admin or the cool-off, the account page with its
change-password form, and the idle timeout."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from counties.access import Role
from tests.factories import DepartmentMembershipFactory, UserFactory
from tests.scorecard.test_settings import settings_in_subprocess

pytestmark = pytest.mark.django_db

RIGHT = "pw-for-tests-only"  # tests/factories.py
WRONG = "not-the-password"
LOCKED = "登录已锁定"
BAD_PASSWORD = "用户名或密码不正确"


def sign_in(client: Client, password: str, username: str = "reporter_a", **extra: str):
    url = reverse("login")
    return client.post(url, {"username": username, "password": password}, **extra)


def fail(client: Client, times: int, **extra: str) -> None:
    for _ in range(times):
        response = sign_in(client, WRONG, **extra)
        assert response.status_code == 200 and BAD_PASSWORD in response.content.decode()


def lock(client: Client, **extra: str) -> None:
    fail(client, settings.AXES_FAILURE_LIMIT - 1, **extra)
    assert sign_in(client, WRONG, **extra).status_code == 429


def is_signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


# ------------------------------------------------------------------------------- lockout


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(client, reporter_a):
    assert settings.AXES_FAILURE_LIMIT == 5
    fail(client, 4)  # the first four keep the login form and its message
    fifth = sign_in(client, WRONG)
    assert fifth.status_code == 429
    assert "accounts/lockout.html" in [t.name for t in fifth.templates]
    body = fifth.content.decode()
    assert LOCKED in body and "密码连续输错 5 次" in body and BAD_PASSWORD not in body
    assert "请在 30 分钟后再试" in body and "联系系统管理员解锁" in body
    assert '<html lang="zh-CN">' in body  # the site's own page, not a bare 403 text

    sixth = sign_in(client, RIGHT)
    assert sixth.status_code == 429 and LOCKED in sixth.content.decode()
    assert not is_signed_in(client)
    assert client.get(reverse("home")).status_code == 302  # still signed out


def test_failures_are_recorded_and_logged(client, reporter_a, caplog):
    with caplog.at_level(logging.INFO, logger="axes"):
        lock(client)
        sign_in(client, RIGHT)
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address) == ("reporter_a", "127.0.0.1")
    assert attempt.failures_since_start == 6  # the refused right password counts too
    assert RIGHT not in attempt.post_data and WRONG not in attempt.post_data  # masked
    failures = AccessFailureLog.objects.filter(username="reporter_a").order_by("attempt_time")
    assert [f.locked_out for f in failures] == [False] * 4 + [True, True]
    assert not AccessLog.objects.exists()  # no sign-in got through
    locking = [r.getMessage() for r in caplog.records if "Locking out" in r.getMessage()]
    assert locking and 'username: "reporter_a"' in locking[0]
    assert 'ip_address: "127.0.0.1"' in locking[0]


def test_the_lock_holds_only_for_the_address_it_came_from(client, reporter_a):
    lock(client)
    colleague = Client(REMOTE_ADDR="10.20.0.7")  # the owner, at their own desk
    assert sign_in(colleague, RIGHT).status_code == 302 and is_signed_in(colleague)


def test_an_admin_unlocks_with_the_reset_command(client, reporter_a):
    lock(client)
    call_command("axes_reset_username", "reporter_a", verbosity=0)
    assert sign_in(client, RIGHT).status_code == 302 and is_signed_in(client)


def test_an_admin_unlocks_in_the_admin(client, reporter_a, admin_user):
    lock(client)
    attempt = AccessAttempt.objects.get(username="reporter_a")
    staff = Client()
    staff.force_login(admin_user)
    changelist = staff.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200 and "reporter_a" in changelist.content.decode()
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert staff.post(url, {"post": "yes"}).status_code == 302
    assert sign_in(client, RIGHT).status_code == 302 and is_signed_in(client)


def test_the_cool_off_unlocks(client, reporter_a):
    lock(client)
    last_attempt = AccessAttempt.objects.get(username="reporter_a").attempt_time
    # 29 minutes on: still locked (and the attempt starts the wait again)
    AccessAttempt.objects.update(attempt_time=last_attempt - timedelta(minutes=29))
    assert sign_in(client, RIGHT).status_code == 429
    # 30 minutes after the last attempt: the lock has lifted and the count starts afresh
    cool_off = settings.AXES_COOLOFF_TIME
    assert cool_off == timedelta(minutes=30)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - timedelta(seconds=1))
    assert sign_in(client, RIGHT).status_code == 302 and is_signed_in(client)


def test_a_successful_sign_in_clears_the_count(client, reporter_a):
    fail(client, 4)
    assert sign_in(client, RIGHT).status_code == 302
    client.logout()
    fail(client, 4)  # four more do not lock: the count started again
    assert AccessLog.objects.filter(username="reporter_a").count() == 1


def test_an_unknown_user_name_is_locked_out_the_same_way(client, db):
    fail(client, 4)  # no user reporter_a in this test
    assert sign_in(client, WRONG).status_code == 429


def test_an_overlong_user_name_is_an_ordinary_failure(client, db):
    response = sign_in(client, WRONG, username="u" * 5000)
    assert response.status_code == 200 and BAD_PASSWORD in response.content.decode()
    assert AccessAttempt.objects.get().username == "u" * 150  # the longest a user name can be


def client_address(**env: str) -> list[str]:
    """What django-axes takes as the client's address for a few requests, with the settings
    the environment gives."""
    code = (
        "django.setup(); from django.test import RequestFactory; "
        "from axes.helpers import get_client_ip_address as ip; f = RequestFactory(); "
        "print(ip(f.get('/', REMOTE_ADDR='10.0.0.1'))); "
        "print(ip(f.get('/', REMOTE_ADDR='10.0.0.1', HTTP_X_FORWARDED_FOR='10.30.1.5'))); "
        "print(ip(f.get('/', REMOTE_ADDR='10.0.0.1', HTTP_X_FORWARDED_FOR='1.2.3.4, 10.30.1.5'))); "
        "print(ip(f.get('/', REMOTE_ADDR='10.0.0.1', HTTP_X_REAL_IP='10.30.1.6')))"
    )
    result = settings_in_subprocess(code, DEBUG="1", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_without_a_proxy_the_address_is_the_connections_and_headers_are_ignored():
    assert client_address() == ["10.0.0.1"] * 4


def test_behind_one_proxy_the_address_comes_from_its_header():
    # a header the client wrote itself ("1.2.3.4, ...") gives no address rather than its own
    assert client_address(REVERSE_PROXY_COUNT="1") == ["None", "10.30.1.5", "None", "None"]
    assert client_address(REVERSE_PROXY_COUNT="1", REVERSE_PROXY_IP_HEADER="X-Real-IP") == [
        "None",
        "None",
        "None",
        "10.30.1.6",
    ]


def test_behind_two_proxies_the_outer_ones_address_is_taken():
    assert client_address(REVERSE_PROXY_COUNT="2")[2] == "1.2.3.4"


def test_lockout_settings_come_from_the_environment():
    code = (
        "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT); "
        "print(s.AXES_COOLOFF_TIME); print(s.SESSION_COOKIE_AGE)"
    )
    result = settings_in_subprocess(
        code,
        DEBUG="1",
        LOGIN_FAILURE_LIMIT="3",
        LOGIN_LOCKOUT_MINUTES="0",
        SESSION_IDLE_TIMEOUT="600",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "None", "600"]  # 0 minutes: only an admin unlocks


def test_without_a_cool_off_the_page_says_to_ask_an_admin(client, reporter_a):
    with override_settings(AXES_COOLOFF_TIME=None):
        lock(client)
        body = sign_in(client, RIGHT).content.decode()
    assert "请联系系统管理员解锁" in body and "分钟后再试" not in body


# --------------------------------------------------------------------------- account page


def test_account_page_needs_sign_in(client, db):
    response = client.get(reverse("account"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_account_page_shows_who_the_user_is(client, reporter_a):
    reporter_a.last_name = "王"
    reporter_a.save()
    client.force_login(reporter_a)
    response = client.get(reverse("account"))
    assert response.status_code == 200
    account = response.context["account"]
    assert account.name == "王测试" and account.username == "reporter_a"
    assert account.roles == ["县区填报员"] and account.counties == ["东城区"]
    body = response.content.decode()
    assert "王测试" in body and "县区填报员" in body and "东城区" in body
    assert reverse("api_tokens") in body
    assert 'name="old_password"' in body and 'name="new_password1"' in body
    assert "密码至少要有 12 个字符" in body  # the rules, in Chinese
    assert "四类字符中的 3 类" in body


def test_account_page_of_a_department_reporter_and_of_city_staff(client, reviewer):
    finance = UserFactory(username="finance", roles=[Role.DEPARTMENT])
    DepartmentMembershipFactory(user=finance, department__name="市财政局")
    client.force_login(finance)
    account = client.get(reverse("account")).context["account"]
    assert account.roles == ["部门填报员"] and account.departments == ["市财政局"]
    assert account.counties == [] and not account.sees_every_county
    client.force_login(reviewer)
    body = client.get(reverse("account")).content.decode()
    assert "审核员" in body and "全市所有县区" in body


def test_the_user_box_links_the_account_page(client, reporter_a):
    client.force_login(reporter_a)
    body = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("account")}"' in body and f'href="{reverse("api_tokens")}"' in body


NEW = "Blue-river-7-stones"


def change(client: Client, old: str, new: str, again: str | None = None):
    data = {"old_password": old, "new_password1": new, "new_password2": again or new}
    return client.post(reverse("account"), data, follow=True)


def test_changing_the_password_keeps_the_session(client, reporter_a):
    client.force_login(reporter_a)
    response = change(client, RIGHT, NEW)
    assert response.redirect_chain == [(reverse("account"), 302)]
    assert "密码已修改" in response.content.decode()
    assert client.get(reverse("account")).status_code == 200  # still signed in
    reporter_a.refresh_from_db()
    assert reporter_a.check_password(NEW)
    other = Client()
    assert sign_in(other, RIGHT).status_code == 200  # the old one no longer works
    assert sign_in(other, NEW).status_code == 302


def test_changing_the_password_ends_the_users_other_sessions(client, reporter_a):
    elsewhere = Client()
    elsewhere.force_login(reporter_a)
    client.force_login(reporter_a)
    change(client, RIGHT, NEW)
    assert elsewhere.get(reverse("account")).status_code == 302


def test_the_old_password_is_required(client, reporter_a):
    client.force_login(reporter_a)
    response = change(client, WRONG, NEW)
    assert response.status_code == 200 and response.redirect_chain == []
    assert "旧密码不正确" in response.content.decode()
    reporter_a.refresh_from_db()
    assert reporter_a.check_password(RIGHT)


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Qingchuan2026", "单词或拼音加一串数字"),
        ("Short-1a", "密码太短：至少要有 12 个字符"),
        ("lowercase-only-words", "四类字符中的 3 类"),
        ("reporter_a-Extra9", "太相似"),
    ],
)
def test_a_weak_new_password_is_refused_with_the_reason(client, reporter_a, new, message):
    client.force_login(reporter_a)
    response = change(client, RIGHT, new)
    assert response.redirect_chain == []
    assert message in response.content.decode()
    reporter_a.refresh_from_db()
    assert reporter_a.check_password(RIGHT)


def test_the_two_new_passwords_must_match(client, reporter_a):
    client.force_login(reporter_a)
    response = change(client, RIGHT, NEW, again=NEW + "x")
    assert response.redirect_chain == [] and "输入的两个密码不一致" in response.content.decode()


def test_changing_the_password_needs_the_csrf_token(reporter_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter_a)
    data = {"old_password": RIGHT, "new_password1": NEW, "new_password2": NEW}
    assert client.post(reverse("account"), data).status_code == 403
    reporter_a.refresh_from_db()
    assert reporter_a.check_password(RIGHT)
    page = client.get(reverse("account"))
    token = page.context["csrf_token"]
    response = client.post(reverse("account"), {**data, "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302


# ---------------------------------------------------------------------------- idle timeout


def session_row(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def test_a_session_idle_past_the_timeout_is_signed_out(client, reporter_a):
    client.force_login(reporter_a)
    assert client.get(reverse("home")).status_code == 200
    # the session was last used longer ago than the idle timeout: its expiry has passed
    Session.objects.filter(pk=session_row(client).pk).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_each_request_pushes_the_expiry_a_full_timeout_ahead(client, reporter_a):
    assert settings.SESSION_IDLE_TIMEOUT == settings.SESSION_COOKIE_AGE == 30 * 60
    client.force_login(reporter_a)
    key = session_row(client).pk
    # one minute before the session would end, the user does something
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    before = timezone.now()
    assert client.get(reverse("home")).status_code == 200
    expiry = Session.objects.get(pk=key).expire_date
    assert before + timedelta(minutes=29) < expiry <= timezone.now() + timedelta(minutes=30)


def test_the_session_cookie_ends_with_the_browser(client, reporter_a):
    assert sign_in(client, RIGHT).status_code == 302
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
