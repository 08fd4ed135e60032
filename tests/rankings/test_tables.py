"""Per-category and per-indicator tables and the city overview, read from stored runs."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from rankings import services
from rankings.models import RankingRun
from rankings.selectors import tables

# the `city` fixture: gdp 110 / 105 / 102 and the zone 130 on a base of 100 each;
# retail 52 / 55 / 51 and the zone 60 on a base of 50 each (亿元, flows)


@pytest.fixture
def scored(city):
    for month in ("september", "october"):
        services.ranking_recompute(period=city[month], trigger="command")
    return city


def test_category_table_rows_cells_and_city_totals(scored, leader):
    table = tables.category_table(scored["october"], leader, None)
    assert table.category.category.code == "growth"
    assert [c.indicator.code for c in table.columns] == ["gdp", "retail"]
    # ranked counties by category rank, the unranked zone last
    assert [r.county.code for r in table.rows] == ["369901", "369902", "369903", "369971"]
    assert [r.rank for r in table.rows] == [1, 2, 3, None]
    assert [r.subtotal for r in table.rows[:3]] == [Decimal("96"), Decimal("94"), Decimal("80")]
    east = table.rows[0].cells
    assert (east[0].value, east[0].growth, east[0].rank, east[0].score) == (
        Decimal("110"),
        Decimal("10"),
        1,
        Decimal("60"),
    )
    gdp, retail = table.columns
    assert gdp.summable and gdp.reporting == 4
    assert gdp.total == Decimal("447")  # the zone's figure is part of the city's
    assert gdp.total_growth == Decimal("11.75")  # 447 / 400
    assert retail.total == Decimal("218") and retail.total_growth == Decimal("9")


def test_indicator_detail_is_ordered_by_that_indicators_rank(scored, leader):
    table = tables.category_table(scored["october"], leader, "growth")
    (gdp_col, gdp_rows), (retail_col, retail_rows) = table.details
    assert [row.county.code for row, _cell in retail_rows] == [
        "369902",
        "369901",
        "369903",
        "369971",
    ]
    assert [cell.rank for _row, cell in retail_rows] == [1, 2, 3, None]


def test_rates_show_the_ranked_average_instead_of_a_sum(scored, leader):
    gdp = scored["gdp"]
    gdp.unit, gdp.kind = "%", "rate"
    gdp.save()
    column = tables.category_table(scored["october"], leader, None).columns[0]
    assert not column.summable and column.total is None
    assert column.average_basis == Decimal("17") / 3  # (10 + 5 + 2) / 3: ranked counties only


def test_category_page(client, scored, leader):
    client.force_login(leader)
    response = client.get(reverse("category_table"), {"period": "2026-10"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "分项排名" in body and "地区生产总值" in body
    assert "全市合计" in body and "447.00 亿元" in body and "11.75%" in body
    assert "未发布" in body


def test_category_page_shows_the_basis_average_and_target_in_the_basis_terms(
    client, scored, leader
):
    """A rate scored on its level against a target of 5: the basis column, the ranked
    counties' average and the target read alike (here gdp is made a % rate on its level)."""
    gdp = scored["gdp"]
    gdp.unit, gdp.kind, gdp.decimals = "%", "rate", 1
    gdp.save()
    rule = scored["ruleset"].indicators.get(indicator=gdp)
    # set-up only: the base manager skips the published-rules guard
    type(rule)._base_manager.filter(pk=rule.pk).update(
        basis="value", method="target", params={"target": 105, "cap": 1.2}
    )
    services.ranking_recompute(period=scored["october"], trigger="command")
    client.force_login(leader)
    body = client.get(reverse("category_table"), {"period": "2026-10"}).content.decode()
    assert '<td class="num">110.0%</td>' in body  # 东城区's value and basis, at 1 decimal
    assert '<td class="num">105.7%</td>' in body  # the ranked average, (110 + 105 + 102) / 3
    assert '<td class="num">105.0%</td>' in body  # the target: not "105%"


