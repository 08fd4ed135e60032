"""Shared test fixtures: the cast every access test needs (healthchecks' alice/bob/charlie).

- `county_a`, `county_b`: two counties; `reporter_a` reports for county_a only;
- `reporter_b`: reports for county_b (the out-of-county user for county_a's data);
- `reviewer`, `leader`, `admin_user`: city staff.
"""

import pytest

from counties.access import Role
from tests.factories import CountyFactory, MembershipFactory, PeriodFactory, UserFactory


@pytest.fixture
def county_a(db):
    return CountyFactory(code="369901", name="东城区", name_en="Dongcheng District")


@pytest.fixture
def county_b(db):
    return CountyFactory(code="369921", name="北山县", name_en="Beishan County", kind="county")


@pytest.fixture
def zone(db):
    return CountyFactory(
        code="369971", name="高新区", name_en="High-tech Zone", kind="zone", is_ranked=False
    )


@pytest.fixture
def reporter_a(county_a):
    user = UserFactory(username="reporter_a", roles=[Role.REPORTER])
    MembershipFactory(user=user, county=county_a)
    return user


@pytest.fixture
def reporter_b(county_b):
    user = UserFactory(username="reporter_b", roles=[Role.REPORTER])
    MembershipFactory(user=user, county=county_b)
    return user


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", roles=[Role.REVIEWER])


@pytest.fixture
def leader(db):
    return UserFactory(username="leader", roles=[Role.LEADER])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True, roles=[Role.ADMIN])


@pytest.fixture
def period(db):
    return PeriodFactory(year=2026, month=10)


@pytest.fixture(autouse=True)
def chinese_by_default():
    """Each test starts in the default language: a request handled in English by an earlier
    test must not leave English active in this thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def emails_stay_in_process(monkeypatch):
    """Notification emails are handed to Celery after a commit; in tests they are kept in this
    list instead of the shared Redis queue (tests/supervision/test_notifications.py runs the
    task itself and reads Django's outbox)."""
    from supervision import tasks

    queued: list = []
    monkeypatch.setattr(
        tasks.send_notification_emails, "apply_async", lambda *a, **kw: queued.append(a)
    )
    return queued
