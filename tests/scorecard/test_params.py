"""Years, months and ids read from query strings and form fields: ASCII digits within range,
or nothing; never a server error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from indicators.models import RuleSet
from scorecard.params import id_param, month_param, year_param


@pytest.mark.parametrize(
    ("text", "year"),
    [("2026", 2026), ("²⁰²⁶", None), ("２０２６", None), ("1" * 4000, None), ("9999", None),
     ("-2026", None), ("", None), (None, None), ("2026\x00", None)],
)  # fmt: skip
def test_year_param(text, year):
    assert year_param(text) == year


def test_month_and_id_params():
    assert [month_param(t) for t in ("1", "09", "12", "13", "0", "²", "")] == [
        1, 9, 12, None, None, None, None,
    ]  # fmt: skip
    assert [id_param(t) for t in ("7", "0", "abc", str(2**40), "１", "-1")] == [
        7, None, None, None, None, None,
    ]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["²", "1" * 3000, "99999999999999999999", "２０２６", "-1"])
def test_odd_years_in_query_strings_are_ignored(client, leader, year):
    client.force_login(leader)
    assert client.get(reverse("completeness"), {"year": year}).status_code == 200
    assert client.get(reverse("county_profile", args=["369901"]), {"year": year}).status_code in (
        200,
        404,  # no such county in this empty city: a page, not a server error
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "year"), [("abc", "2027"), (str(2**40), "2027"), ("1", "²"), ("1", "9" * 500)]
)
def test_cloning_a_rule_set_with_odd_fields_changes_nothing(client, admin_user, source, year):
    client.force_login(admin_user)
    before = RuleSet.objects.count()
    response = client.post(reverse("ruleset_clone"), {"source": source, "year": year})
    assert response.status_code in (302, 404)
    assert RuleSet.objects.count() == before
