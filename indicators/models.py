"""The indicator catalogue and the assessment rule sets that score it.

A rule set mirrors the rule-set JSON that the scoring engine reads (docs/rules.md): rule-set level
settings on RuleSet, one RuleSetCategory per category it weights, one RuleSetIndicator per
indicator it scores.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from scorecard.naming import localized

DESCRIPTION_MAX = 2000  # characters of an indicator's or a rule set's description (说明)

code_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,39}$",
    _("代码只能包含小写字母、数字和下划线，并以字母开头。"),
)


class Category(models.Model):
    """An area of the provincial assessment method (industrial structure, innovation, ...)."""

    code = models.CharField(_("代码"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=100)
    display_order = models.PositiveSmallIntegerField(_("显示顺序"), default=0)

    class Meta:
        ordering = ["display_order", "code"]
        verbose_name = _("指标类别")
        verbose_name_plural = _("指标类别")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name in the active language (English when the interface is in English)."""
        return localized(self.name, self.name_en)


class Unit(models.TextChoices):
    YI_YUAN = "亿元", _("亿元")
    WAN_YUAN = "万元", _("万元")
    YUAN = "元", _("元")
    WAN_USD = "万美元", _("万美元")
    YI_USD = "亿美元", _("亿美元")
    PERCENT = "%", _("%")
    COUNT = "个", _("个")
    ENTERPRISES = "家", _("家")
    PERSONS = "人", _("人")
    TCE_PER_WAN_YUAN = "吨标准煤/万元", _("吨标准煤/万元")
    DAYS = "天", _("天")
    POINTS = "分", _("分")


# Units counted in whole numbers: a count of enterprises or persons never has a fraction.
WHOLE_UNITS = frozenset({Unit.COUNT, Unit.ENTERPRISES, Unit.PERSONS})
# Units whose county figures add up to the city's: money in aggregate and counts. Per-capita
# figures (元), rates, intensities and days do not.
SUMMABLE_UNITS = frozenset(
    {
        Unit.YI_YUAN,
        Unit.WAN_YUAN,
        Unit.WAN_USD,
        Unit.YI_USD,
        Unit.COUNT,
        Unit.ENTERPRISES,
        Unit.PERSONS,
    }
)


