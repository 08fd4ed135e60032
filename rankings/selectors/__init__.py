"""Reads: which runs a user may see, the engine's inputs, and the stored rankings behind every
page (league table, heatmap, category tables, city overview, county profile, bonus and penalty
items, rank stability, what-if). They return data (Decimals, ids, codes); presentation/ formats."""

from .inputs import EngineInputs, engine_inputs, period_previous, ranks_of_run, run_current
from .runs import (
    periods_with_rankings,
    run_visible,
    runs_visible,
    runs_visible_in_year,
    years_with_rankings,
)

__all__ = [
    "EngineInputs",
    "engine_inputs",
    "period_previous",
    "periods_with_rankings",
    "ranks_of_run",
    "run_current",
    "run_visible",
    "runs_visible",
    "runs_visible_in_year",
    "years_with_rankings",
]
