"""What the read-only API returns for each row. Decimals are strings ("12.3400") with every
place the database keeps, so nothing is lost to binary floats; each figure that belongs to an
indicator comes with the indicator's unit (`unit`), a target's with the target's own (`%` for a
growth target), and percentages and percentage points say so in their names."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from counties.models import County, Period
from indicators.models import Category, Indicator
from rankings.models import (
    CategoryResult,
    CountyResult,
    IndicatorResult,
    ProgressResult,
    RankingRun,
)
from rankings.selectors.breakdown import Breakdown
from supervision.models import Bulletin
from targets.access import TARGET_FIGURES, target_figures_visible
from targets.models import Target, TargetSet

PERCENT = "%"


def _decimal(
    help_text: Any, *, max_digits: int = 18, places: int = 4, **kwargs: Any
) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=max_digits,
        decimal_places=places,
        read_only=True,
        allow_null=True,
        help_text=help_text,
        **kwargs,
    )


class PeriodKeyField(serializers.CharField):
    """A period as `YYYY-MM`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("报送期，YYYY-MM"))
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Period) -> str:
        return value.key


class CountyCodeField(serializers.CharField):
    """A county as its division code; null for the city as a whole where rows allow it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("县区 6 位行政区划代码；null 表示全市"))
        super().__init__(read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: County) -> str:
        return value.code


# ------------------------------------------------------------------------ reference lists


class CountySerializer(serializers.ModelSerializer):
    class Meta:
        model = County
        fields = ["code", "name", "name_en", "kind", "is_ranked", "display_order"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ["code", "name", "name_en"]


class IndicatorSerializer(serializers.ModelSerializer):
    category = CategorySerializer(read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "code",
            "name",
            "name_en",
            "category",
            "unit",
            "kind",
            "direction",
            "decimals",
            "is_share",
            "can_be_negative",
            "is_active",
            "description",
        ]


class PeriodSerializer(serializers.ModelSerializer):
    key = serializers.CharField(read_only=True, help_text=_("报送期，YYYY-MM"))
    label = serializers.CharField(read_only=True, help_text=_("报送期名称，如“2026年1-6月”"))

    class Meta:
        model = Period
        fields = ["key", "year", "month", "label", "deadline", "is_open"]


# ----------------------------------------------------------------------------------- runs


class RuleSetRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    year = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class RunSerializer(serializers.ModelSerializer):
    period = PeriodKeyField()
    ruleset = RuleSetRefSerializer(read_only=True, help_text=_("计算所依据的考核规则版本"))
    target_version = serializers.SerializerMethodField(
        help_text=_("计算时依据的目标任务版本号；该年度没有已发布目标时为 null")
    )

    class Meta:
        model = RankingRun
        fields = [
            "id",
            "period",
            "ruleset",
            "target_version",
            "is_published",
            "published_at",
            "started_at",
            "finished_at",
            "counties_expected",
            "counties_ranked",
            "counties_scored",
        ]

    def get_target_version(self, run: RankingRun) -> int | None:
        return run.target_set.version if run.target_set is not None else None


# -------------------------------------------------------------------------------- results


FLAGS_HELP = _(
    "引擎标记：指标 missing 缺报、exempt 不考核、invalid_base 基数无效、not_scheduled 本月不考核；"
    "类别 imputed 插补（取所在分组县区的平均得分）"
)


class CategoryPartSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code", read_only=True)
    name = serializers.CharField(source="category.name", read_only=True)
    flags = serializers.ListField(
        child=serializers.CharField(), read_only=True, help_text=FLAGS_HELP
    )

    class Meta:
        model = CategoryResult
        fields = ["category", "name", "subtotal", "rank", "flags"]


class CountyResultSerializer(serializers.ModelSerializer):
    """A county's total in a run and what it is made of: total = base_total (the category
    subtotals) + bonus + penalty + improvement, rounded as the rule set says."""

    run = serializers.IntegerField(source="run_id", read_only=True)
    period = PeriodKeyField(source="run.period")
    county = serializers.CharField(source="county.code", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)
    flags = serializers.ListField(child=serializers.CharField(), read_only=True)
    categories = serializers.SerializerMethodField()

    class Meta:
        model = CountyResult
        fields = [
            "id",
            "run",
            "period",
            "county",
            "county_name",
            "total",
            "rank",
            "rank_change",
            "tier",
            "peer_group",
            "vetoed",
            "base_total",
            "bonus",
            "penalty",
            "improvement",
            "base_rank",
            "first_rank",
            "total_formula",
            "improvement_formula",
            "flags",
            "categories",
        ]

    @extend_schema_field(CategoryPartSerializer(many=True))
    def get_categories(self, result: CountyResult) -> list[dict[str, Any]]:
        """The county's category subtotals (the run's rows, prefetched by the selector)."""
        rows = [r for r in result.run.category_results.all() if r.county_id == result.county_id]
        return list(CategoryPartSerializer(rows, many=True).data)


class BreakdownIndicatorSerializer(serializers.Serializer):
    indicator = serializers.CharField(help_text=_("指标代码"))
    name = serializers.CharField()
    unit = serializers.CharField(help_text=_("计量单位（value 的单位）"))
    weight = _decimal(_("权重（分值）"), max_digits=9)
    basis_kind = serializers.CharField(
        help_text=_("计分依据：value 累计值、growth 增速（%）、ratio 两指标之比")
    )
    method = serializers.CharField(help_text=_("计分方法"))
    value = _decimal(_("本年累计（指标单位）"))
    basis = _decimal(_("计分依据值"), places=6)
    rank = serializers.IntegerField(allow_null=True)
    score = _decimal(_("得分"), max_digits=12)
    formula = serializers.CharField(help_text=_("计分算式"))
    flags = serializers.ListField(child=serializers.CharField(), help_text=FLAGS_HELP)
    exemption_reason = serializers.CharField(help_text=_("不考核的事由；空字符串表示没有或未知"))


class BreakdownCategorySerializer(serializers.Serializer):
    category = serializers.CharField()
    name = serializers.CharField()
    weight = _decimal(_("类别权重（分值）"), max_digits=9)
    subtotal = _decimal(_("小计"), max_digits=12)
    rank = serializers.IntegerField(allow_null=True)
    flags = serializers.ListField(child=serializers.CharField(), help_text=FLAGS_HELP)
    indicators = BreakdownIndicatorSerializer(many=True)


class BonusLineSerializer(serializers.Serializer):
    points = _decimal(_("分值：加分为正，扣分为负（封顶前）"), max_digits=7, places=2)
    reason = serializers.CharField()


class BreakdownSerializer(serializers.Serializer):
    categories = BreakdownCategorySerializer(many=True)
    bonus_items = BonusLineSerializer(many=True, help_text=_("计算时有效的加减分项"))
    veto_reason = serializers.CharField(help_text=_("一票否决事由；空字符串表示没有"))


def breakdown_data(breakdown: Breakdown) -> dict[str, Any]:
    """得分构成 of rankings.selectors.breakdown as plain data for BreakdownSerializer."""
    categories = []
    for part in breakdown.categories:
        indicators = []
        for item in part.parts:
            rule, result = item.rule, item.result
            indicators.append(
                {
                    "indicator": rule.indicator.code,
                    "name": rule.indicator.name,
                    "unit": rule.indicator.unit,
                    "weight": rule.weight,
                    "basis_kind": rule.basis,
                    "method": rule.method,
                    "value": result.value if result else None,
                    "basis": result.basis if result else None,
                    "rank": result.rank if result else None,
                    "score": result.score if result else None,
                    "formula": result.formula if result else "",
                    "flags": list(result.flags) if result else [],
                    "exemption_reason": item.exemption_reason,
                }
            )
        categories.append(
            {
                "category": part.rule.category.code,
                "name": part.rule.category.name,
                "weight": part.rule.weight,
                "subtotal": part.subtotal,
                "rank": part.rank,
                "flags": list(part.flags),
                "indicators": indicators,
            }
        )
    return {
        "categories": categories,
        "bonus_items": [{"points": b.points, "reason": b.reason} for b in breakdown.bonus_items],
        "veto_reason": breakdown.veto_reason,
    }


class CountyResultDetailSerializer(CountyResultSerializer):
    breakdown = serializers.SerializerMethodField(help_text=_("得分构成：各指标的依据、算式与得分"))

    class Meta(CountyResultSerializer.Meta):
        fields = [*CountyResultSerializer.Meta.fields, "breakdown"]

    @extend_schema_field(BreakdownSerializer(allow_null=True))
    def get_breakdown(self, result: CountyResult) -> dict[str, Any] | None:
        found: Breakdown | None = self.context.get("breakdown")
        return dict(BreakdownSerializer(breakdown_data(found)).data) if found else None


class IndicatorResultSerializer(serializers.ModelSerializer):
    run = serializers.IntegerField(source="run_id", read_only=True)
    period = PeriodKeyField(source="run.period")
    county = serializers.CharField(source="county.code", read_only=True)
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    unit = serializers.CharField(
        source="indicator.unit", read_only=True, help_text=_("value、prior_value、gap_value 的单位")
    )
    flags = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = IndicatorResult
        fields = [
            "id",
            "run",
            "period",
            "county",
            "indicator",
            "unit",
            "value",
            "prior_value",
            "basis",
            "rank",
            "score",
            "formula",
            "flags",
            "gap_kind",
            "gap_basis",
            "gap_value",
            "gap_rank",
            "gap_total_rank",
            "gap_points",
        ]


# ------------------------------------------------------------------- targets and progress


def _target_unit(kind: str, indicator: Indicator) -> str:
    return PERCENT if kind == Target.Kind.GROWTH else indicator.unit


class PlanStepSerializer(serializers.Serializer):
    month = serializers.IntegerField(help_text=_("月份"))
    needed = _decimal(_("到该月末应达到的本年累计（指标单位）"))


class ProgressSerializer(serializers.ModelSerializer):
    """A county's (county null: the city's) progress against its annual target and the
    calendar (时序进度), and its warning, in a run."""

    run = serializers.IntegerField(source="run_id", read_only=True)
    period = PeriodKeyField(source="run.period")
    county = CountyCodeField()
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    unit = serializers.CharField(
        source="indicator.unit",
        read_only=True,
        help_text=_("value、prior_value、shortfall、pace_*、milestone、plan 的单位"),
    )
    target_unit = serializers.SerializerMethodField(
        help_text=_("target 的单位：增速目标为 %，目标值为指标单位；没有目标时为空")
    )
    growth_pct = _decimal(_("同比增速（%）"), max_digits=12, source="growth")
    completion_pct = _decimal(_("完成率（%）"), max_digits=12, source="completion")
    time_progress_pct = _decimal(_("时序进度（%）"), max_digits=9, source="time_progress")
    ahead_points = _decimal(
        _("快于（+）或慢于（−）时序进度的百分点"), max_digits=12, source="ahead"
    )
    reasons = serializers.ListField(child=serializers.CharField(), read_only=True)
    plan = serializers.SerializerMethodField(help_text=_("追赶计划：剩余各月应达到的本年累计"))

    class Meta:
        model = ProgressResult
        fields = [
            "id",
            "run",
            "period",
            "county",
            "indicator",
            "unit",
            "target_kind",
            "target",
            "target_unit",
            "value",
            "prior_value",
            "growth_pct",
            "completion_pct",
            "time_progress_pct",
            "ahead_points",
            "shortfall",
            "pace_needed",
            "pace_so_far",
            "level",
            "reasons",
            "plan",
            "milestone",
            "milestone_met",
        ]

    def get_target_unit(self, row: ProgressResult) -> str:
        return _target_unit(row.target_kind, row.indicator) if row.target_kind else ""

    def to_representation(self, instance: ProgressResult) -> dict[str, Any]:
        """A county user reads other counties' completion and warnings, not their targets
        (targets.access.TARGET_FIGURES: null, the plan empty)."""
        data = super().to_representation(instance)
        visible = self.context.get("target_counties", frozenset())  # unset: none shown
        if not target_figures_visible(visible, instance.county_id):
            for name in TARGET_FIGURES:
                data[name] = [] if name == "plan" else None
        return data

    @extend_schema_field(PlanStepSerializer(many=True))
    def get_plan(self, row: ProgressResult) -> list[dict[str, Any]]:
        steps = [
            {"month": int(month), "needed": Decimal(str(needed))}
            for month, needed in row.plan or []
            if needed is not None
        ]
        return list(PlanStepSerializer(steps, many=True).data)


class TargetSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="target_set.year", read_only=True)
    version = serializers.IntegerField(source="target_set.version", read_only=True)
    status = serializers.ChoiceField(
        source="target_set.status",
        choices=TargetSet.Status.choices,
        read_only=True,
        help_text=_("目标任务版本的状态"),
    )
    published_at = serializers.DateTimeField(
        source="target_set.published_at", read_only=True, allow_null=True
    )
    county = CountyCodeField()
    indicator = serializers.CharField(source="indicator.code", read_only=True)
    unit = serializers.SerializerMethodField(help_text=_("value 的单位：增速目标为 %"))

    class Meta:
        model = Target
        fields = [
            "id",
            "year",
            "version",
            "status",
            "published_at",
            "county",
            "indicator",
            "kind",
            "value",
            "unit",
        ]

    def get_unit(self, row: Target) -> str:
        return _target_unit(row.kind, row.indicator)


# ------------------------------------------------------------------------------ bulletins


class BulletinSerializer(serializers.ModelSerializer):
    period = PeriodKeyField()
    run = serializers.IntegerField(source="run_id", read_only=True)
    label = serializers.CharField(source="number_label", read_only=True)
    page_url = serializers.SerializerMethodField(help_text=_("通报页面的地址"))

    class Meta:
        model = Bulletin
        fields = [
            "id",
            "year",
            "number",
            "label",
            "status",
            "period",
            "run",
            "drafted_at",
            "issued_at",
            "page_url",
        ]

    def get_page_url(self, bulletin: Bulletin) -> str:
        return reverse("bulletin_detail", args=[bulletin.pk])


class BulletinDetailSerializer(BulletinSerializer):
    files = serializers.SerializerMethodField(
        help_text=_("印发后的 PDF 与 Word 文件地址；草稿为空")
    )

    class Meta(BulletinSerializer.Meta):
        fields = [*BulletinSerializer.Meta.fields, "text", "document", "files"]

    @extend_schema_field(
        inline_serializer(
            "BulletinFiles",
            {"pdf": serializers.CharField(), "docx": serializers.CharField()},
            allow_null=True,
        )
    )
    def get_files(self, bulletin: Bulletin) -> dict[str, str] | None:
        if not bulletin.is_issued:
            return None
        return {
            "pdf": reverse("bulletin_pdf", args=[bulletin.pk]),
            "docx": reverse("bulletin_docx", args=[bulletin.pk]),
        }
