"""The rank heatmap: stored ranks of every county on every indicator, visibility as the league
table, a fixed number of queries."""

import json

import pytest
from django.urls import reverse

from rankings import services
from rankings.models import RankingRun


@pytest.fixture
def scored(city):
    services.ranking_recompute(period=city["september"], trigger="command")
    services.ranking_recompute(period=city["october"], trigger="command")
    return city


def figure_of(response) -> dict:
    body = response.content.decode()
    start = body.index('<script id="heatmap-figure" type="application/json">') + len(
        '<script id="heatmap-figure" type="application/json">'
    )
    return json.loads(body[start : body.index("</script>", start)])


def test_leader_sees_every_county_and_indicator_rank(client, scored, leader):
    client.force_login(leader)
    response = client.get(reverse("heatmap"), {"period": "2026-10"})
    assert response.status_code == 200
    trace = figure_of(response)["data"][0]
    assert trace["y"] == ["东城区", "西城区", "南山县", "高新区"]
    assert trace["x"] == ["地区生产总值", "社会消费品零售总额"]
    # GDP growth 10/5/2%, retail 4/10/2%; the zone is not ranked.
    assert trace["z"] == [[1, 2], [2, 1], [3, 3], [None, None]]
    assert "vendor/plotly/plotly-3.7.0.min.js" in response.content.decode()


def test_reporter_sees_published_periods_only(client, scored, reporter_a):
    client.force_login(reporter_a)
    assert "还没有可查看的排名结果" in client.get(reverse("heatmap")).content.decode()
    RankingRun.objects.filter(period=scored["september"]).update(is_published=True)
    assert client.get(reverse("heatmap")).context["period"] == scored["september"]
    # October is computed but not published: asked for, it is refused, not swapped
    assert client.get(reverse("heatmap"), {"period": "2026-10"}).status_code == 404


def test_heatmap_queries_do_not_grow(client, scored, leader, django_assert_max_num_queries):
    client.force_login(leader)
    with django_assert_max_num_queries(15):  # +3: the session saved each request
        assert client.get(reverse("heatmap")).status_code == 200


def test_a_quarterly_indicator_in_an_off_month_is_named_not_left_blank(client, city, leader):
    """2027's rules score energy intensity quarterly: October's heatmap says its column is
    empty because the month does not score it."""
    from decimal import Decimal

    from django.utils import timezone

    from tests.factories import (
        IndicatorFactory,
        PeriodFactory,
        RuleSetCategoryFactory,
        RuleSetFactory,
        RuleSetIndicatorFactory,
        SubmissionFactory,
        SubmissionValueFactory,
    )

    gdp = city["gdp"]
    energy = IndicatorFactory(code="energy", name="单位GDP能耗", category=gdp.category)
    rules = RuleSetFactory(year=2027, status="published", published_at=timezone.now())
    rc = RuleSetCategoryFactory(ruleset=rules, category=gdp.category, weight=Decimal("100"))
    RuleSetIndicatorFactory(ruleset=rules, indicator=gdp, category=rc, weight=Decimal("60"))
    RuleSetIndicatorFactory(
        ruleset=rules, indicator=energy, category=rc, weight=Decimal("40"), frequency="quarterly"
    )
    october = PeriodFactory(year=2027, month=10)
    now = timezone.now()
    for n, county in enumerate(city["counties"].values()):
        s = SubmissionFactory(
            county=county, period=october, status="approved", submitted_at=now, reviewed_at=now
        )
        SubmissionValueFactory(
            submission=s, indicator=gdp, value=Decimal(110 + n), prior_value=Decimal(100)
        )
    services.ranking_recompute(period=october, trigger="command")
    client.force_login(leader)
    body = client.get(reverse("heatmap"), {"period": "2027-10"}).content.decode()
    assert "季度指标，本月不考核（列为空）：单位GDP能耗" in body
