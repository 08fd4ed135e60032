"""The monthly bulletin (通报): one per published period, numbered within its year (2026年第9期).

A reviewer drafts it from the period's published ranking; the text is written from the numbers
and may be edited before issuing. Issuing freezes it: the document, its page and its PDF and
Word files are stored with it and never change, whatever later recomputes do.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from counties.models import Period
from rankings.models import RankingRun

TEXT_MAX = 20_000  # characters of the bulletin's text


class Bulletin(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ISSUED = "issued", _("已印发")

    period = models.OneToOneField(
        Period, on_delete=models.PROTECT, related_name="bulletin", verbose_name=_("期次")
    )
    run = models.ForeignKey(
        RankingRun, on_delete=models.PROTECT, related_name="+", verbose_name=_("依据的排名")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("期号"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    text = models.TextField(_("通报正文"), max_length=TEXT_MAX)
    # BulletinDocument.as_json(): the title, number line, paragraphs and tables, as drafted;
    # the paragraphs follow `text` when the reviewer edits it
    document = models.JSONField(_("通报内容"), default=dict)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    drafted_at = models.DateTimeField(_("起草时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    issued_at = models.DateTimeField(_("印发时间"), null=True, blank=True)
    # frozen at issue: the page as issued and its two files
    issued_html = models.TextField(_("印发页面"), blank=True)
    issued_pdf = models.BinaryField(_("PDF 文件"), null=True, blank=True)
    issued_docx = models.BinaryField(_("Word 文件"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["issued_html", "issued_pdf", "issued_docx"])

    class Meta:
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="bulletin_year_number_unique"),
            models.CheckConstraint(
                condition=models.Q(status="draft")
                | models.Q(issued_at__isnull=False, issued_by__isnull=False),
                name="bulletin_issued_has_issuer",
            ),
        ]

    def __str__(self) -> str:
        return self.number_label

    @property
    def number_label(self) -> str:
        return _("%(year)s年第%(number)s期") % {"year": self.year, "number": self.number}

    @property
    def is_issued(self) -> bool:
        return self.status == self.Status.ISSUED
