"""Stored ranking runs: what the engine computed for a period, under which rule-set version.

A run and all its results are written in one transaction; `is_current` moves to a run only when
it has succeeded, so readers always see one complete ranking per period (or none yet).
Bonus and penalty items and one-vote vetoes are inputs that admins enter by hand.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from counties.models import County, Period
from indicators.models import Category, Indicator, RuleSet


class RankingRun(models.Model):
    class Status(models.TextChoices):
        SUCCEEDED = "succeeded", _("成功")
        FAILED = "failed", _("失败")

    class PublishReason(models.TextChoices):
        MANUAL = "manual", _("审核人员发布")
        # a new version of the year's rules was published: every period published under the
        # old version is recomputed and published again in the same operation
        RULESET = "ruleset", _("新版考核规则发布后重新计算并发布")
        # the same for a new version of the year's targets (progress and warnings change)
        TARGETS = "targets", _("新版目标任务发布后重新计算并发布")
        DEMO = "demo", _("演示数据")

    class Trigger(models.TextChoices):
        APPROVAL = "approval", _("审核通过")
        RULESET = "ruleset", _("规则发布")
        BONUS = "bonus", _("加减分调整")
        NIGHTLY = "nightly", _("夜间重算")
        COMMAND = "command", _("命令行")
        DEMO = "demo", _("演示数据")
        ADMIN = "admin", _("管理后台修改")
        TARGETS = "targets", _("目标任务发布")
        CATCH_UP = "catch_up", _("定时补算")

    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="ranking_runs", verbose_name=_("报送期")
    )
    ruleset = models.ForeignKey(
        RuleSet,
        on_delete=models.PROTECT,
        related_name="ranking_runs",
        verbose_name=_("考核规则版本"),
    )
    input_checksum = models.CharField(_("输入校验和"), max_length=64)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    is_current = models.BooleanField(_("当前结果"), default=False)
    trigger = models.CharField(_("触发方式"), max_length=10, choices=Trigger.choices)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("触发人"),
    )
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"))
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"))
    counties_scored = models.PositiveSmallIntegerField(_("有总分县区数"), default=0)
    # Completeness (see rankings.selectors.runs.run_is_complete): the counties the rules rank
    # and how many of them have a place in this run.
    counties_expected = models.PositiveSmallIntegerField(_("应参评县区数"), default=0)
    counties_ranked = models.PositiveSmallIntegerField(_("实际参评县区数"), default=0)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("取代的排名计算"),
        help_text=_("本次计算成为当前结果时所取代的上一次计算。"),
    )
    error = models.TextField(_("错误信息"), blank=True)
    is_published = models.BooleanField(_("已发布"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )
    publish_reason = models.CharField(
        _("发布方式"), max_length=10, choices=PublishReason.choices, blank=True
    )
    # Counties of the rules without a total when the run was published: the publisher confirmed
    # publishing without them (codes and names, as they were).
    published_missing = models.JSONField(_("发布时缺总分的县区"), default=list, blank=True)
    # the year's targets in force when the run was computed (progress and warnings); none when
    # the year had no published targets
    target_set = models.ForeignKey(
        "targets.TargetSet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("目标任务版本"),
    )

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("排名计算")
        verbose_name_plural = _("排名计算")
        constraints = [
            models.UniqueConstraint(
                fields=["period"], condition=Q(is_current=True), name="rankingrun_one_current"
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(status="succeeded"),
                name="rankingrun_current_succeeded",
            ),
        ]
        indexes = [models.Index(fields=["period", "input_checksum"])]

    def __str__(self) -> str:
        return f"{self.period} · {self.ruleset} · {self.get_status_display()}"


class CountyResult(models.Model):
    """A county's total in a run with every component it is made of:
    total = base_total + bonus + penalty + improvement (rounded as the rule set says), where
    base_total is the total of the category subtotals, bonus and penalty the capped bonus and
    penalty items, and improvement the reward (or penalty) for places gained (lost) from
    base_rank (last year's final place) to first_rank (the place before the reward)."""

    run = models.ForeignKey(RankingRun, on_delete=models.CASCADE, related_name="county_results")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    base_total = models.DecimalField(_("基础得分"), max_digits=12, decimal_places=4, null=True)
    bonus = models.DecimalField(_("加分"), max_digits=9, decimal_places=4, default=0)
    penalty = models.DecimalField(_("扣分"), max_digits=9, decimal_places=4, default=0)
    improvement = models.DecimalField(_("进位奖励"), max_digits=9, decimal_places=4, default=0)
    base_rank = models.PositiveSmallIntegerField(_("进位比较基准名次"), null=True)
    first_rank = models.PositiveSmallIntegerField(_("进位奖励前名次"), null=True)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    total = models.DecimalField(_("总分"), max_digits=12, decimal_places=4, null=True)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True)
    rank_change = models.SmallIntegerField(_("名次变化"), null=True)
    tier = models.CharField(_("方阵"), max_length=10, blank=True)
    peer_group = models.CharField(_("分组"), max_length=40, blank=True)
    flags = models.JSONField(_("标记"), default=list)
    # The arithmetic, as the engine wrote it when scoring (indicators.scoring.explain):
    # "78.64 + 2.00 = 80.64" and "(4 − 2) × 1 = 2.00".
    total_formula = models.CharField(_("总分算式"), max_length=200, blank=True)
    improvement_formula = models.CharField(_("进位奖励算式"), max_length=200, blank=True)

    class Meta:
        ordering = ["rank", "county__display_order"]
        verbose_name = _("县区排名结果")
        verbose_name_plural = _("县区排名结果")
        constraints = [
            models.UniqueConstraint(fields=["run", "county"], name="countyresult_unique"),
            models.CheckConstraint(condition=Q(bonus__gte=0), name="countyresult_bonus_gte_0"),
            models.CheckConstraint(condition=Q(penalty__lte=0), name="countyresult_penalty_lte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} #{self.rank}"


class CategoryResult(models.Model):
    run = models.ForeignKey(RankingRun, on_delete=models.CASCADE, related_name="category_results")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    subtotal = models.DecimalField(_("小计"), max_digits=12, decimal_places=4, null=True)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True)
    # The engine's category flags: "not_scheduled", "imputed" (插补: no indicator of the
    # category reported, the subtotal is the mean of the county's imputation group). The
    # database default lets a writer that does not name the column store [].
    flags = models.JSONField(_("标记"), default=list, db_default=[])

    class Meta:
        verbose_name = _("类别得分")
        verbose_name_plural = _("类别得分")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "county", "category"], name="categoryresult_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.category_id} {self.subtotal}"


