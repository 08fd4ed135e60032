"""Chart builders are pure functions: plain lists in, a JSON-ready plotly figure dict out."""

import json
from decimal import Decimal

from indicators.models import Indicator, RuleSetIndicator, Unit
from rankings.presentation import charts


def rule_of(basis: str, name: str, unit: str = Unit.YI_YUAN, decimals: int = 2, **fields):
    """An unsaved rule on an unsaved indicator, both at `decimals`: what the chart reads,
    without a database."""
    indicator = Indicator(code="x", name=name, name_en=name, unit=unit, decimals=decimals)
    return RuleSetIndicator(indicator=indicator, basis=basis, decimals=decimals, **fields)


GDP = rule_of("growth", "地区生产总值", decimals=1)
UNEMPLOYMENT = rule_of("value", "城镇登记失业率", Unit.PERCENT, decimals=2)


def test_rank_trend_has_first_place_at_the_top():
    fig = charts.rank_trend(["9月", "10月"], [2, 1], n_ranked=3)
    (trace,) = fig["data"]
    assert trace["type"] == "scatter"
    assert list(trace["x"]) == ["9月", "10月"]
    assert list(trace["y"]) == [2, 1]
    yaxis = fig["layout"]["yaxis"]
    low, high = yaxis["range"]
    assert low > high  # reversed: 1 at the top
    assert (low, high) == (3.5, 0.5)
    assert (yaxis["tickmode"], yaxis["tick0"], yaxis["dtick"]) == ("linear", 1, 1)
    assert yaxis["title"]["text"] == "名次"
    assert fig["layout"]["xaxis"]["title"]["text"] == "月份"
    assert list(trace["customdata"]) == ["综合排名：第2名", "综合排名：第1名"]
    assert "%{customdata}" in trace["hovertemplate"]


def test_rank_trend_keeps_gaps_and_fits_every_rank():
    fig = charts.rank_trend(["8月", "9月", "10月"], [None, 5, 4], n_ranked=3)
    (trace,) = fig["data"]
    assert list(trace["y"]) == [None, 5, 4]
    assert list(trace["customdata"]) == ["", "综合排名：第5名", "综合排名：第4名"]
    assert fig["layout"]["yaxis"]["range"] == [5.5, 0.5]
    json.dumps(fig)  # what json_script will do


def test_a_growth_basis_is_charted_as_growth():
    fig = charts.basis_trend(
        ["9月", "10月"], [Decimal("10.0"), None], [Decimal(17) / 3, Decimal("5.5")], GDP
    )
    county, average = fig["data"]
    assert county["name"] == "本县区"
    assert average["name"] == "参评县区平均"
    assert list(county["y"]) == [10.0, None]
    assert average["y"][0] == float(Decimal(17) / 3) and average["y"][1] == 5.5
    # hover: the tables' text, rounded half up, never a plotly number format
    assert list(county["customdata"]) == ["10.00%", "–"]
    assert list(average["customdata"]) == ["5.67%", "5.50%"]
    assert county["hovertemplate"] == "%{x}<br>本县区：%{customdata}<extra></extra>"
    assert ":.1f" not in json.dumps(fig)
    assert fig["layout"]["yaxis"]["ticksuffix"] == "%"
    assert fig["layout"]["yaxis"]["title"]["text"] == "地区生产总值同比增速（%）"
    json.dumps(fig)


def test_a_level_is_charted_as_a_level_with_its_target_in_the_same_unit():
    """Unemployment is scored on its level: the chart shows the rate, not its growth."""
    fig = charts.basis_trend(
        ["9月", "10月"],
        [Decimal("3.1"), Decimal("3.25")],
        [Decimal("3.4"), Decimal("3.125")],
        UNEMPLOYMENT,
        target=Decimal("3.5"),
    )
    county, average, target = fig["data"]
    assert list(county["y"]) == [3.1, 3.25]
    assert list(county["customdata"]) == ["3.10%", "3.25%"]
    assert list(average["customdata"]) == ["3.40%", "3.13%"]
    assert list(target["y"]) == [3.5, 3.5] and target["customdata"][0] == "3.50%"
    assert fig["layout"]["yaxis"]["title"]["text"] == "城镇登记失业率（%）"


def test_a_level_in_another_unit_reads_in_that_unit():
    industry = rule_of("value", "规上工业增加值", Unit.YI_YUAN, decimals=2)
    fig = charts.basis_trend(["10月"], [Decimal("1234.5")], [None], industry, Decimal("1000"))
    county, average, target = fig["data"]
    assert county["customdata"] == ["1234.50 亿元"] and average["customdata"] == ["–"]
    assert target["customdata"] == ["1000.00 亿元"]
    assert fig["layout"]["yaxis"]["title"]["text"] == "规上工业增加值（亿元）"
    assert fig["layout"]["yaxis"]["ticksuffix"] == ""


def test_a_percentage_ratio_names_both_indicators():
    gdp = Indicator(code="gdp", name="地区生产总值", name_en="GDP", unit=Unit.YI_YUAN)
    rd = rule_of("ratio", "R&D经费支出", decimals=2, factor=Decimal("100"), denominator=gdp)
    fig = charts.basis_trend(["10月"], [Decimal("2.2")], [Decimal("1.875")], rd, Decimal("2.2"))
    county, average, target = fig["data"]
    assert county["customdata"] == ["2.20%"] and average["customdata"] == ["1.88%"]
    assert fig["layout"]["yaxis"]["title"]["text"] == "R&D经费支出 / 地区生产总值（%）"
    assert fig["layout"]["yaxis"]["ticksuffix"] == "%"


