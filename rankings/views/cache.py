"""A render cache for the ranking pages leaders read most: the league table, the heatmap and the
county profiles.

What a page shows between its header and footer (the blocks its template fills: title, content,
scripts) depends only on the stored runs the user may see, the user's visibility and the
language; the layout around them (menu, user name, CSRF tokens, messages, unread count) is
rendered on every request. So the page's own blocks are kept in the cache (Redis in production)
under a key made of:

- the runs the page reads, as the view found them through rankings.access (id, start, published
  or not and when, complete or not): a new run, a newly published one or a closed period makes
  a new key, so nothing has to be deleted when a run is published;
- the user's visibility: the roles, and for users who are not city staff the counties they
  belong to, so that what one kind of user sees is never served to another;
- the language and time zone, the page and its query parameters.

A page whose blocks carry a CSRF token (a reviewer's publish form) is never stored. Entries
expire after CACHE_SECONDS, which bounds how long an edit outside the runs (a county's name or
contact, an indicator's name) takes to show. If the cache is unreachable the page is rendered
as without it.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from functools import cache as memoize
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.template.loader import get_template
from django.template.loader_tags import BlockNode, ExtendsNode
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from counties.access import counties_visible_to
from scorecard.roles import roles_of

from ..access import can_see_unpublished_rankings

logger = logging.getLogger(__name__)

CACHE_SECONDS = 600
_VERSION = "2"  # changes when what is stored or shown changes shape


def visibility(user) -> tuple:
    """Who the page is rendered for, as far as the ranking pages can differ: the roles, and the
    counties of a user who is not city staff."""
    roles = tuple(sorted(roles_of(user)))
    if can_see_unpublished_rankings(user):
        return ("city", roles)
    return (
        "county",
        roles,
        tuple(counties_visible_to(user).order_by("pk").values_list("pk", flat=True)),
    )


def page_key(request: HttpRequest, page: str, runs: Iterable[tuple], *parts: Any) -> str:
    """The cache key of a page rendered for this request's user from these runs (each a tuple
    of what identifies the run's state: see the module's docstring)."""
    raw = repr(
        (
            page,
            tuple(runs),
            visibility(request.user),
            translation.get_language(),
            timezone.get_current_timezone_name(),
            parts,
        )
    )
    return f"rankings:page:{_VERSION}:{page}:{hashlib.sha256(raw.encode()).hexdigest()}"


@memoize
def _own_blocks(template_name: str) -> tuple[str, ...]:
    """The blocks the page template fills in the layout it extends (top-level only)."""
    template = get_template(template_name).template  # type: ignore[attr-defined] # Django's
    extends = next(n for n in template.nodelist if isinstance(n, ExtendsNode))
    return tuple(n.name for n in extends.nodelist if isinstance(n, BlockNode))


@memoize
def _capturing(template_name: str):
    """The page with each of its blocks between two markers, to cut them out of one render."""
    blocks = "".join(
        f"{{% block {name} %}}<!--{{{{ cache_mark }}}}:{name}-->{{{{ block.super }}}}"
        f"<!--/{{{{ cache_mark }}}}:{name}-->{{% endblock %}}"
        for name in _own_blocks(template_name)
    )
    return engines["django"].from_string("{% extends cache_page %}" + blocks)


@memoize
def _replaying(template_name: str):
    """The layout with the page's blocks taken from the cache."""
    blocks = "".join(
        f"{{% block {name} %}}{{{{ cache_blocks.{name} }}}}{{% endblock %}}"
        for name in _own_blocks(template_name)
    )
    return engines["django"].from_string("{% extends cache_page %}" + blocks)


def _cut(html: str, mark: str, names: Iterable[str]) -> tuple[str, dict[str, str]]:
    """The page without the markers, and each block's rendered text."""
    blocks = {}
    for name in names:
        start, end = f"<!--{mark}:{name}-->", f"<!--/{mark}:{name}-->"
        head, found, rest = html.partition(start)
        if not found:
            blocks[name] = ""  # the layout does not show this block
            continue
        body, _found, tail = rest.partition(end)
        blocks[name] = body
        html = head + body + tail
    return html, blocks


def _cache_get(key: str) -> dict[str, str] | None:
    try:
        return cache.get(key)
    except Exception:  # noqa: BLE001 - an unreachable cache only costs the render
        logger.warning("render cache unreachable: %s rendered without it", key, exc_info=True)
        return None


def _cache_set(key: str, blocks: dict[str, str]) -> None:
    try:
        cache.set(key, blocks, CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("render cache unreachable: %s not stored", key, exc_info=True)


def render_cached(
    request: HttpRequest,
    template_name: str,
    key: str | None,
    build: Callable[[], dict[str, Any]],
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """The page `template_name` with `context` (what the view read to make the key) and what
    `build()` returns; its own blocks come from the cache under `key` when they are there, and
    `build` is then not called. `key` None: not cached (the page differs per user)."""
    context = context or {}
    names = _own_blocks(template_name)
    cached = _cache_get(key) if key is not None else None
    if cached is not None:
        # the blocks as the page's template rendered them, escaped there
        safe = {name: mark_safe(cached.get(name, "")) for name in names}  # noqa: S308
        html = _replaying(template_name).render(
            {**context, "cache_page": template_name, "cache_blocks": safe}, request
        )
        return HttpResponse(html)
    mark = secrets.token_hex(12)
    html = _capturing(template_name).render(
        {**context, **build(), "cache_page": template_name, "cache_mark": mark}, request
    )
    html, blocks = _cut(html, mark, names)
    if key is not None and not any("csrfmiddlewaretoken" in text for text in blocks.values()):
        _cache_set(key, blocks)
    return HttpResponse(html)