class Department(models.Model):
    """A city department (市直单位): the lead (牵头单位) or a supporting unit of an indicator's
    work, and, from issue 14 on, the supplier of its figures."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    display_order = models.PositiveSmallIntegerField(_("显示顺序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["display_order", "name"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return localized(self.name, self.name_en)


class Indicator(models.Model):
    class Kind(models.TextChoices):
        FLOW = "flow", _("累计值（1-N月累计）")
        STOCK = "stock", _("时点值（期末数）")
        RATE = "rate", _("比率")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("越大越好")
        LOWER = "lower", _("越小越好")

    code = models.CharField(_("代码"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("名称"), max_length=80)
    name_en = models.CharField(_("英文名称"), max_length=120)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="indicators", verbose_name=_("类别")
    )
    unit = models.CharField(_("计量单位"), max_length=20, choices=Unit.choices)
    kind = models.CharField(_("指标性质"), max_length=10, choices=Kind.choices)
    direction = models.CharField(
        _("方向"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    decimals = models.PositiveSmallIntegerField(
        _("小数位数"), default=2, validators=[MaxValueValidator(6)]
    )
    # the department that supplies the figures (数据来源部门); with `entered_by_department` its
    # department reporters enter them for every county, and the counties see them read-only
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplied_indicators",
        verbose_name=_("数据来源部门"),
    )
    entered_by_department = models.BooleanField(
        _("由部门填报"),
        default=False,
        help_text=_("勾选后由数据来源部门的填报员为各县区填报，县区填报表中只读。"),
    )
    # responsibility (责任分工): who leads the work on the indicator, who supports it
    lead_department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_indicators",
        verbose_name=_("牵头单位"),
    )
    supporting_departments = models.ManyToManyField(
        Department, blank=True, related_name="supported_indicators", verbose_name=_("配合单位")
    )
    can_be_negative = models.BooleanField(_("可为负数"), default=False)
    is_share = models.BooleanField(
        _("是占比（0-100%）"), default=False, help_text=_("勾选后数值须在 0 到 100 之间。")
    )
    description = models.TextField(_("说明"), blank=True, max_length=DESCRIPTION_MAX)
    display_order = models.PositiveSmallIntegerField(_("显示顺序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords(m2m_fields=[supporting_departments])

    class Meta:
        ordering = ["category__display_order", "display_order", "code"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        constraints = [
            models.CheckConstraint(
                condition=Q(entered_by_department=False) | Q(department__isnull=False),
                name="indicator_department_entry_needs_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name}（{self.get_unit_display()}）"

    @property
    def is_summable(self) -> bool:
        """The counties' figures add up to the city's (a total, a count); otherwise the city's
        figure is their average (rates, per-capita figures, intensities)."""
        return self.kind != self.Kind.RATE and self.unit in SUMMABLE_UNITS and not self.is_share

    @property
    def display_name(self) -> str:
        """The name in the active language (English when the interface is in English)."""
        return localized(self.name, self.name_en)


class PublishedRuleSetError(ValidationError):
    """A write to a published rule set or to one of its rows (see indicators/guards.py)."""

    def __init__(self, message=None) -> None:
        super().__init__(
            message or _("该考核规则已发布，不能修改或删除；如需修改请新建版本。"), code="published"
        )


class RuleSetQuerySet(models.QuerySet):
    """Bulk updates skip save() and its signals, so they are refused here for published sets.
    `published` is the lookup that says "this row belongs to a published rule set"."""

    published = "status"

    def update(self, **kwargs):
        if self.filter(**{self.published: "published"}).exists():
            raise PublishedRuleSetError()
        return super().update(**kwargs)


class RuleSetRowQuerySet(RuleSetQuerySet):
    published = "ruleset__status"


class RuleSet(models.Model):
    """One version of one year's assessment method. Published versions are read-only."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("加权算术和")
        GEOMETRIC = "geometric", _("加权几何平均")

    year = models.PositiveSmallIntegerField(
        _("考核年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    version = models.PositiveSmallIntegerField(
        _("版本号"), default=1, validators=[MinValueValidator(1)]
    )
    name = models.CharField(_("名称"), max_length=120)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="draft")
    total_weight = models.DecimalField(
        _("类别权重合计"), max_digits=9, decimal_places=4, default=Decimal("100")
    )
    total_points = models.DecimalField(
        _("总分满分"),
        max_digits=9,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("留空则等于类别权重合计。"),
    )
    total_aggregation = models.CharField(
        _("总分合成方式"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    total_decimals = models.PositiveSmallIntegerField(
        _("总分小数位"), null=True, blank=True, default=2
    )
    indicator_decimals = models.PositiveSmallIntegerField(
        _("指标得分小数位"), null=True, blank=True, default=2
    )
    rank_on_rounded = models.BooleanField(_("按修约后得分排名"), default=True)
    missing_share_max = models.DecimalField(
        _("缺报比例上限"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.200"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("缺报指标占比超过此值的县区不计总分、不排名。"),
    )
    tier_leading_share = models.DecimalField(
        _("第一方阵比例"), max_digits=5, decimal_places=4, default=Decimal("0.333")
    )
    tier_lagging_share = models.DecimalField(
        _("后进方阵比例"), max_digits=5, decimal_places=4, default=Decimal("0.333")
    )
    peer_groups = models.JSONField(
        _("分组排名"),
        null=True,
        blank=True,
        help_text=_(
            '例如 {"by": "kind", "groups": {"urban": ["district"], "county": ["county", '
            '"county_city"]}}；留空表示全市统一排名。'
        ),
    )
    period_weights = models.JSONField(
        _("期次权重"),
        null=True,
        blank=True,
        help_text=_('年度结果按期次加权，例如 {"3": 15, "6": 25, "9": 25, "12": 35}。'),
    )
    bulletin_rules = models.JSONField(
        _("通报红黑榜"),
        null=True,
        blank=True,
        help_text=_(
            '留空按默认：红榜列前 3 名，黑榜列后 1 名。例如 {"red_list": 2, "black_list": 1}。'
        ),
    )
    warning_rules = models.JSONField(
        _("预警规则"),
        null=True,
        blank=True,
        help_text=_(
            "留空按默认：落后时序进度超过 5 个百分点或负增长为红色，落后或增速不及全市为黄色。"
            '例如 {"red_behind": 5, "yellow_behind": 0, "red_when_shrinking": true, '
            '"yellow_below_city": true}。'
        ),
    )
    missing_data_rules = models.JSONField(
        _("缺报与不考核"),
        null=True,
        blank=True,
        help_text=_(
            "留空按默认：不考核指标的权重按该县区本类别其余指标得分率折算，不设插补分组，"
            "不考核指标不计入缺报比例，插补类别的缺报指标计入缺报比例。"
            'exemptions：不考核指标的权重如何处理，"pro_rata" 按其余指标得分率折算、'
            '"redistribute" 按权重分配给本类别其余指标、"zero" 计 0 分；'
            'pro_rata_level：折算所用得分率，"category" 本类别、"total" 全部指标；'
            "imputation_group：按组均值插补时用于分组的县区属性列（如 region），留空表示不插补；"
            "count_exempt、count_imputed：不考核指标、插补类别的缺报指标是否计入缺报比例。"
            '例如 {"exemptions": "pro_rata", "pro_rata_level": "category", '
            '"imputation_group": "region", "count_exempt": false, "count_imputed": true}。'
        ),
    )
    bonus_cap = models.DecimalField(
        _("加分上限"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal("5"),
        help_text=_("留空表示不设上限。"),
    )
    penalty_cap = models.DecimalField(
        _("扣分上限"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal("5"),
        help_text=_("留空表示不设上限。"),
    )
    improvement = models.JSONField(
        _("进位奖励"),
        null=True,
        blank=True,
        help_text=_('例如 {"points_per_place": 0.5, "cap": 2}，以上年最终名次为基准。'),
    )
    description = models.TextField(_("说明"), blank=True, max_length=DESCRIPTION_MAX)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("发布人"),
    )

    objects = RuleSetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "-version"]
        verbose_name = _("考核规则")
        verbose_name_plural = _("考核规则")
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="ruleset_year_version_unique"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="ruleset_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} v{self.version} {self.name}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class RuleSetCategory(models.Model):
    class Missing(models.TextChoices):
        """What a missing value of the category's indicators does (the rule-set JSON's
        category "missing", docs/rules.md §11)."""

        ZERO = "zero", _("缺报计零分")
        AVAILABLE = "available", _("按已报指标折算")
        IMPUTE_GROUP = "impute_group", _("按组均值插补")

    ruleset = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="categories", verbose_name=_("考核规则")
    )
    category = models.ForeignKey(Category, on_delete=models.PROTECT, verbose_name=_("类别"))
    weight = models.DecimalField(_("权重（分值）"), max_digits=9, decimal_places=4)
    aggregation = models.CharField(
        _("合成方式"),
        max_length=10,
        choices=RuleSet.Aggregation.choices,
        default=RuleSet.Aggregation.SUM,
    )
    decimals = models.PositiveSmallIntegerField(_("小计小数位"), null=True, blank=True, default=2)
    missing = models.CharField(
        _("缺报处理"),
        max_length=12,
        choices=Missing.choices,
        default=Missing.ZERO,
        help_text=_(
            "缺报计零分：缺报指标得 0 分；按已报指标折算：类别得分按已报指标的权重重新折算，"
            "全部缺报时该类别不计入总分；按组均值插补：同上，全部缺报时取所在分组县区的"
            "类别平均得分（须在“缺报与不考核”中设置插补分组）。"
        ),
    )
    display_order = models.PositiveSmallIntegerField(_("显示顺序"), default=0)

    objects = RuleSetRowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["display_order", "category__display_order"]
        verbose_name = _("规则类别权重")
        verbose_name_plural = _("规则类别权重")
        constraints = [
            models.UniqueConstraint(fields=["ruleset", "category"], name="rulesetcategory_unique"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="rulesetcategory_weight_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.category}：{self.weight}"


class RuleSetIndicator(models.Model):
    class Basis(models.TextChoices):
        VALUE = "value", _("累计值")
        GROWTH = "growth", _("同比增速（%）")
        RATIO = "ratio", _("两指标之比")

    class Method(models.TextChoices):
        RANK_POINTS = "rank_points", _("位次赋分")
        EFFICACY = "efficacy", _("功效系数法")
        GOALPOSTS = "goalposts", _("固定阈值极差法")
        TARGET = "target", _("目标完成率")
        STEPPED = "stepped", _("目标阶梯加减分")
        THRESHOLD_RANK = "threshold_rank", _("达标后按位次赋分")
        ZSCORE = "zscore", _("标准分（Z值）")

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", _("按月")
        QUARTERLY = "quarterly", _("按季（3、6、9、12月）")

    ruleset = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("考核规则")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="rules", verbose_name=_("指标")
    )
    category = models.ForeignKey(
        RuleSetCategory,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("所属类别"),
    )
    weight = models.DecimalField(_("权重（分值）"), max_digits=9, decimal_places=4)
    basis = models.CharField(_("计分依据"), max_length=10, choices=Basis.choices)
    denominator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("分母指标"),
        help_text=_("计分依据为“两指标之比”时填写。"),
    )
    factor = models.DecimalField(
        _("比值系数"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        default=Decimal("1"),
        help_text=_("比值乘以此系数，例如百分比填 100；留空即 1。"),
    )
    direction = models.CharField(
        _("方向"),
        max_length=10,
        choices=Indicator.Direction.choices,
        default=Indicator.Direction.HIGHER,
    )
    decimals = models.PositiveSmallIntegerField(
        _("计分依据精度（小数位）"),
        null=True,
        blank=True,
        default=1,
        help_text=_("按公布精度修约后再排名，如增速保留 1 位小数。"),
    )
    method = models.CharField(_("计分方法"), max_length=20, choices=Method.choices)
    params = models.JSONField(_("方法参数"), default=dict, blank=True)
    frequency = models.CharField(
        _("考核频次"), max_length=10, choices=Frequency.choices, default=Frequency.MONTHLY
    )
    display_order = models.PositiveSmallIntegerField(_("显示顺序"), default=0)

    objects = RuleSetRowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["display_order", "id"]
        verbose_name = _("规则指标")
        verbose_name_plural = _("规则指标")
        constraints = [
            models.UniqueConstraint(
                fields=["ruleset", "indicator"], name="rulesetindicator_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0), name="rulesetindicator_weight_gte_0"
            ),
            models.CheckConstraint(
                condition=~Q(basis="ratio") | Q(denominator__isnull=False),
                name="rulesetindicator_ratio_has_denominator",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name}：{self.weight}"
