"""The bulletin's charts as PNG images (matplotlib, drawn off-screen), so that the page, the PDF
and the Word file carry the same pictures. Chinese labels need a CJK font on the server (Noto
CJK: .ci/run and docs/deploy.md install it); without one the labels fall back to the default."""

from __future__ import annotations

import io
import threading
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on a server

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

CJK_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "SimHei", "SimSun")
TIER_COLOURS = {"leading": "#1f6f43", "middle": "#4f7cac", "lagging": "#c0504d"}
OTHER_COLOUR = "#9a9a9a"


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first CJK font the server has, or None."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _rc() -> Any:
    font = cjk_font()
    return {
        "font.family": [font, "sans-serif"] if font else ["sans-serif"],
        "axes.unicode_minus": False,
    }


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=150, bbox_inches="tight")
    return out.getvalue()


# matplotlib's rc settings are global to the process: with gunicorn's threads, two charts drawn
# at once must not see each other's (the CJK font), so one is drawn at a time
_DRAWING = threading.Lock()


@contextmanager
def _drawing():
    with _DRAWING, matplotlib.rc_context(_rc()):
        yield


def totals_chart(names: list[str], totals: list[float], tiers: list[str], *, unit: str) -> bytes:
    """A horizontal bar per county, best at the top, coloured by tier (方阵), with its total
    (the caption under the picture names it)."""
    with _drawing():
        height = max(2.0, 0.32 * len(names) + 0.8)
        figure = Figure(figsize=(6.3, height))
        axes = figure.subplots()
        colours = [TIER_COLOURS.get(t, OTHER_COLOUR) for t in tiers]
        positions = list(range(len(names)))[::-1]
        axes.barh(positions, totals, color=colours, height=0.7)
        axes.set_yticks(positions, labels=names, fontsize=8)
        top = max(totals, default=0) or 1
        for y, value in zip(positions, totals, strict=True):
            axes.text(value + top * 0.01, y, f"{value:.2f}", va="center", fontsize=7)
        axes.set_xlim(0, top * 1.12)
        axes.set_xlabel(unit, fontsize=8)
        axes.tick_params(axis="x", labelsize=7)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        return _png(figure)


def warnings_chart(
    names: list[str], red: list[int], yellow: list[int], *, labels: tuple[str, str]
) -> bytes:
    """Red and yellow warnings per county, stacked."""
    with _drawing():
        figure = Figure(figsize=(6.3, 2.8))
        axes = figure.subplots()
        x = list(range(len(names)))
        axes.bar(x, red, color="#c0504d", label=labels[0])
        axes.bar(x, yellow, bottom=red, color="#e0b040", label=labels[1])
        axes.set_xticks(x, labels=names, fontsize=7, rotation=45 if len(names) > 8 else 0)
        axes.legend(fontsize=7, frameon=False)
        axes.tick_params(axis="y", labelsize=7)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        return _png(figure)
