"""Counties and districts, who belongs to which, the reporting calendar and monthly submissions."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.models import Department, Indicator, RuleSet, RuleSetRowQuerySet
from indicators.scoring.growth import growth_percent
from scorecard.naming import localized

from .validation import NOTE_MAX

division_code_validator = RegexValidator(r"^\d{6}$", _("行政区划代码应为 6 位数字（GB/T 2260）。"))


class County(models.Model):
    """A county-level unit: urban district, county, county-level city or functional zone."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("市辖区")
        COUNTY = "county", _("县")
        COUNTY_CITY = "county_city", _("县级市")
        ZONE = "zone", _("功能区")

    code = models.CharField(
        _("行政区划代码"), max_length=6, unique=True, validators=[division_code_validator]
    )
    name = models.CharField(_("名称"), max_length=40, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    is_ranked = models.BooleanField(
        _("参与排名"), default=True, help_text=_("功能区通常只报数、不参与排名。")
    )
    display_order = models.PositiveSmallIntegerField(_("显示顺序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    # the imputation grouping (插补分组) a rule set may name (missing_data.imputation_group):
    # an empty category is filled from the mean of the county's region; apart from peer groups
    region = models.CharField(
        _("区域"),
        max_length=40,
        blank=True,
        help_text=_(
            "用于插补分组：考核规则按区域插补时，某类指标全部缺报的县区取同一区域县区的平均"
            "得分。与分组排名无关；留空表示不属于任何区域。"
        ),
    )
    # responsibility (责任分工): the county leader in charge of the economy and the contact
    leader = models.CharField(_("分管领导"), max_length=40, blank=True)
    leader_title = models.CharField(_("分管领导职务"), max_length=60, blank=True)
    contact = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(
        _("联系电话"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^[0-9+\- ]*$", _("电话号码只能包含数字、空格、+ 和 -。"))],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["display_order", "code"]
        verbose_name = _("县区")
        verbose_name_plural = _("县区")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{6}$"), name="county_code_six_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (English when the interface is in English)."""
        return localized(self.name, self.name_en)


class CountyMembership(models.Model):
    """A user who reports for a county. Reporters see and edit only their counties' data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="county_memberships",
        verbose_name=_("用户"),
    )
    county = models.ForeignKey(
        County, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("县区")
    )

    class Meta:
        verbose_name = _("县区成员")
        verbose_name_plural = _("县区成员")
        constraints = [
            models.UniqueConstraint(fields=["user", "county"], name="membership_user_county"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.county}"


class DepartmentMembership(models.Model):
    """A user who reports for a city department (部门填报员): it enters the indicators the
    department supplies (Indicator.entered_by_department) for every county, and nothing else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="department_memberships",
        verbose_name=_("用户"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("部门"),
    )

    class Meta:
        verbose_name = _("部门填报员")
        verbose_name_plural = _("部门填报员")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department"], name="membership_user_department"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.department}"


def default_deadline(year: int, month: int) -> datetime.date:
    """By default a month's figures are due on the 5th of the following month."""
    if month == 12:
        return datetime.date(year + 1, 1, 5)
    return datetime.date(year, month + 1, 5)


class Period(models.Model):
    """A reporting month. Figures are year-to-date: the March period holds January-March totals."""

    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    month = models.PositiveSmallIntegerField(
        _("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    deadline = models.DateField(_("报送截止日"), blank=True, help_text=_("留空则为次月 5 日。"))
    is_open = models.BooleanField(_("开放填报"), default=True)

    class Meta:
        ordering = ["-year", "-month"]
        verbose_name = _("报送期")
        verbose_name_plural = _("报送期")
        constraints = [
            models.UniqueConstraint(fields=["year", "month"], name="period_year_month_unique"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="period_month_1_12"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def save(self, *args, **kwargs):
        if self.deadline is None and self.year and self.month:
            self.deadline = default_deadline(self.year, self.month)
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        if self.month == 1:
            return gettext("%(year)d年1月") % {"year": self.year}
        return gettext("%(year)d年1-%(month)d月") % {"year": self.year, "month": self.month}

    @property
    def key(self) -> str:
        """The period as the scoring engine names it: 'YYYY-MM'."""
        return f"{self.year:04d}-{self.month:02d}"

    def accepts_entries(self, today: datetime.date | None = None) -> bool:
        """Open for entry: not closed by hand, and, when PERIOD_LOCK_AFTER_DAYS is set (DHIS2's
        expiry days), not more than that many days past its deadline."""
        if not self.is_open:
            return False
        lock_after = settings.PERIOD_LOCK_AFTER_DAYS
        if lock_after and self.deadline:
            today = today or timezone.localdate()
            return (today - self.deadline).days <= lock_after
        return True

    def days_overdue(
        self, submission: Submission | None, today: datetime.date | None = None
    ) -> int:
        """Days past the deadline that a county still owes this period (逾期 N 天): nothing
        sent, a draft, or figures returned to it. 0 when on time or already sent."""
        today = today or timezone.localdate()
        owes = submission is None or submission.status in (
            Submission.Status.DRAFT,
            Submission.Status.RETURNED,
        )
        return max(0, (today - self.deadline).days) if owes and self.deadline else 0


class Submission(models.Model):
    """One county's figures for one period, moving through draft -> submitted -> approved."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("已报送")
        RETURNED = "returned", _("已退回")
        APPROVED = "approved", _("已审核")

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("县区")
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="submissions", verbose_name=_("报送期")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(
        _("版本号"), default=1, help_text=_("每次保存加一，用于防止并发覆盖。")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报送人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    # as long as services.REASON_MAX (a value's note at most); the admin's form keeps to it too
    return_reason = models.TextField(_("退回原因"), blank=True, max_length=NOTE_MAX)
    is_late = models.BooleanField(_("逾期报送"), default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period__year", "-period__month", "county__display_order"]
        verbose_name = _("月度报送")
        verbose_name_plural = _("月度报送")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "period"], name="submission_county_period_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["submitted", "approved"]) | Q(submitted_at__isnull=False),
                name="submission_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(reviewed_at__isnull=False),
                name="submission_approved_has_review_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | ~Q(return_reason=""),
                name="submission_returned_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.period}"


class SubmissionValue(models.Model):
    """One indicator's year-to-date value in a submission, with the same period last year."""

    class Channel(models.TextChoices):
        """How the value was last written (the history keeps each change's channel too)."""

        FORM = "form", _("网页填报")
        UPLOAD = "upload", _("县区导入")
        DEPARTMENT = "department", _("部门填报")
        IMPORT = "import", _("统计局批量导入")
        ADMIN = "admin", _("后台修改")
        API = "api", _("接口")

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="values", verbose_name=_("报送")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("指标")
    )
    value = models.DecimalField(
        _("本年累计"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    prior_value = models.DecimalField(
        _("上年同期"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    note = models.TextField(_("说明"), blank=True, max_length=NOTE_MAX)
    channel = models.CharField(
        _("填报渠道"), max_length=12, choices=Channel.choices, default=Channel.FORM
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator__category__display_order", "indicator__display_order"]
        verbose_name = _("报送数值")
        verbose_name_plural = _("报送数值")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "indicator"], name="submissionvalue_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} {self.indicator.code}={self.value}"

    @property
    def growth(self) -> Decimal | None:
        """Year-on-year growth in percent (indicators.scoring.growth: none on a base <= 0)."""
        return growth_percent(self.value, self.prior_value)


class Exemption(models.Model):
    """不考核: a rule set does not score this county on this indicator (an urban district on a
    rural indicator, say). The county does not report the figure, and the engine scores the
    county's category without it as the rule set's missing_data says. Exemptions belong to
    their rule set: read-only once it is published (counties/guards.py), copied with it into a
    new version or year."""

    # part of its rule set's content, not a use of it: a published rule set that no run has
    # used can still be withdrawn (indicators/guards.py)
    part_of_ruleset = True

    ruleset = models.ForeignKey(
        RuleSet,
        on_delete=models.CASCADE,
        related_name="exemptions",
        verbose_name=_("考核规则"),
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="exemptions", verbose_name=_("县区")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="exemptions", verbose_name=_("指标")
    )
    reason = models.CharField(_("不考核原因"), max_length=200)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = RuleSetRowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = [
            "ruleset",
            "county__display_order",
            "indicator__category__display_order",
            "indicator__display_order",
        ]
        verbose_name = _("不考核指标")
        verbose_name_plural = _("不考核指标")
        constraints = [
            models.UniqueConstraint(
                fields=["ruleset", "county", "indicator"], name="exemption_unique"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="exemption_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.county} · {self.indicator.display_name}（{gettext('不考核')}）"
