"""The bulletin's markup, shared by its page, the frozen copy of an issued bulletin and the PDF
(static/css/bulletin-print.css lays it out on A4)."""

from __future__ import annotations

from django.template.loader import render_to_string

from .content import BulletinDocument


def bulletin_html(document: BulletinDocument, *, standalone: bool) -> str:
    """The bulletin as an <article> (standalone: a whole HTML document around it, for the PDF)."""
    return render_to_string(
        "supervision/bulletin_document.html", {"doc": document, "standalone": standalone}
    )
