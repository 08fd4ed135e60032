"""The rule-set editor's forms: rule-set settings, one row per category, one per indicator.
editor.py puts them together into one page (`RuleSetEditor`)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .models import Indicator, RuleSet, RuleSetCategory, RuleSetIndicator

NUMBER = forms.TextInput(attrs={"inputmode": "decimal", "class": "num", "size": 7})
WEIGHT = {"max_digits": 9, "decimal_places": 4, "min_value": Decimal(0), "widget": NUMBER}


JSON_TEXT_MAX = 5000  # characters of a JSON text box (method parameters, peer groups)


class JSONText(forms.CharField):
    """A JSON value typed into a text box; empty is None. The numbers and texts inside are
    bounded by the editor as a whole (rule_errors.bounds), where each problem is placed."""

    def __init__(self, *, kind: type | tuple[type, ...] = dict, **kwargs) -> None:
        self.kind = kind
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.Textarea(attrs={"rows": 1, "spellcheck": "false", "maxlength": JSON_TEXT_MAX}),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, dict | list):  # a disabled field gives back its initial value
            return value if isinstance(value, self.kind) else None
        text = (value or "").strip()
        if not text:
            return None
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                gettext("不是有效的 JSON（第 %(line)d 行第 %(col)d 列）。")
                % {"line": exc.lineno, "col": exc.colno}
            ) from exc
        except RecursionError as exc:
            raise forms.ValidationError(gettext("JSON 嵌套过深。")) from exc
        if not isinstance(parsed, self.kind):
            raise forms.ValidationError(gettext('须是一个 JSON 对象，例如 {"step": 0.05}。'))
        if len(text) > JSON_TEXT_MAX:  # after parsing, so that a malformed text says how
            raise forms.ValidationError(
                gettext("JSON 过长（%(len)d 个字符，最多 %(n)d 个字符）。")
                % {"len": len(text), "n": JSON_TEXT_MAX}
            )
        return parsed

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dict | list):
            return json.dumps(value, ensure_ascii=False)
        return value


class _TextNumbers(forms.Form):
    """Numbers typed as text (as officials type them), right-aligned, no browser spinners."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            if isinstance(f.widget, forms.NumberInput):
                f.widget = forms.TextInput(attrs={**NUMBER.attrs, "size": 5})


class SettingsForm(_TextNumbers):
    name = forms.CharField(label=_("名称"), max_length=120)
    total_weight = forms.DecimalField(
        label=_("类别权重合计（分）"),
        **{**WEIGHT, "widget": forms.TextInput(attrs={**NUMBER.attrs, "data-total-weight": ""})},
    )
    total_points = forms.DecimalField(
        label=_("总分满分（分）"), required=False, help_text=_("留空则等于类别权重合计。"),
        **WEIGHT,
    )  # fmt: skip
    total_aggregation = forms.ChoiceField(
        label=_("总分合成方式"), choices=RuleSet.Aggregation.choices
    )
    total_decimals = forms.IntegerField(
        label=_("总分小数位"), required=False, min_value=0, max_value=6
    )
    indicator_decimals = forms.IntegerField(
        label=_("指标得分小数位"), required=False, min_value=0, max_value=6
    )
    rank_on = forms.ChoiceField(
        label=_("排名依据"),
        choices=[("rounded", _("修约后得分")), ("unrounded", _("修约前得分"))],
    )
    missing_share_max = forms.DecimalField(
        label=_("缺报比例上限"), max_digits=4, decimal_places=3, min_value=0, max_value=1
    )
    tier_leading = forms.DecimalField(
        label=_("第一方阵比例"), max_digits=5, decimal_places=4, min_value=0, max_value=1
    )
    tier_lagging = forms.DecimalField(
        label=_("后进方阵比例"), max_digits=5, decimal_places=4, min_value=0, max_value=1
    )
    bonus_cap = forms.DecimalField(
        label=_("加分上限（分）"), required=False, max_digits=7, decimal_places=2, min_value=0,
        help_text=_("留空表示不设上限。"),
    )  # fmt: skip
    penalty_cap = forms.DecimalField(
        label=_("扣分上限（分）"), required=False, max_digits=7, decimal_places=2, min_value=0,
        help_text=_("留空表示不设上限。"),
    )  # fmt: skip
    improvement_points = forms.DecimalField(
        label=_("进位奖励（分/位）"), required=False, min_value=0, max_digits=7,
        decimal_places=4, help_text=_("留空表示不设进位奖励。"),
    )  # fmt: skip
    improvement_cap = forms.DecimalField(
        label=_("进位奖励上限（分）"), required=False, min_value=0, max_digits=7,
        decimal_places=4,
    )  # fmt: skip
    improvement_penalty = forms.DecimalField(
        label=_("退位扣分（分/位）"), required=False, min_value=0, max_digits=7,
        decimal_places=4,
    )  # fmt: skip
    improvement_penalty_cap = forms.DecimalField(
        label=_("退位扣分上限（分）"), required=False, min_value=0, max_digits=7,
        decimal_places=4,
    )  # fmt: skip
    peer_groups = JSONText(
        label=_("分组排名"),
        help_text=_('例如 {"by": "kind", "groups": {"urban": ["district"], "county": '
                        '["county", "county_city"]}}；留空表示全市统一排名。'),
    )  # fmt: skip
    period_weights = JSONText(
        label=_("期次权重"), help_text=_('例如 {"6": 40, "12": 60}；留空表示不设。')
    )
    warnings = JSONText(
        label=_("预警规则"),
        help_text=_('例如 {"red_behind": 5, "yellow_behind": 0}；留空按默认：落后时序进度'
                        '超过 5 个百分点或负增长为红色，落后或增速不及全市为黄色。'),
    )  # fmt: skip
    bulletin = JSONText(
        label=_("通报红黑榜"),
        help_text=_('例如 {"red_list": 2, "black_list": 1}：红榜前 2 名，黑榜后 1 名；'
                        "留空按默认：红榜 3 名，黑榜 1 名。"),
    )  # fmt: skip
    # 缺报与不考核: the rule set's "missing_data" (docs/rules.md §11), one field per key
    missing_exemptions = forms.ChoiceField(
        label=_("不考核指标的权重"),
        choices=[
            ("pro_rata", _("按其余指标得分率折算")),
            ("redistribute", _("按权重分配给本类别其余指标")),
            ("zero", _("计 0 分")),
        ],
        help_text=_("县区经批准不考核某项指标时，该指标的权重如何处理。"),
    )
    missing_pro_rata_level = forms.ChoiceField(
        label=_("折算所用得分率"),
        choices=[("category", _("本类别其余指标")), ("total", _("全部其余指标"))],
        help_text=_("按其余指标得分率折算时，得分率取自本类别还是全部考核指标。"),
    )
    missing_imputation_group = forms.ChoiceField(
        label=_("插补分组"),
        required=False,
        choices=[
            ("", _("不插补")),
            ("region", _("区域（region）")),
            ("kind", _("县区类型（kind）")),
        ],
        help_text=_(
            "类别缺报处理为“按组均值插补”时，按县区的哪一属性分组取均值：区域在县区资料中填写。"
        ),
    )
    missing_count_exempt = forms.BooleanField(label=_("不考核指标计入缺报比例"), required=False)
    missing_count_imputed = forms.BooleanField(
        label=_("插补类别的缺报指标计入缺报比例"), required=False
    )

    FIELDSETS = [
        (
            _("总分与排名"),
            ["name", "total_weight", "total_points", "total_aggregation", "total_decimals",
             "indicator_decimals", "rank_on", "missing_share_max", "tier_leading", "tier_lagging"],
        ),
        (
            _("加减分与进位奖励"),
            ["bonus_cap", "penalty_cap", "improvement_points", "improvement_cap",
             "improvement_penalty", "improvement_penalty_cap"],
        ),
        (
            _("分组排名、期次权重、预警与通报"),
            ["peer_groups", "period_weights", "warnings", "bulletin"],
        ),
        (
            _("缺报与不考核"),
            ["missing_exemptions", "missing_pro_rata_level", "missing_imputation_group",
             "missing_count_exempt", "missing_count_imputed"],
        ),
    ]  # fmt: skip

    # fieldsets that take the whole width of the settings, their fields side by side
    WIDE_FIELDSETS = {"missing_exemptions"}

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField], bool]]:
        """(legend, fields, wide) of each fieldset."""
        return [
            (legend, [self[name] for name in names], names[0] in self.WIDE_FIELDSETS)
            for legend, names in self.FIELDSETS
        ]


