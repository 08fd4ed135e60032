"""Control characters in any query-string or form field are refused before a view runs."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from counties.models import Submission
from indicators.models import RuleSet
from tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("text", ["退回\x00原因", "\x1b[31m", "a\x7fb"])
def test_a_return_reason_with_a_control_character_is_refused(client, reviewer, county_a, text):
    submission = SubmissionFactory(county=county_a, status="submitted", submitted_at=timezone.now())
    client.force_login(reviewer)
    response = client.post(reverse("submission_return", args=[submission.pk]), {"reason": text})
    assert response.status_code == 400
    body = response.content.decode()
    assert "“reason”中含有不可见的控制字符" in body and "数据未作任何修改" in body
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED and submission.return_reason == ""


def test_query_strings_and_field_names_are_checked_too(client, leader, admin_user):
    client.force_login(leader)
    assert client.get(reverse("league"), {"period": "2026-10\x00"}).status_code == 400
    client.force_login(admin_user)
    before = RuleSet.objects.count()
    response = client.post(reverse("ruleset_clone"), {"source": "1", "year\x00": "2027"})
    assert response.status_code == 400 and RuleSet.objects.count() == before


def test_tabs_and_new_lines_are_ordinary_text(client, reviewer, county_a):
    submission = SubmissionFactory(county=county_a, status="submitted", submitted_at=timezone.now())
    client.force_login(reviewer)
    response = client.post(
        reverse("submission_return", args=[submission.pk]), {"reason": "第一行\r\n\t第二行"}
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.RETURNED
