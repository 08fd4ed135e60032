"""The rank-stability figure: a pure function of plain lists, no ORM (see rankings/charts.py for
the conventions: a JSON-ready plotly dict, passed with json_script, drawn by a page script)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
from django.utils.translation import gettext as _

FONT = {"family": "system-ui, 'PingFang SC', 'Microsoft YaHei', sans-serif", "size": 13}
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
    """One box per county (in the given order, usually by base rank) of its ranks over the
    weight samples, first place at the top; a diamond marks the rank under the rule set's own
    weights. Firm places in blue, weight-dependent ones in orange."""
    firm_label, loose_label = _("稳定"), _("受权重影响")
    rank_hover = _("第%{y}名")
    traces = []
    for name, sample_ranks, is_firm in zip(names, ranks, firm, strict=True):
        color = FIRM_COLOR if is_firm else LOOSE_COLOR
        traces.append(
            go.Box(
                x=[name] * len(sample_ranks),
                y=list(sample_ranks),
                name=name,
                marker={"color": color, "size": 4, "opacity": 0.5},
                line={"color": color},
                boxpoints="outliers",
                hoveron="points",
                hovertemplate=f"{name}<br>{rank_hover}<extra></extra>",
            )
        )
    base_text = [
        _(
            "基准名次：第%(base)d名<br>中位数：第%(median)s名<br>保持基准名次：%(share)s<br>%(label)s"
        )
        % {
            "base": base,
            "median": f"{median:g}",
            "share": f"{share * 100:.0f}%",
            "label": firm_label if is_firm else loose_label,
        }
        for base, median, share, is_firm in zip(base_ranks, medians, shares, firm, strict=True)
    ]
    traces.append(
        go.Scatter(
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
    fig = go.Figure(
        traces,
        layout={
            "template": "none",
            "font": FONT,
            "height": 420,
            "margin": {"l": 60, "r": 20, "t": 20, "b": 90},
            "showlegend": False,
            "hovermode": "closest",
            "xaxis": {"type": "category", "tickangle": -30},
            "yaxis": {
                "title": {"text": _("名次（名）")},
                "autorange": False,
                "range": [top + 0.5, 0.5],  # reversed: first place at the top
                "tickmode": "linear",
                "tick0": 1,
                "dtick": 1,
                "zeroline": False,
            },
        },
    )
    return fig.to_dict()
