"""Extension points that apps above indicators fill in at start-up.

Imports run one way (indicators <- counties <- rankings), yet the rule-set editor shows a
what-if preview of stored rankings. rankings registers the provider of that panel's context in
its AppConfig.ready(); without it (indicators alone) the panel is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

EditorPreview = Callable[[HttpRequest, Any], dict[str, Any]]

_editor_preview: list[EditorPreview] = []


def register_editor_preview(provider: EditorPreview) -> None:
    """Set the function that gives the editor's preview panel its context (periods, period)."""
    _editor_preview[:] = [provider]


def editor_preview(request: HttpRequest, ruleset: Any) -> dict[str, Any]:
    return _editor_preview[0](request, ruleset) if _editor_preview else {}