def test_rank_heatmap_rows_columns_colours_and_click_data():
    from rankings.presentation.charts import rank_heatmap

    fig = rank_heatmap(
        counties=["东城区", "西城区"],
        county_codes=["369901", "369902"],
        indicators=["地区生产总值", "社会消费品零售总额"],
        ranks=[[1, 2], [2, None]],
        n_ranked=2,
    )
    trace = fig["data"][0]
    assert trace["type"] == "heatmap"
    assert [list(r) for r in trace["z"]] == [[1, 2], [2, None]]
    assert list(trace["y"]) == ["东城区", "西城区"]
    assert fig["layout"]["yaxis"]["autorange"] == "reversed"  # first county at the top
    assert trace["colorscale"][0][1] == "#1f7a3a"  # first place green
    assert fig["layout"]["meta"] == ["369901", "369902"]  # county codes by row, for the click
    assert trace["texttemplate"] == "%{z}"
    assert trace["hovertemplate"] == "%{y} · %{x}：第%{z}名<extra></extra>"
    assert trace["hoverongaps"] is False  # no hover on unranked cells
    json.dumps(fig)


def test_rank_trend_draws_category_ranks_under_the_overall_rank():
    fig = charts.rank_trend(
        ["9月", "10月"], [2, 1], n_ranked=3, category_ranks={"主要经济指标": [3, 4]}
    )
    category, overall = fig["data"]
    assert category["name"] == "主要经济指标" and list(category["y"]) == [3, 4]
    assert list(category["customdata"]) == ["主要经济指标：第3名", "主要经济指标：第4名"]
    assert overall["name"] == "综合排名" and overall["line"]["width"] > category["line"]["width"]
    assert fig["layout"]["yaxis"]["range"] == [4.5, 0.5]  # the worst category rank fits
    assert fig["layout"]["showlegend"] is True


def test_a_growth_target_is_a_flat_line_reading_like_the_growth():
    fig = charts.basis_trend(
        ["9月", "10月"], [Decimal(6), Decimal(7)], [Decimal(5), Decimal("5.5")], GDP, Decimal(7)
    )
    *_, target = fig["data"]
    assert target["name"] == "省定目标"
    assert list(target["y"]) == [7.0, 7.0]
    assert list(target["customdata"]) == ["7.00%", "7.00%"]  # not 7%, as the tables show it


def test_city_growth_hover_reads_as_the_overview_table():
    fig = charts.city_growth(["9月", "10月"], {"地区生产总值": [Decimal("11.75"), None]})
    (trace,) = fig["data"]
    assert list(trace["y"]) == [11.75, None]
    assert list(trace["customdata"]) == ["11.75%", "–"]
    assert trace["hovertemplate"] == "%{x}<br>地区生产总值：%{customdata}<extra></extra>"


def test_rank_heatmap_hover_can_add_the_figures_as_the_tables_show_them():
    fig = charts.rank_heatmap(
        counties=["东城区"],
        county_codes=["369901"],
        indicators=["地区生产总值"],
        ranks=[[1]],
        n_ranked=1,
        cell_text=[["110.00 亿元 · 60.00 分"]],
    )
    trace = fig["data"][0]
    assert trace["customdata"] == [["110.00 亿元 · 60.00 分"]]
    assert trace["hovertemplate"] == "%{y} · %{x}：第%{z}名<br>%{customdata}<extra></extra>"


def test_rank_distribution_shares_round_half_up():
    fig = charts.rank_distribution(
        names=["东城区"],
        base_ranks=[1],
        ranks=[[1, 2]],
        firm=[True],
        medians=[1.5],
        shares=[0.665],
        n_ranked=2,
    )
    assert "保持基准名次：67%" in fig["data"][-1]["customdata"][0]  # f"{66.5:.0f}" gives 66


def test_chart_labels_in_english():
    from django.utils import translation

    with translation.override("en"):
        fig = charts.basis_trend(["M10"], [Decimal("3.1")], [None], UNEMPLOYMENT, Decimal("3.5"))
    county, _average, target = fig["data"]
    assert county["hovertemplate"] == "%{x}<br>This county: %{customdata}<extra></extra>"
    assert fig["layout"]["yaxis"]["title"]["text"] == "城镇登记失业率 (%)"


def test_every_figure_is_valid_plotly():
    """The figures are plain dicts for speed; plotly's own schema checks them here
    (an unknown or misspelt property raises)."""
    import plotly.graph_objects as go

    figures = [
        charts.rank_trend(["9月", "10月"], [2, 1], 3, {"主要经济指标": [3, None]}),
        charts.basis_trend(
            ["9月", "10月"], [Decimal(6), None], [Decimal(5), None], GDP, Decimal(7)
        ),
        charts.basis_trend(["9月"], [Decimal("3.1")], [Decimal("3.4")], UNEMPLOYMENT, None),
        charts.rank_heatmap(
            counties=["东城区", "西城区"],
            county_codes=["369901", "369902"],
            indicators=["地区生产总值", "社会消费品零售总额"],
            ranks=[[1, 2], [2, None]],
            n_ranked=2,
            cell_text=[["110.00 亿元", "52.00 亿元"], ["105.00 亿元", "–"]],
        ),
        charts.city_growth(["9月", "10月"], {"地区生产总值": [Decimal("11.75"), None]}),
        charts.rank_distribution(
            names=["东城区", "西城区"],
            base_ranks=[1, 2],
            ranks=[[1, 1, 2], [2, 2, 1]],
            firm=[True, False],
            medians=[1, 2],
            shares=[0.67, 0.67],
            n_ranked=2,
        ),
    ]
    for figure in figures:
        go.Figure(figure)  # raises ValueError on anything plotly.js would not understand
        json.dumps(figure)
