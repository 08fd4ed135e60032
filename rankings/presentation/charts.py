"""Plotly figures for ranking pages: pure functions of plain lists (and periods, and rules
already loaded), no queries.

Each returns the figure as a JSON-ready dict (plotly.js's figure schema: {"data": [traces],
"layout": {...}}) that a template passes with `json_script` and a page script draws with
`Plotly.newPlot(div, fig.data, fig.layout)`. They are built as plain dicts rather than through
plotly.graph_objects: validating a 200 x 60 heatmap there cost more than the rest of the page.
The tests check the figures' shape.

A figure in a hover reads as the tables print it: its text comes from indicators.formatting,
passed preformatted in `customdata`, never a plotly number format such as %{y:.1f} (d3's
rounding and units are not the tables').
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.translation import gettext as _

from counties.models import Period
from indicators.formatting import basis_text, basis_unit, growth_text, share_text
from indicators.models import RuleSetIndicator

LINE_COLOR = "#1f5fa8"
AVERAGE_COLOR = "#9a9a9a"
FONT = {"family": "system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif", "size": 13}


def month_labels(periods: Sequence[Period]) -> list[str]:
    """Chart labels for months of one year: 1月, 2月, … (Jan, Feb, … in English)."""
    return [_("%(month)d月") % {"month": p.month} for p in periods]


def _rank_axis(title: str, top: float) -> dict:
    """A y axis of places, first place at the top, one tick per place down to `top`."""
    return {
        "title": {"text": title},
        "autorange": False,
        "range": [top + 0.5, 0.5],
        "tickmode": "linear",
        "tick0": 1,
        "dtick": 1,
        "zeroline": False,
    }


def _figure(traces: list[dict], layout: dict) -> dict:
    return {"data": traces, "layout": layout}


def _scatter(**trace) -> dict:
    return {"type": "scatter", **trace}


def _layout(**extra) -> dict:
    return {
        "font": FONT,
        "margin": {"l": 60, "r": 20, "t": 20, "b": 50},
        "height": 320,
        "showlegend": False,
        "hovermode": "closest",
        **extra,
    }


CATEGORY_COLORS = ["#e07b39", "#2e8b57", "#8e5ea2", "#c9a227", "#3aa6b9", "#b8568f", "#6b8e23"]
TARGET_COLOR = "#b42318"


def rank_trend(
    months: list[str],
    ranks: list[int | None],
    n_ranked: int,
    category_ranks: dict[str, list[int | None]] | None = None,
) -> dict:
    """The county's overall rank month by month (bold, labelled) and, thinner, its rank in each
    category: 1 at the top, one tick per place."""
    category_ranks = category_ranks or {}
    every = [r for rs in [ranks, *category_ranks.values()] for r in rs if r is not None]
    top = max([n_ranked, *every, 1])
    overall = _("综合排名")

    def hover(name: str, rs: list[int | None]) -> list[str]:
        return [
            _("%(name)s：第%(rank)d名") % {"name": name, "rank": r} if r is not None else ""
            for r in rs
        ]

    traces = [
        _scatter(
            x=months,
            y=rs,
            mode="lines+markers",
            line={"color": CATEGORY_COLORS[k % len(CATEGORY_COLORS)], "width": 1.5},
            marker={"size": 5},
            opacity=0.8,
            visible="legendonly",  # one click on the legend shows a category
            customdata=hover(name, rs),
            hovertemplate="%{x}<br>%{customdata}<extra></extra>",
            connectgaps=False,
            name=name,
        )
        for k, (name, rs) in enumerate(category_ranks.items())
    ]
    traces.append(
        _scatter(
            x=months,
            y=ranks,
            mode="lines+markers+text",
            text=[str(r) if r is not None else "" for r in ranks],
            textposition="top center",
            line={"color": LINE_COLOR, "width": 3},
            marker={"size": 9},
            customdata=hover(overall, ranks),
            hovertemplate="%{x}<br>%{customdata}<extra></extra>",
            connectgaps=False,
            name=overall,
        )
    )
    fig = _figure(
        traces,
        _layout(
            showlegend=bool(category_ranks),
            legend={"orientation": "h", "y": -0.25},
            margin={"l": 60, "r": 20, "t": 20, "b": 90 if category_ranks else 50},
            height=360 if category_ranks else 320,
            xaxis={"title": {"text": _("月份")}, "type": "category"},
            yaxis=_rank_axis(_("名次"), top),
        ),
    )
    return fig


def basis_axis_title(rule: RuleSetIndicator) -> str:
    """What the indicator chart's y axis shows, with its unit: 地区生产总值同比增速（%）,
    城镇登记失业率（%）, R&D经费支出 / 地区生产总值（%）."""
    name = rule.indicator.display_name
    if rule.basis == "growth":
        return _("%(indicator)s同比增速（%%）") % {"indicator": name}
    unit = basis_unit(rule)
    if rule.basis == "ratio" and rule.denominator is not None:
        return _("%(indicator)s / %(denominator)s（%(unit)s）") % {
            "indicator": name,
            "denominator": rule.denominator.display_name,
            "unit": unit,
        }
    return _("%(indicator)s（%(unit)s）") % {"indicator": name, "unit": unit}


def _hover(label: str) -> str:
    """A hover line with preformatted text (customdata): 本县区：6.50%."""
    return _("%(name)s：%(value)s") % {"name": label, "value": "%{customdata}"}


def _y(values: Sequence[Decimal | None]) -> list[float | None]:
    return [None if v is None else float(v) for v in values]


def basis_trend(
    months: list[str],
    county: Sequence[Decimal | None],
    average: Sequence[Decimal | None],
    rule: RuleSetIndicator,
    target: Decimal | None = None,
) -> dict:
    """What `rule` scores (its basis: a growth in %, a level in the indicator's unit, a ratio)
    for the county month by month, against the ranked counties' average of the same basis and,
    where the rule has one, its target, in the same unit. Hover texts are the tables' texts
    (indicators.formatting.basis_text). `rule.indicator` (and a ratio's denominator) must be
    loaded: no queries here."""
    county_label = _("本县区")
    average_label = _("参评县区平均")
    target_label = _("省定目标")
    traces = [
        _scatter(
            x=months,
            y=_y(county),
            mode="lines+markers",
            name=county_label,
            line={"color": LINE_COLOR, "width": 2},
            marker={"size": 8},
            customdata=[basis_text(v, rule) for v in county],
            hovertemplate=f"%{{x}}<br>{_hover(county_label)}<extra></extra>",
        ),
        _scatter(
            x=months,
            y=_y(average),
            mode="lines+markers",
            name=average_label,
            line={"color": AVERAGE_COLOR, "width": 2, "dash": "dash"},
            marker={"size": 6},
            customdata=[basis_text(v, rule) for v in average],
            hovertemplate=f"%{{x}}<br>{_hover(average_label)}<extra></extra>",
        ),
    ]
    if target is not None:
        traces.append(
            _scatter(
                x=months,
                y=[float(target)] * len(months),
                mode="lines",
                name=target_label,
                line={"color": TARGET_COLOR, "width": 1.5, "dash": "dot"},
                customdata=[basis_text(target, rule)] * len(months),
                hovertemplate=f"{_hover(target_label)}<extra></extra>",
            )
        )
    unit = basis_unit(rule)
    fig = _figure(
        traces,
        _layout(
            showlegend=True,
            legend={"orientation": "h", "y": -0.25},
            margin={"l": 60, "r": 20, "t": 20, "b": 70},
            xaxis={"title": {"text": _("月份")}, "type": "category"},
            yaxis={
                "title": {"text": basis_axis_title(rule)},
                "ticksuffix": "%" if unit == "%" else "",
                "zeroline": rule.basis == "growth",  # a growth's sign matters; a level's zero not
            },
        ),
    )
    return fig


def rank_heatmap(
    *,
    counties: list[str],
    county_codes: list[str],
    indicators: list[str],
    ranks: list[list[int | None]],
    n_ranked: int,
    cell_text: list[list[str]] | None = None,
) -> dict:
    """Counties (rows, first at the top) x indicators (columns), coloured by rank: green for
    the leading places, red for the last. `layout.meta` carries the county codes in row order
    for the click-through. One hover template for every cell keeps the figure small at
    province scale (200 x 60 cells). `cell_text`, in the rows' and columns' order, adds a line
    of preformatted text to each cell's hover (the figures as the tables show them, from
    indicators.formatting: "110.00 亿元 · 60.00 分")."""
    hover = _("%(county)s · %(indicator)s：第%(rank)s名") % {
        "county": "%{y}",
        "indicator": "%{x}",
        "rank": "%{z}",
    }
    heatmap = {
        "type": "heatmap",
        "z": ranks,
        "x": indicators,
        "y": counties,
        "texttemplate": "%{z}",
        "hovertemplate": hover
        + ("<br>%{customdata}" if cell_text is not None else "")
        + "<extra></extra>",
        "hoverongaps": False,
        "colorscale": [[0.0, "#1f7a3a"], [0.5, "#f2e8b3"], [1.0, "#b42318"]],
        "zmin": 1,
        "zmax": max(n_ranked, 2),
        "colorbar": {
            "title": {"text": _("名次")},
            "tickmode": "linear",
            "tick0": 1,
            "dtick": max(1, n_ranked // 6),
        },
        "xgap": 1,
        "ygap": 1,
    }
    if cell_text is not None:
        heatmap["customdata"] = cell_text
    return _figure(
        [heatmap],
        _layout(
            height=max(320, 28 * len(counties) + 180),
            margin={"l": 150, "r": 20, "t": 20, "b": 150},
            xaxis={"type": "category", "tickangle": -45, "side": "bottom"},
            yaxis={"type": "category", "autorange": "reversed"},
            meta=list(county_codes),
        ),
    )


def city_growth(months: list[str], trend: dict[str, list[Decimal | None]]) -> dict:
    """The city's year-to-date growth of each headline indicator, month by month; hover texts
    as the overview table shows growth (indicators.formatting.growth_text)."""
    traces = [
        _scatter(
            x=months,
            y=_y(series),
            mode="lines+markers",
            name=name,
            line={"color": ([LINE_COLOR, *CATEGORY_COLORS])[k % 8], "width": 2},
            marker={"size": 6},
            customdata=[growth_text(v) for v in series],
            hovertemplate=f"%{{x}}<br>{_hover(name)}<extra></extra>",
            connectgaps=False,
        )
        for k, (name, series) in enumerate(trend.items())
    ]
    fig = _figure(
        traces,
        _layout(
            showlegend=True,
            legend={"orientation": "h", "y": -0.2},
            height=420,
            margin={"l": 60, "r": 20, "t": 20, "b": 110},
            xaxis={"title": {"text": _("月份")}, "type": "category"},
            yaxis={
                "title": {"text": _("全市累计同比增速（%）")},
                "ticksuffix": "%",
                "zeroline": True,
            },
        ),
    )
    return fig


FIRM_COLOR = "#1f5fa8"
LOOSE_COLOR = "#c9731c"
BASE_COLOR = "#b42318"


def rank_distribution(
    *,
    names: Sequence[str],
    base_ranks: Sequence[int],
    ranks: Sequence[Sequence[int]],
    firm: Sequence[bool],
    medians: Sequence[float],
    shares: Sequence[float],
    n_ranked: int,
) -> dict:
    """Rank stability: one box per county (in the given order, usually by base rank) of its
    ranks over the weight samples, first place at the top; a diamond marks the rank under the
    rule set's own weights. Firm places in blue, weight-dependent ones in orange."""
    firm_label, loose_label = _("稳定"), _("受权重影响")
    rank_hover = _("第%{y}名")
    traces = []
    for name, sample_ranks, is_firm in zip(names, ranks, firm, strict=True):
        color = FIRM_COLOR if is_firm else LOOSE_COLOR
        traces.append(
            {
                "type": "box",
                "x": [name] * len(sample_ranks),
                "y": list(sample_ranks),
                "name": name,
                "marker": {"color": color, "size": 4, "opacity": 0.5},
                "line": {"color": color},
                "boxpoints": "outliers",
                "hoveron": "points",
                "hovertemplate": f"{name}<br>{rank_hover}<extra></extra>",
            }
        )
    base_text = [
        _(
            "基准名次：第%(base)d名<br>中位数：第%(median)s名<br>保持基准名次：%(share)s<br>%(label)s"
        )
        % {
            "base": base,
            "median": f"{median:g}",
            "share": share_text(share),
            "label": firm_label if is_firm else loose_label,
        }
        for base, median, share, is_firm in zip(base_ranks, medians, shares, firm, strict=True)
    ]
    traces.append(
        _scatter(
            x=list(names),
            y=list(base_ranks),
            mode="markers",
            name=_("基准名次"),
            marker={"symbol": "diamond", "size": 11, "color": BASE_COLOR},
            customdata=base_text,
            hovertemplate="%{x}<br>%{customdata}<extra></extra>",
        )
    )
    top = max([n_ranked, *base_ranks, *(max(r) for r in ranks if len(r)), 1])
    return _figure(
        traces,
        _layout(
            height=420,
            margin={"l": 60, "r": 20, "t": 20, "b": 90},
            xaxis={"type": "category", "tickangle": -30},
            yaxis=_rank_axis(_("名次（名）"), top),
        ),
    )
