"""Writes for bulletins: draft, edit, redraft and issue, each in one transaction.

A draft is written from the period's published ranking. Issuing renders the page and its PDF
and Word files once and stores them: an issued bulletin never changes, whatever is recomputed
or republished afterwards.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from counties.models import Period
from scorecard.roles import AnyUser

from .. import documents
from ..composer import bulletin_document, split_paragraphs
from ..content import BulletinDocument
from ..models import TEXT_MAX, Bulletin
from ..rendering import bulletin_html
from ..selectors import bulletin_facts, published_run
from .notifications import notify_bulletin_issued

logger = logging.getLogger(__name__)


def _document_for(bulletin: Bulletin, *, paragraphs: list[str] | None = None) -> BulletinDocument:
    facts = bulletin_facts(bulletin.period, bulletin.run)
    return bulletin_document(
        facts,
        number=bulletin.number_label,
        issuer=settings.BULLETIN_ISSUER,
        day=timezone.localdate(),
        paragraphs=paragraphs,
    )


@transaction.atomic
def bulletin_draft(*, period: Period, user: AnyUser) -> Bulletin:
    """The period's bulletin, drafted from its published ranking and numbered next in its year."""
    Period.objects.select_for_update().filter(pk=period.pk).first()  # one draft at a time
    if Bulletin.objects.filter(period=period).exists():
        raise ValidationError(_("%(period)s 的通报已经起草。") % {"period": period})
    run = published_run(period)
    if run is None:
        raise ValidationError(_("%(period)s 的排名尚未发布，不能起草通报。") % {"period": period})
    last = Bulletin.objects.filter(year=period.year).aggregate(n=Max("number"))["n"] or 0
    bulletin = Bulletin(
        period=period,
        run=run,
        year=period.year,
        number=last + 1,
        drafted_by=user if user.is_authenticated else None,
    )
    document = _document_for(bulletin)
    bulletin.document = document.as_json()
    bulletin.text = "\n\n".join(document.paragraphs)
    bulletin.save()
    return bulletin


def _editable(bulletin: Bulletin) -> Bulletin:
    locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if locked.is_issued:
        raise ValidationError(_("通报已印发，不能再修改。"))
    return locked


@transaction.atomic
def bulletin_text_save(*, bulletin: Bulletin, text: str, user: AnyUser) -> Bulletin:
    """The reviewer's edit of the text: paragraphs one per line."""
    locked = _editable(bulletin)
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        raise ValidationError(_("通报正文不能为空。"))
    if len(text) > TEXT_MAX:
        raise ValidationError(
            _("通报正文最多 %(max)s 个字符，现有 %(n)s 个。") % {"max": TEXT_MAX, "n": len(text)}
        )
    document = BulletinDocument.from_json(locked.document)
    locked.document = BulletinDocument(
        title=document.title,
        number=document.number,
        issuer=document.issuer,
        date=document.date,
        paragraphs=paragraphs,
        tables=document.tables,
        images=document.images,
    ).as_json()
    locked.text = "\n\n".join(paragraphs)
    locked.save()
    return locked


@transaction.atomic
def bulletin_redraft(*, bulletin: Bulletin, user: AnyUser) -> Bulletin:
    """Write the draft again from the period's newest published ranking (the text's edits are
    replaced)."""
    locked = _editable(bulletin)
    run = published_run(locked.period)
    if run is None:
        raise ValidationError(_("该期排名已无发布版本，不能重新生成。"))
    locked.run = run
    document = _document_for(locked)
    locked.document = document.as_json()
    locked.text = "\n\n".join(document.paragraphs)
    locked.save()
    return locked


@transaction.atomic
def bulletin_issue(*, bulletin: Bulletin, user: AnyUser) -> Bulletin:
    """Issue the bulletin: its page and files are rendered once, stored, and never change."""
    locked = _editable(bulletin)
    now = timezone.now()
    stored = BulletinDocument.from_json(locked.document)
    document = BulletinDocument(
        title=stored.title,
        number=stored.number,
        issuer=stored.issuer,
        date=bulletin_document_date(now),
        paragraphs=stored.paragraphs,
        tables=stored.tables,
        images=stored.images,
    )
    html = bulletin_html(document, standalone=True)
    locked.document = document.as_json()
    locked.issued_html = bulletin_html(document, standalone=False)
    locked.issued_docx = documents.bulletin_docx(document)
    try:
        locked.issued_pdf = documents.bulletin_pdf(html)
    except documents.PdfUnavailable:
        logger.warning("bulletin %s issued without a PDF: WeasyPrint cannot run here", locked)
        locked.issued_pdf = None
    locked.status = Bulletin.Status.ISSUED
    locked.issued_at = now
    locked.issued_by = user if user.is_authenticated else None
    locked.save()
    notify_bulletin_issued(locked)
    return locked


def bulletin_document_date(moment) -> str:
    from ..composer import date_text

    return date_text(timezone.localtime(moment).date())