class CategoryRowForm(_TextNumbers):
    weight = forms.DecimalField(
        label=_("类别权重（分）"),
        required=False,
        **{**WEIGHT, "widget": forms.TextInput(attrs={**NUMBER.attrs, "data-category-weight": ""})},
    )
    aggregation = forms.ChoiceField(label=_("合成方式"), choices=RuleSet.Aggregation.choices)
    decimals = forms.IntegerField(label=_("小计小数位"), required=False, min_value=0, max_value=6)
    missing = forms.ChoiceField(
        label=_("缺报处理"),
        choices=RuleSetCategory.Missing.choices,
        required=False,  # "" (a form posted without it): as the default, 缺报计零分
        help_text=RuleSetCategory._meta.get_field("missing").help_text,
    )


class IndicatorRowForm(_TextNumbers):
    included = forms.BooleanField(
        label=_("纳入考核"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-included": ""}),
    )
    category = forms.CharField(widget=forms.HiddenInput, max_length=40)
    weight = forms.DecimalField(
        label=_("权重（分）"),
        required=False,
        **{**WEIGHT, "widget": forms.TextInput(attrs={**NUMBER.attrs, "data-weight": ""})},
    )
    basis = forms.ChoiceField(label=_("计分依据"), choices=RuleSetIndicator.Basis.choices)
    denominator = forms.ChoiceField(label=_("分母指标"), required=False)
    factor = forms.DecimalField(
        label=_("比值系数"), required=False, max_digits=12, decimal_places=4, min_value=0
    )
    direction = forms.ChoiceField(label=_("方向"), choices=Indicator.Direction.choices)
    decimals = forms.IntegerField(
        label=_("计分依据小数位"), required=False, min_value=0, max_value=6
    )
    method = forms.ChoiceField(label=_("计分方法"), choices=RuleSetIndicator.Method.choices)
    params = JSONText(label=_("方法参数（JSON）"))
    frequency = forms.ChoiceField(label=_("考核频次"), choices=RuleSetIndicator.Frequency.choices)

    def __init__(self, *args, denominators: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["denominator"].choices = [("", "—")] + denominators

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("included"):
            if data.get("weight") in (None, Decimal(0)):
                self.add_error("weight", gettext("纳入考核的指标须填写大于 0 的权重。"))
            if data.get("basis") == "ratio" and not data.get("denominator"):
                self.add_error("denominator", gettext("计分依据为“两指标之比”时须选择分母指标。"))
        return data
