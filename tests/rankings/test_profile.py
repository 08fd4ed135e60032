"""County profile: rank trend and leading/short-board indicators from stored runs, with the
league table's visibility rule (city staff the current run, county users published runs)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from rankings import services
from rankings.models import RankingRun
from rankings.selectors.breakdown import total_breakdown
from rankings.selectors.profile import county_profile, is_leading, is_short_board


@pytest.fixture
def scored(city):
    services.ranking_recompute(period=city["september"], trigger="command")
    services.ranking_recompute(period=city["october"], trigger="command")
    return city


def url(code):
    return reverse("county_profile", args=[code])


def test_city_staff_see_the_unpublished_months(scored, leader):
    data = county_profile(scored["counties"]["369901"], 2026, leader)
    assert [p.month for p in data.periods] == [9, 10]
    assert data.ranks == [1, 1]
    assert data.n_ranked == 3
    assert data.latest == scored["october"]
    assert not data.latest_run.is_published


def test_reporter_sees_only_published_months(client, scored, reporter_a):
    county = scored["counties"]["369902"]  # not the reporter's own county: rankings are public
    assert county_profile(county, 2026, reporter_a) is None
    client.force_login(reporter_a)
    assert "还没有可查看的排名结果。" in client.get(url("369902")).content.decode()

    RankingRun.objects.filter(period=scored["september"]).update(
        is_published=True, published_at=timezone.now()
    )
    data = county_profile(county, 2026, reporter_a)
    assert [p.month for p in data.periods] == [9]
    assert data.latest == scored["september"]
    body = client.get(url("369902")).content.decode()
    assert "2026年1-9月" in body
    assert "2026年1-10月" not in body


def test_leading_and_short_boards(scored, leader):
    # gdp growth 10 / 5 / 2 %, retail 4 / 10 / 2 % for 东城区 / 西城区 / 南山县; the zone unranked
    def split(code):
        data = county_profile(scored["counties"][code], 2026, leader)
        return (
            [line.indicator.code for line in data.leading],
            [line.indicator.code for line in data.short_boards],
        )

    assert split("369901") == (["gdp"], [])
    assert split("369902") == (["retail"], [])
    assert split("369903") == ([], ["gdp", "retail"])
    assert split("369971") == ([], [])


def test_a_growth_basis_is_charted_as_growth_against_the_ranked_average(scored, leader):
    data = county_profile(scored["counties"]["369901"], 2026, leader)
    assert data.chart_rule.indicator == scored["gdp"] and data.chart_rule.basis == "growth"
    assert data.basis_series == [Decimal(10), Decimal(10)]
    # (10 + 5 + 2) / 3, the zone's 30 % left out
    assert data.city_average == [Decimal(17) / 3, Decimal(17) / 3]
    assert data.basis_target is None  # rank points: no target


def test_thirds():
    assert [is_leading(r, 3) for r in (1, 2, 3)] == [True, False, False]
    assert [is_short_board(r, 3) for r in (1, 2, 3)] == [False, False, True]
    assert [is_leading(r, 7) for r in range(1, 8)] == [True, True] + [False] * 5
    assert [is_short_board(r, 7) for r in range(1, 8)] == [False] * 5 + [True, True]
    assert not is_leading(1, 1) and not is_short_board(1, 1)
    assert not is_leading(None, 3) and not is_short_board(None, 3)


def test_page_for_city_staff(client, scored, leader):
    client.force_login(leader)
    response = client.get(url("369903"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "南山县" in body
    assert '<script id="rank-figure" type="application/json">' in body
    assert '<script id="basis-figure" type="application/json">' in body
    assert "vendor/plotly/plotly-3.7.0.min.js" in body
    assert "js/county_profile.js" in body
    assert "短板指标" in body
    assert "未发布" in body
    assert "cdn" not in body.lower()


def test_year_parameter(client, scored, leader):
    client.force_login(leader)
    assert client.get(url("369901"), {"year": "2026"}).context["year"] == 2026
    assert client.get(url("369901"), {"year": "1999"}).context["year"] == 2026
    assert client.get(url("369901"), {"year": "x"}).context["year"] == 2026


def test_unknown_or_inactive_county_is_404(client, scored, leader):
    client.force_login(leader)
    assert client.get(url("999999")).status_code == 404
    zone = scored["counties"]["369971"]
    zone.is_active = False
    zone.save()
    assert client.get(url("369971")).status_code == 404


def test_login_required(client, scored):
    response = client.get(url("369901"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_queries_do_not_grow(client, scored, leader, django_assert_max_num_queries):
    client.force_login(leader)
    # the profile's 9, the breakdown's (it reuses the profile's rules and results; it reads
    # the bonus-item and veto history only when there is something to explain), the session,
    # the user, its roles, the menu's flags, and the county's and the city's progress rows
    with django_assert_max_num_queries(22):  # +3: the session saved each request
        assert client.get(url("369901")).status_code == 200
    data = None
    with django_assert_max_num_queries(10):  # the profile's 9 and the user's roles
        data = county_profile(scored["counties"]["369901"], 2026, leader)
    assert data is not None
    with django_assert_max_num_queries(5):  # on its own, with no bonus items or veto
        assert total_breakdown(data.latest_run, scored["counties"]["369901"]) is not None


def test_gap_to_the_next_place_comes_from_the_stored_run(client, scored, leader):
    data = county_profile(scored["counties"]["369903"], 2026, leader)
    gaps = {line.indicator.code: line for line in data.gap_lines}
    # 南山县 grows 2.0 % on both; the next better are 5.0 % (gdp) and 4.0 % (retail)
    assert gaps["gdp"].gap_basis == 5 and gaps["gdp"].gap_value == 105
    assert gaps["gdp"].gap_increase == 3  # from 102 to 105
    assert gaps["gdp"].gap_rank == 2 and gaps["gdp"].gap_points == 6
    assert gaps["retail"].gap_basis == 4 and gaps["retail"].gap_points == 4
    assert [line.indicator.code for line in data.gap_lines] == [
        "gdp",
        "retail",
    ]  # most points first
    client.force_login(leader)
    body = client.get(url("369903")).content.decode()
    assert "争先进位" in body
    assert "第3→2名" in body
    assert "+6.00 分" in body


def test_leaders_of_every_indicator_have_no_gap(scored, leader):
    data = county_profile(scored["counties"]["369901"], 2026, leader)
    assert [line.indicator.code for line in data.gap_lines] == ["retail"]  # first on gdp


def test_thirds_are_counted_within_the_peer_group(scored, leader):
    ruleset = scored["ruleset"]
    # set-up only: the base manager skips the published-rules guard
    type(ruleset)._base_manager.filter(pk=ruleset.pk).update(
        peer_groups={"by": "kind", "groups": {"urban": ["district"], "rural": ["county"]}}
    )
    for month in ("september", "october"):
        services.ranking_recompute(period=scored[month], trigger="command")
    east = county_profile(scored["counties"]["369901"], 2026, leader)
    assert east.peer_group == "urban" and east.n_ranked == 2  # 东城区 and 西城区
    assert [line.n_ranked for line in east.lines] == [2, 2]
    south = county_profile(scored["counties"]["369903"], 2026, leader)
    assert south.n_ranked == 1 and south.total_rank == 1  # alone among the counties
    assert south.leading == [] and south.short_boards == []  # no thirds in a group of one


def test_growth_chart_follows_the_chosen_indicator_and_shows_the_target(client, scored, leader):
    rule = scored["ruleset"].indicators.get(indicator__code="retail")
    # set-up only: the base manager skips the published-rules guard
    type(rule)._base_manager.filter(pk=rule.pk).update(
        method="target", params={"target": 5.0, "cap": 1.2}
    )
    services.ranking_recompute(period=scored["october"], trigger="command")
    data = county_profile(scored["counties"]["369901"], 2026, leader, "retail")
    assert data.chart_rule.indicator.code == "retail"
    assert data.basis_target == 5
    retail = next(line for line in data.lines if line.indicator.code == "retail")
    assert retail.target == 5 and retail.meets_target is False  # 4.0 % against 5 %
    client.force_login(leader)
    response = client.get(url("369901"), {"indicator": "retail"})
    figure = response.context["basis_figure"]
    assert [trace["name"] for trace in figure["data"]] == ["本县区", "参评县区平均", "省定目标"]
    county, _average, target = figure["data"]
    assert county["customdata"][-1] == "4.00%" and target["customdata"][0] == "5.00%"
    assert figure["layout"]["yaxis"]["title"]["text"] == "社会消费品零售总额同比增速（%）"
    # the indicator table: the target reads like the basis beside it
    body = response.content.decode()
    assert '<td class="num">4.00%</td><td class="num"><span class="target-missed">5.00% ✗' in body


def test_a_level_scored_indicator_is_charted_as_its_level_with_the_target_in_its_unit(
    client, scored, leader
):
    """Retail scored on its year-to-date value (亿元) against a target of 53: the chart shows
    the value, not its growth, and the target line is in 亿元 too."""
    rule = scored["ruleset"].indicators.get(indicator__code="retail")
    # set-up only: the base manager skips the published-rules guard
    type(rule)._base_manager.filter(pk=rule.pk).update(
        basis="value", method="target", params={"target": 53, "cap": 1.2}
    )
    for month in ("september", "october"):
        services.ranking_recompute(period=scored[month], trigger="command")
    data = county_profile(scored["counties"]["369901"], 2026, leader, "retail")
    assert data.chart_rule.basis == "value"
    assert data.basis_series == [Decimal(52), Decimal(52)]  # the level, not +4.0 %
    assert data.city_average == [Decimal(158) / 3] * 2  # (52 + 55 + 51) / 3
    assert data.basis_target == 53
    client.force_login(leader)
    response = client.get(url("369901"), {"indicator": "retail"})
    county, average, target = response.context["basis_figure"]["data"]
    assert list(county["y"]) == [52.0, 52.0]
    assert list(county["customdata"]) == ["52.00 亿元", "52.00 亿元"]
    assert list(average["customdata"]) == ["52.67 亿元", "52.67 亿元"]
    assert list(target["y"]) == [53.0, 53.0] and target["customdata"][0] == "53.00 亿元"
    yaxis = response.context["basis_figure"]["layout"]["yaxis"]
    assert yaxis["title"]["text"] == "社会消费品零售总额（亿元）" and yaxis["ticksuffix"] == ""
    body = response.content.decode()
    # the indicator table: value, growth, basis and target, each in its one text
    assert (
        '<td class="num">52.00 亿元</td><td class="num">4.00%</td>'
        '<td class="num">52.00 亿元</td><td class="num"><span class="target-missed">'
        "53.00 亿元 ✗</span></td>"
    ) in body


def test_every_scored_indicator_can_be_charted(scored, leader):
    rule = scored["ruleset"].indicators.get(indicator__code="retail")
    type(rule)._base_manager.filter(pk=rule.pk).update(basis="value")
    services.ranking_recompute(period=scored["october"], trigger="command")
    data = county_profile(scored["counties"]["369901"], 2026, leader)
    assert [line.indicator.code for line in data.chart_lines] == ["gdp", "retail"]
    assert data.chart_rule.indicator.code == "gdp"  # the first growth-based by default


def test_a_county_that_missed_the_newest_month_shows_its_last_month_with_a_place(
    client, scored, leader
):
    from counties.models import Submission

    Submission.objects.filter(county__code="369903", period=scored["october"]).update(
        status="submitted"
    )
    services.ranking_recompute(period=scored["october"], trigger="command")
    data = county_profile(scored["counties"]["369903"], 2026, leader)
    assert data.ranks == [3, None]  # the chart keeps both months
    assert data.latest == scored["september"] and data.newest == scored["october"]
    assert data.total_rank == 3
    assert {line.indicator.code for line in data.short_boards} == {"gdp", "retail"}
    client.force_login(leader)
    body = client.get(url("369903")).content.decode()
    assert "2026年1-10月未参与排名（缺报或未审核）" in body


def test_a_threshold_gap_says_what_reaching_the_threshold_brings(scored, leader):
    """A threshold-then-rank target reads 达到门槛 7.00%; a count's change is in whole units."""
    from rankings.templatetags.ranking_cells import gap_line_row

    data = county_profile(scored["counties"]["369903"], 2026, leader)
    line = next(line for line in data.lines if line.indicator.code == "gdp")
    line.gap_kind, line.gap_basis = "threshold", Decimal("7")
    assert "达到门槛 7.00%" in gap_line_row(line, data.total_rank)
    line.gap_kind = "next"
    assert "达到门槛" not in gap_line_row(line, data.total_rank)
