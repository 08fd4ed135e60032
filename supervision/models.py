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


REQUIREMENT_MAX = 2000
ANSWER_MAX = 4000


class Task(models.Model):
    """A supervision task (督办事项): the city asks a county to act on one or more indicators by a
    deadline; the county answers with measures and progress reports; the city returns the
    answer or closes the task (销号). Raised from a red warning, a short board, a bulletin's
    black list, or by hand."""

    class Status(models.TextChoices):
        OPEN = "open", _("待答复")
        ANSWERED = "answered", _("已答复")
        RETURNED = "returned", _("已退回")
        CLOSED = "closed", _("已销号")

    class Source(models.TextChoices):
        WARNING = "warning", _("红色预警")
        SHORT_BOARD = "short_board", _("短板指标")
        BLACK_LIST = "black_list", _("通报黑榜")
        MANUAL = "manual", _("人工交办")

    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("编号"))
    county = models.ForeignKey(
        "counties.County", on_delete=models.PROTECT, related_name="tasks", verbose_name=_("县区")
    )
    indicators = models.ManyToManyField(
        "indicators.Indicator", blank=True, related_name="tasks", verbose_name=_("督办指标")
    )
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices)
    period = models.ForeignKey(
        Period,
        on_delete=models.PROTECT,
        related_name="tasks",
        verbose_name=_("依据期次"),
        help_text=_("据以交办的那一期排名；此后各期的数据用来检查整改效果。"),
    )
    title = models.CharField(_("事项"), max_length=120)
    requirement = models.TextField(_("督办要求"), max_length=REQUIREMENT_MAX)
    responsible_unit = models.CharField(_("责任单位"), max_length=80)
    responsible_person = models.CharField(_("责任人"), max_length=40)
    deadline = models.DateField(_("办结时限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # the catch-up plan when the task was raised: indicator code -> [[month, value needed], ...]
    milestones = models.JSONField(_("月度节点"), default=dict, blank=True)
    # set when a later month's data shows the indicators out of trouble (可销号)
    ready_to_close = models.BooleanField(_("可销号"), default=False)
    ready_note = models.TextField(_("可销号依据"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("交办时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="task_year_number_unique"),
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="task_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.number_label

    @property
    def number_label(self) -> str:
        return _("督〔%(year)s〕%(number)s号") % {"year": self.year, "number": self.number}

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED

    def days_overdue(self, today=None) -> int:
        """Days past the deadline of a task not yet closed (0 when on time or closed)."""
        from django.utils import timezone

        if self.is_closed:
            return 0
        today = today or timezone.localdate()
        return max(0, (today - self.deadline).days)


def task_upload_to(instance: TaskAction, filename: str) -> str:
    return f"tasks/{instance.task.year}/{filename}"


class TaskAction(models.Model):
    """One step of a task, with who took it and when: the trail (督办台账)."""

    class Kind(models.TextChoices):
        RAISE = "raise", _("交办")
        ANSWER = "answer", _("答复整改措施")
        PROGRESS = "progress", _("报告进展")
        RETURN = "return", _("退回")
        CLOSE = "close", _("销号")
        READY = "ready", _("数据达标，可销号")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(_("操作"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("内容"), max_length=ANSWER_MAX, blank=True)
    attachment = models.FileField(_("附件"), upload_to=task_upload_to, blank=True)
    status_after = models.CharField(_("操作后状态"), max_length=10, choices=Task.Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("操作人"),
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.task} · {self.get_kind_display()}"


class Notification(models.Model):
    """A message in a user's inbox (消息), and by email unless the user turned that kind off.

    One per user and key (what it is about, e.g. "task_assigned:12"): sending the same thing
    again, by a rerun of a reminder or a repeated event, creates nothing and mails nothing."""

    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("报送截止提醒")
        RETURNED = "returned", _("报表被退回")
        PUBLISHED = "published", _("排名发布")
        BULLETIN = "bulletin", _("通报印发")
        TASK_ASSIGNED = "task_assigned", _("督办交办")
        TASK_ANSWERED = "task_answered", _("督办答复")
        TASK_RETURNED = "task_returned", _("督办退回")
        TASK_DUE = "task_due", _("督办即将到期")
        TASK_OVERDUE = "task_overdue", _("督办逾期")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    key = models.CharField(_("事由键"), max_length=120)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), max_length=2000, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    # email: sent at, or skipped (turned off by the user, or no address)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_skipped = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_user_key_unique")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class EmailOptOut(models.Model):
    """A kind of notification the user does not want by email (the inbox keeps it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs"
    )
    kind = models.CharField(max_length=16, choices=Notification.Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_opt_out_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"