def test_a_stored_figure_reads_the_same_on_every_page(client, scored, leader, admin_user):
    """东城区, October: gdp 110 亿元, +10 %, 60 points; a total of 96 points."""
    from indicators.services import ruleset_new_version
    from tests.indicators.test_editor import editor_post

    client.force_login(leader)
    category = client.get(reverse("category_table"), {"period": "2026-10"}).content.decode()
    profile = client.get(reverse("county_profile", args=["369901"])).content.decode()
    for text in ("110.00 亿元", "10.00%", "60.00 分"):
        cell = f'<td class="num">{text}</td>'
        assert cell in category and cell in profile
    client.force_login(admin_user)
    draft = ruleset_new_version(source=scored["ruleset"], user=admin_user)
    data = editor_post(client, draft, preview_period="2026-10")
    whatif = client.post(reverse("ruleset_preview", args=[draft.pk]), data).content.decode()
    league = client.get(reverse("league"), {"period": "2026-10"}).content.decode()
    assert '<td class="num">96.00</td>' in whatif  # stored total, what-if's 现总分（分）
    assert ">96.00</td>" in category  # the category subtotal: its only category, weight 100
    assert ">96.00</td>" in league


def test_reporter_sees_category_tables_only_once_published(client, scored, reporter_a):
    client.force_login(reporter_a)
    body = client.get(reverse("category_table")).content.decode()
    assert "还没有可查看的排名结果。" in body
    RankingRun.objects.filter(period=scored["october"]).update(
        is_published=True, published_at=timezone.now()
    )
    body = client.get(reverse("category_table")).content.decode()
    assert "地区生产总值" in body and "未发布" not in body


def test_city_overview_sums_the_counties(scored, leader):
    overview = tables.city_overview(scored["october"], leader)
    gdp, retail = overview.headlines
    assert gdp.total == Decimal("447") and gdp.growth == Decimal("11.75")
    assert gdp.reporting == 4 and overview.expected == 4
    assert gdp.fastest.code == "369901"  # ranked counties only: the zone's 30 % is not
    assert gdp.fastest_growth == Decimal("10")
    assert [p.month for p in overview.months] == [9, 10]
    assert overview.trend["地区生产总值"] == [Decimal("11.75"), Decimal("11.75")]


def test_city_overview_page_and_chart(client, scored, leader):
    client.force_login(leader)
    response = client.get(reverse("city_overview"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "全市概览" in body and "447.00 亿元" in body
    assert '<script id="city-figure" type="application/json">' in body
    names = [t["name"] for t in response.context["figure"]["data"]]
    assert names == ["地区生产总值", "社会消费品零售总额"]


@pytest.mark.parametrize("name", ["category_table", "city_overview"])
def test_login_required(client, scored, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["category_table", "city_overview"])
def test_queries_do_not_grow(client, scored, leader, django_assert_max_num_queries, name):
    client.force_login(leader)
    with django_assert_max_num_queries(17):  # +3: the session saved each request
        assert client.get(reverse(name)).status_code == 200


def test_pages_in_english_name_counties_categories_and_indicators_in_english(
    client, scored, leader, settings
):
    for model in (scored["gdp"], scored["gdp"].category, scored["counties"]["369901"]):
        type(model).objects.filter(pk=model.pk).update(name_en="Eng " + model.name)
    client.force_login(leader)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("category_table")).content.decode()
    assert "Eng 地区生产总值" in body and "Eng 主要经济指标" in body and "Eng 东城区" in body
    body = client.get(reverse("county_profile", args=["369901"])).content.decode()
    assert "Eng 东城区" in body and "Eng 地区生产总值" in body
    figure = client.get(reverse("heatmap")).context["figure"]
    assert "Eng 东城区" in figure["data"][0]["y"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    body = client.get(reverse("category_table")).content.decode()
    assert "Eng 地区生产总值" not in body and "地区生产总值" in body
