"""Writes: recompute (with its one later-months cascade), publish, bonus and penalty items,
rank-stability analyses. Named <entity>_<action>, keyword-only, one transaction each."""

from .bonus import bonus_item_cancel, bonus_item_create, document_check, document_content_type
from .publish import ranking_publish
from .recompute import (
    Outcome,
    RecomputeOutcome,
    inputs_checksum,
    ranking_recompute,
    rankings_recompute_from,
    rankings_recompute_year,
)
from .stability import stability_compute, stability_mark_failed, stability_start

__all__ = [
    "Outcome",
    "RecomputeOutcome",
    "bonus_item_cancel",
    "bonus_item_create",
    "document_check",
    "document_content_type",
    "inputs_checksum",
    "ranking_publish",
    "ranking_recompute",
    "rankings_recompute_from",
    "rankings_recompute_year",
    "stability_compute",
    "stability_mark_failed",
    "stability_start",
]