class IndicatorResult(models.Model):
    run = models.ForeignKey(RankingRun, on_delete=models.CASCADE, related_name="indicator_results")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("本年累计"), max_digits=18, decimal_places=4, null=True)
    prior_value = models.DecimalField(_("上年同期"), max_digits=18, decimal_places=4, null=True)
    basis = models.DecimalField(_("计分依据值"), max_digits=18, decimal_places=6, null=True)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True)
    score = models.DecimalField(_("得分"), max_digits=12, decimal_places=4, null=True)
    flags = models.JSONField(_("标记"), default=list)
    # The scoring method with this result's numbers put in, e.g. "8 − 0.5 × 1 = 7.50", as the
    # engine wrote it when scoring (indicators.scoring.explain): pages never recompute it.
    formula = models.CharField(_("计分算式"), max_length=300, blank=True)
    # Gap to the next place (争先进位), from the engine with this one value changed: the basis
    # and year-to-date value that would tie the next better county on this indicator, the
    # indicator rank and overall rank that would bring, and the total points gained.
    # Empty where the county leads the indicator or has no valid basis.
    gap_basis = models.DecimalField(_("进位所需依据值"), max_digits=18, decimal_places=6, null=True)
    gap_value = models.DecimalField(_("进位所需累计值"), max_digits=18, decimal_places=4, null=True)
    gap_rank = models.PositiveSmallIntegerField(_("进位后指标名次"), null=True)
    gap_total_rank = models.PositiveSmallIntegerField(_("进位后综合名次"), null=True)
    gap_points = models.DecimalField(_("进位增加总分"), max_digits=12, decimal_places=4, null=True)
    # "next": the basis that ties the next better county; "threshold": the threshold of a
    # threshold-then-rank method, where tying the next county would bring nothing.
    gap_kind = models.CharField(_("进位目标类型"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "county", "indicator"], name="indicatorresult_unique"
            ),
        ]
        indexes = [
            # one indicator over a year's runs (the profile's growth trend), read from the index
            models.Index(
                fields=["indicator", "run"],
                include=["county", "value", "prior_value", "basis"],
                name="indicatorresult_ind_run",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.indicator_id} {self.score}"


class AnnualResult(models.Model):
    """The year so far (年度考核结果): each county's period totals combined with the rule set's
    period weights over the weighted months up to the run's month, ranked and tiered as a
    period is (indicators.scoring.annual_of). At June it is the half-year result, at December
    the year's; before December it is marked partial."""

    run = models.ForeignKey(RankingRun, on_delete=models.CASCADE, related_name="annual")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    total = models.DecimalField(_("年度综合得分"), max_digits=12, decimal_places=4, null=True)
    rank = models.PositiveSmallIntegerField(_("年度名次"), null=True)
    tier = models.CharField(_("方阵"), max_length=10, blank=True)
    flags = models.JSONField(_("标记"), default=list)
    # [[month, weight, total or null], ...] for each weighted month counted, in month order
    parts = models.JSONField(_("各期得分与权重"), default=list)

    class Meta:
        verbose_name = _("年度考核结果")
        verbose_name_plural = _("年度考核结果")
        constraints = [
            models.UniqueConstraint(fields=["run", "county"], name="annualresult_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.county_id} {self.total} #{self.rank}"


class ProgressResult(models.Model):
    """A county's (no county: the city's) progress on one indicator against its annual target
    and the calendar (时序进度) in a run, and its early warning (预警). The figures are
    indicators.scoring.progress's; docs/rules.md §10 gives the formulas."""

    class Level(models.TextChoices):
        GREEN = "green", _("绿色")
        YELLOW = "yellow", _("黄色")
        RED = "red", _("红色")

    run = models.ForeignKey(RankingRun, on_delete=models.CASCADE, related_name="progress")
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    target_kind = models.CharField(_("目标类型"), max_length=10, blank=True)
    target = models.DecimalField(_("目标"), max_digits=18, decimal_places=4, null=True)
    value = models.DecimalField(_("本年累计"), max_digits=18, decimal_places=4, null=True)
    prior_value = models.DecimalField(_("上年同期"), max_digits=18, decimal_places=4, null=True)
    growth = models.DecimalField(_("增速（%）"), max_digits=12, decimal_places=4, null=True)
    completion = models.DecimalField(_("完成率（%）"), max_digits=12, decimal_places=4, null=True)
    time_progress = models.DecimalField(
        _("时序进度（%）"), max_digits=9, decimal_places=4, null=True
    )
    ahead = models.DecimalField(
        _("快于（+）或慢于（−）时序进度的百分点"), max_digits=12, decimal_places=4, null=True
    )
    shortfall = models.DecimalField(_("欠账"), max_digits=18, decimal_places=4, null=True)
    pace_needed = models.DecimalField(
        _("剩余月份月均需完成"), max_digits=18, decimal_places=4, null=True
    )
    pace_so_far = models.DecimalField(
        _("已过月份月均完成"), max_digits=18, decimal_places=4, null=True
    )
    level = models.CharField(_("预警"), max_length=6, choices=Level.choices, blank=True)
    reasons = models.JSONField(_("预警原因"), default=list)
    # 追赶计划: [[month, year-to-date value needed by then], ...] for the remaining months, when
    # the row is short of its target; and last month's plan checked against this month
    plan = models.JSONField(_("追赶计划"), default=list)
    milestone = models.DecimalField(
        _("上月计划本月应达"), max_digits=18, decimal_places=4, null=True
    )
    milestone_met = models.BooleanField(_("达到计划"), null=True)

    class Meta:
        verbose_name = _("目标进度与预警")
        verbose_name_plural = _("目标进度与预警")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "county", "indicator"],
                condition=Q(county__isnull=False),
                name="progressresult_county_unique",
            ),
            models.UniqueConstraint(
                fields=["run", "indicator"],
                condition=Q(county__isnull=True),
                name="progressresult_city_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_id or 'city'} {self.indicator_id} {self.level}"


class IndicatorReference(models.Model):
    """The statistics of an indicator's comparison set (a peer group, or the whole city) in a
    run, in the basis' own units: what relative methods (efficacy, z-score, rank points) score
    against. The county profile's 得分构成 puts these numbers into each method's formula."""

    run = models.ForeignKey(RankingRun, on_delete=models.CASCADE, related_name="references")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    peer_group = models.CharField(_("分组"), max_length=40, blank=True)
    count = models.PositiveSmallIntegerField(_("比较县区数"))
    # counties of the set with a place on the indicator (an invalid base has one too: the
    # set's worst), the "n" of "rank / n" on the pages
    ranked = models.PositiveSmallIntegerField(_("该指标参评县区数"), default=0)
    best = models.DecimalField(_("最优值"), max_digits=18, decimal_places=6, null=True)
    worst = models.DecimalField(_("最差值"), max_digits=18, decimal_places=6, null=True)
    mean = models.DecimalField(_("平均值"), max_digits=18, decimal_places=6, null=True)
    std = models.DecimalField(_("标准差"), max_digits=18, decimal_places=6, null=True)

    class Meta:
        verbose_name = _("指标比较基准")
        verbose_name_plural = _("指标比较基准")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "indicator", "peer_group"], name="indicatorreference_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.peer_group} n={self.count}"


class BonusItem(models.Model):
    """A manual bonus (加分项, positive points) or penalty (扣分项, negative points) for a
    county and period."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="bonus_items", verbose_name=_("县区")
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="bonus_items", verbose_name=_("报送期")
    )
    points = models.DecimalField(
        _("分值"), max_digits=7, decimal_places=2, help_text=_("加分为正数，扣分为负数。")
    )
    reason = models.CharField(_("事由"), max_length=200)
    document = models.FileField(_("依据文件"), upload_to="bonus/%Y/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-period__year", "-period__month", "county__display_order"]
        verbose_name = _("加减分项")
        verbose_name_plural = _("加减分项")
        constraints = [
            models.CheckConstraint(condition=~Q(points=0), name="bonusitem_points_nonzero"),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.period} {self.points:+} {self.reason}"


class Veto(models.Model):
    """One-vote veto (一票否决) for a county in a year: scores kept, no place among the leaders."""

    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="vetoes", verbose_name=_("县区")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    reason = models.CharField(_("事由"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "county__display_order"]
        verbose_name = _("一票否决")
        verbose_name_plural = _("一票否决")
        constraints = [
            models.UniqueConstraint(fields=["county", "year"], name="veto_county_year_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.year} {self.reason}"


class StabilityJob(models.Model):
    """A rank-stability analysis (排名稳定性分析): a rule set's ranking of one period's approved
    values under `samples` random weightings within ±`spread`, computed by a Celery task.

    `done` counts the samples computed so far; `result` holds, once succeeded, each ranked
    county's base rank, rank statistics and sampled ranks (see rankings/stability.py).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    ruleset = models.ForeignKey(
        RuleSet,
        on_delete=models.PROTECT,
        related_name="stability_jobs",
        verbose_name=_("考核规则版本"),
    )
    period = models.ForeignKey(
        Period, on_delete=models.PROTECT, related_name="stability_jobs", verbose_name=_("报送期")
    )
    samples = models.PositiveIntegerField(_("抽样次数"))
    spread = models.DecimalField(_("权重浮动幅度"), max_digits=4, decimal_places=3)
    seed = models.PositiveIntegerField(_("随机种子"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("已完成抽样"), default=0)
    result = models.JSONField(_("结果"), null=True, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("排名稳定性分析")
        verbose_name_plural = _("排名稳定性分析")
        constraints = [
            models.CheckConstraint(
                condition=Q(samples__gte=1) & Q(samples__lte=5000),
                name="stabilityjob_samples_range",
            ),
            models.CheckConstraint(
                condition=Q(spread__gte=0) & Q(spread__lt=1), name="stabilityjob_spread_range"
            ),
            models.CheckConstraint(
                condition=Q(done__lte=models.F("samples")), name="stabilityjob_done_le_samples"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.ruleset} · {self.get_status_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)
