"""Annual targets (目标任务): what each county, and the city as a whole, is to reach by the end of
the year on each assessed indicator, and how a flow's target is split over the months.

A year's targets are a versioned set, as rule sets are: a draft is edited freely; once published
it is read-only and is what progress and warnings are measured against. A change after
publication is a new version with a reason, published in its turn; earlier versions stay as
they were, and each ranking run records the version it measured against.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from counties.models import County
from indicators.models import Indicator

REASON_MAX = 500
# Targets are entered in the indicator's unit (亿元, %, 家) with at most four decimals; a growth
# target is a percentage between -100 and 1000.
TARGET_MAX_DIGITS, TARGET_PLACES = 18, 4
GROWTH_MIN, GROWTH_MAX = Decimal("-100"), Decimal("1000")


class TargetSet(models.Model):
    """One version of one year's targets."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    version = models.PositiveSmallIntegerField(_("版本号"), default=1)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="draft")
    reason = models.CharField(
        _("修改原因"),
        max_length=REASON_MAX,
        blank=True,
        help_text=_("发布后再修改目标须说明原因（第 2 版起必填）。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("创建人"),
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        ordering = ["-year", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "version"], name="targetset_year_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="targetset_published_has_date",
            ),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(reason=""), name="targetset_later_version_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return _("%(year)d 年目标任务（第 %(version)d 版）") % {
            "year": self.year,
            "version": self.version,
        }

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Target(models.Model):
    """One county's (or, with no county, the city's) annual target on one indicator."""

    class Kind(models.TextChoices):
        VALUE = "value", _("目标值")
        GROWTH = "growth", _("目标增速（%）")

    target_set = models.ForeignKey(
        TargetSet, on_delete=models.CASCADE, related_name="targets", verbose_name=_("年度目标")
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="targets",
        verbose_name=_("县区"),
        help_text=_("留空表示全市目标。"),
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, verbose_name=_("指标"))
    kind = models.CharField(_("目标类型"), max_length=10, choices=Kind.choices)
    value = models.DecimalField(
        _("目标"), max_digits=TARGET_MAX_DIGITS, decimal_places=TARGET_PLACES
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        constraints = [
            models.UniqueConstraint(
                fields=["target_set", "county", "indicator"],
                condition=Q(county__isnull=False),
                name="target_county_indicator_unique",
            ),
            models.UniqueConstraint(
                fields=["target_set", "indicator"],
                condition=Q(county__isnull=True),
                name="target_city_indicator_unique",
            ),
            models.CheckConstraint(
                condition=Q(kind="value") | Q(value__gte=GROWTH_MIN, value__lte=GROWTH_MAX),
                name="target_growth_in_range",
            ),
        ]

    def __str__(self) -> str:
        who = self.county.name if self.county is not None else _("全市")
        return f"{who} {self.indicator.code} {self.value}"


class Schedule(models.Model):
    """How a flow's annual target falls due over the year (时序进度): the cumulative percent
    due by the end of each month. One per indicator for every county, or for one county. Without
    one, month/12 is due."""

    target_set = models.ForeignKey(
        TargetSet, on_delete=models.CASCADE, related_name="schedules", verbose_name=_("年度目标")
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, verbose_name=_("指标"))
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("县区"),
        help_text=_("留空表示适用于所有县区。"),
    )
    shares = models.JSONField(
        _("累计进度（%）"),
        help_text=_("12 个数：到各月末累计应完成全年目标的百分比，最后一个为 100。"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("分月进度")
        verbose_name_plural = _("分月进度")
        constraints = [
            models.UniqueConstraint(
                fields=["target_set", "indicator", "county"],
                condition=Q(county__isnull=False),
                name="schedule_county_indicator_unique",
            ),
            models.UniqueConstraint(
                fields=["target_set", "indicator"],
                condition=Q(county__isnull=True),
                name="schedule_indicator_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {'/'.join(str(s) for s in self.shares)}"
