"""Chart builders are pure functions: plain lists in, a JSON-ready plotly figure dict out."""

import json

from rankings.presentation import charts


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


def test_growth_trend_county_against_the_average():
    fig = charts.growth_trend(["9月", "10月"], [10.0, None], [5.67, 5.5], "地区生产总值")
    county, average = fig["data"]
    assert county["name"] == "本县区"
    assert average["name"] == "参评县区平均"
    assert list(county["y"]) == [10.0, None]
    assert list(average["y"]) == [5.67, 5.5]
    assert "%{y:.1f}%" in county["hovertemplate"]
    assert "%{y:.1f}%" in average["hovertemplate"]
    assert fig["layout"]["yaxis"]["ticksuffix"] == "%"
    assert fig["layout"]["yaxis"]["title"]["text"] == "地区生产总值同比增速（%）"
    json.dumps(fig)


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


def test_growth_trend_draws_the_target_as_a_flat_line():
    fig = charts.growth_trend(["9月", "10月"], [6.0, 7.0], [5.0, 5.5], "地区生产总值", target=6.5)
    *_, target = fig["data"]
    assert target["name"] == "省定目标"
    assert list(target["y"]) == [6.5, 6.5]
    assert "%{y:.1f}%" in target["hovertemplate"]


def test_every_figure_is_valid_plotly():
    """The figures are plain dicts for speed; plotly's own schema checks them here
    (an unknown or misspelt property raises)."""
    import plotly.graph_objects as go

    figures = [
        charts.rank_trend(["9月", "10月"], [2, 1], 3, {"主要经济指标": [3, None]}),
        charts.growth_trend(["9月", "10月"], [6.0, None], [5.0, 5.5], "地区生产总值", 6.5),
        charts.rank_heatmap(
            counties=["东城区", "西城区"],
            county_codes=["369901", "369902"],
            indicators=["地区生产总值", "社会消费品零售总额"],
            ranks=[[1, 2], [2, None]],
            n_ranked=2,
        ),
        charts.city_growth(["9月", "10月"], {"地区生产总值": [11.75, None]}),
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
