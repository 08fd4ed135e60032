"""Plotly figures for ranking pages: pure functions of plain lists, no ORM.

Each returns the figure as a JSON-ready dict that a template passes with `json_script` and a
page script draws with `Plotly.newPlot(div, fig.data, fig.layout)`.
"""

from __future__ import annotations

import plotly.graph_objects as go
from django.utils.translation import gettext as _

LINE_COLOR = "#1f5fa8"
AVERAGE_COLOR = "#9a9a9a"
FONT = {"family": "system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif", "size": 13}


def _layout(**extra) -> dict:
    return {
        "template": "none",
        "font": FONT,
        "margin": {"l": 60, "r": 20, "t": 20, "b": 50},
        "height": 320,
        "showlegend": False,
        "hovermode": "closest",
        **extra,
    }


def rank_trend(months: list[str], ranks: list[int | None], n_ranked: int) -> dict:
    """The county's overall rank month by month: 1 at the top, one tick per place."""
    top = max([n_ranked, *[r for r in ranks if r is not None], 1])
    hover = [_("第%(rank)d名") % {"rank": r} if r is not None else "" for r in ranks]
    fig = go.Figure(
        go.Scatter(
            x=months,
            y=ranks,
            mode="lines+markers+text",
            text=[str(r) if r is not None else "" for r in ranks],
            textposition="top center",
            line={"color": LINE_COLOR, "width": 2},
            marker={"size": 9},
            customdata=hover,
            hovertemplate="%{x}<br>%{customdata}<extra></extra>",
            connectgaps=False,
            name=_("综合排名"),
        ),
        layout=_layout(
            xaxis={"title": {"text": _("月份")}, "type": "category"},
            yaxis={
                "title": {"text": _("名次")},
                "autorange": False,
                "range": [top + 0.5, 0.5],  # reversed: first place at the top
                "tickmode": "linear",
                "tick0": 1,
                "dtick": 1,
                "zeroline": False,
            },
        ),
    )
    return fig.to_dict()


def growth_trend(
    months: list[str],
    county_growth: list[float | None],
    city_average: list[float | None],
    indicator_name: str,
) -> dict:
    """The county's year-on-year growth of one indicator against the ranked counties' average."""
    county_label = _("本县区")
    average_label = _("参评县区平均")
    fig = go.Figure(
        [
            go.Scatter(
                x=months,
                y=county_growth,
                mode="lines+markers",
                name=county_label,
                line={"color": LINE_COLOR, "width": 2},
                marker={"size": 8},
                hovertemplate=f"%{{x}}<br>{county_label}：%{{y:.1f}}%<extra></extra>",
            ),
            go.Scatter(
                x=months,
                y=city_average,
                mode="lines+markers",
                name=average_label,
                line={"color": AVERAGE_COLOR, "width": 2, "dash": "dash"},
                marker={"size": 6},
                hovertemplate=f"%{{x}}<br>{average_label}：%{{y:.1f}}%<extra></extra>",
            ),
        ],
        layout=_layout(
            showlegend=True,
            legend={"orientation": "h", "y": -0.25},
            margin={"l": 60, "r": 20, "t": 20, "b": 70},
            xaxis={"title": {"text": _("月份")}, "type": "category"},
            yaxis={
                "title": {"text": _("%(indicator)s同比增速（%%）") % {"indicator": indicator_name}},
                "ticksuffix": "%",
                "zeroline": True,
            },
        ),
    )
    return fig.to_dict()


def rank_heatmap(
    *,
    counties: list[str],
    county_codes: list[str],
    indicators: list[str],
    ranks: list[list[int | None]],
    n_ranked: int,
) -> dict:
    """Counties (rows, first at the top) x indicators (columns), coloured by rank: green for
    the leading places, red for the last. Cells carry the county code for a click-through."""
    hover = [
        [
            _("%(county)s · %(indicator)s：第%(rank)d名") % {"county": c, "indicator": i, "rank": r}
            if r is not None
            else _("%(county)s · %(indicator)s：未排名") % {"county": c, "indicator": i}
            for i, r in zip(indicators, row, strict=True)
        ]
        for c, row in zip(counties, ranks, strict=True)
    ]
    fig = go.Figure(
        go.Heatmap(
            z=ranks,
            x=indicators,
            y=counties,
            text=[[str(r) if r is not None else "" for r in row] for row in ranks],
            texttemplate="%{text}",
            customdata=[[code] * len(indicators) for code in county_codes],
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            colorscale=[[0.0, "#1f7a3a"], [0.5, "#f2e8b3"], [1.0, "#b42318"]],
            zmin=1,
            zmax=max(n_ranked, 2),
            colorbar={
                "title": {"text": _("名次")},
                "tickmode": "linear",
                "tick0": 1,
                "dtick": max(1, n_ranked // 6),
            },
            xgap=1,
            ygap=1,
        ),
        layout=_layout(
            height=max(320, 28 * len(counties) + 180),
            margin={"l": 150, "r": 20, "t": 20, "b": 150},
            xaxis={"type": "category", "tickangle": -45, "side": "bottom"},
            yaxis={"type": "category", "autorange": "reversed"},
        ),
    )
    return fig.to_dict()
