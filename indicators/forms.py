"""The rule-set editor's forms: rule-set settings, one row per category, one per indicator.
editor.py puts them together into one page (`RuleSetEditor`)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .models import Indicator, RuleSet, RuleSetIndicator

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
                _("不是有效的 JSON（第 %(line)d 行第 %(col)d 列）。")
                % {"line": exc.lineno, "col": exc.colno}
            ) from exc
        except RecursionError as exc:
            raise forms.ValidationError(_("JSON 嵌套过深。")) from exc
        if not isinstance(parsed, self.kind):
            raise forms.ValidationError(_('须是一个 JSON 对象，例如 {"step": 0.05}。'))
        if len(text) > JSON_TEXT_MAX:  # after parsing, so that a malformed text says how
            raise forms.ValidationError(
                _("JSON 过长（%(len)d 个字符，最多 %(n)d 个字符）。")
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
    name = forms.CharField(label=_lazy("名称"), max_length=120)
    total_weight = forms.DecimalField(
        label=_lazy("类别权重合计（分）"),
        **{**WEIGHT, "widget": forms.TextInput(attrs={**NUMBER.attrs, "data-total-weight": ""})},
    )
    total_points = forms.DecimalField(
        label=_lazy("总分满分（分）"), required=False, help_text=_lazy("留空则等于类别权重合计。"),
        **WEIGHT,
    )  # fmt: skip
    total_aggregation = forms.ChoiceField(
        label=_lazy("总分合成方式"), choices=RuleSet.Aggregation.choices
    )
    total_decimals = forms.IntegerField(
        label=_lazy("总分小数位"), required=False, min_value=0, max_value=6
    )
    indicator_decimals = forms.IntegerField(
        label=_lazy("指标得分小数位"), required=False, min_value=0, max_value=6
    )
    rank_on = forms.ChoiceField(
        label=_lazy("排名依据"),
        choices=[("rounded", _lazy("修约后得分")), ("unrounded", _lazy("修约前得分"))],
    )
    missing_share_max = forms.DecimalField(
        label=_lazy("缺报比例上限"), max_digits=4, decimal_places=3, min_value=0, max_value=1
    )
    tier_leading = forms.DecimalField(
        label=_lazy("第一方阵比例"), max_digits=5, decimal_places=4, min_value=0, max_value=1
    )
    tier_lagging = forms.DecimalField(
        label=_lazy("后进方阵比例"), max_digits=5, decimal_places=4, min_value=0, max_value=1
    )
    bonus_cap = forms.DecimalField(
        label=_lazy("加分上限（分）"), required=False, max_digits=7, decimal_places=2, min_value=0,
        help_text=_lazy("留空表示不设上限。"),
    )  # fmt: skip
    penalty_cap = forms.DecimalField(
        label=_lazy("扣分上限（分）"), required=False, max_digits=7, decimal_places=2, min_value=0,
        help_text=_lazy("留空表示不设上限。"),
    )  # fmt: skip
    improvement_points = forms.DecimalField(
        label=_lazy("进位奖励（分/位）"), required=False, min_value=0, max_digits=7,
        decimal_places=4, help_text=_lazy("留空表示不设进位奖励。"),
    )  # fmt: skip
    improvement_cap = forms.DecimalField(
        label=_lazy("进位奖励上限（分）"), required=False, min_value=0, max_digits=7,
        decimal_places=4,
    )  # fmt: skip
    improvement_penalty = forms.DecimalField(
        label=_lazy("退位扣分（分/位）"), required=False, min_value=0, max_digits=7,
        decimal_places=4,
    )  # fmt: skip
    improvement_penalty_cap = forms.DecimalField(
        label=_lazy("退位扣分上限（分）"), required=False, min_value=0, max_digits=7,
        decimal_places=4,
    )  # fmt: skip
    peer_groups = JSONText(
        label=_lazy("分组排名"),
        help_text=_lazy('例如 {"by": "kind", "groups": {"urban": ["district"], "county": '
                        '["county", "county_city"]}}；留空表示全市统一排名。'),
    )  # fmt: skip
    period_weights = JSONText(
        label=_lazy("期次权重"), help_text=_lazy('例如 {"6": 40, "12": 60}；留空表示不设。')
    )
    warnings = JSONText(
        label=_lazy("预警规则"),
        help_text=_lazy('例如 {"red_behind": 5, "yellow_behind": 0}；留空按默认：落后时序进度'
                        '超过 5 个百分点或负增长为红色，落后或增速不及全市为黄色。'),
    )  # fmt: skip

    FIELDSETS = [
        (
            _lazy("总分与排名"),
            ["name", "total_weight", "total_points", "total_aggregation", "total_decimals",
             "indicator_decimals", "rank_on", "missing_share_max", "tier_leading", "tier_lagging"],
        ),
        (
            _lazy("加减分与进位奖励"),
            ["bonus_cap", "penalty_cap", "improvement_points", "improvement_cap",
             "improvement_penalty", "improvement_penalty_cap"],
        ),
        (_lazy("分组排名、期次权重与预警"), ["peer_groups", "period_weights", "warnings"]),
    ]  # fmt: skip

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.FIELDSETS]


class CategoryRowForm(_TextNumbers):
    weight = forms.DecimalField(
        label=_lazy("类别权重（分）"),
        required=False,
        **{**WEIGHT, "widget": forms.TextInput(attrs={**NUMBER.attrs, "data-category-weight": ""})},
    )
    aggregation = forms.ChoiceField(label=_lazy("合成方式"), choices=RuleSet.Aggregation.choices)
    decimals = forms.IntegerField(
        label=_lazy("小计小数位"), required=False, min_value=0, max_value=6
    )


class IndicatorRowForm(_TextNumbers):
    included = forms.BooleanField(
        label=_lazy("纳入考核"),
        required=False,
        widget=forms.CheckboxInput(attrs={"data-included": ""}),
    )
    category = forms.CharField(widget=forms.HiddenInput, max_length=40)
    weight = forms.DecimalField(
        label=_lazy("权重（分）"),
        required=False,
        **{**WEIGHT, "widget": forms.TextInput(attrs={**NUMBER.attrs, "data-weight": ""})},
    )
    basis = forms.ChoiceField(label=_lazy("计分依据"), choices=RuleSetIndicator.Basis.choices)
    denominator = forms.ChoiceField(label=_lazy("分母指标"), required=False)
    factor = forms.DecimalField(
        label=_lazy("比值系数"), required=False, max_digits=12, decimal_places=4, min_value=0
    )
    direction = forms.ChoiceField(label=_lazy("方向"), choices=Indicator.Direction.choices)
    decimals = forms.IntegerField(
        label=_lazy("计分依据小数位"), required=False, min_value=0, max_value=6
    )
    method = forms.ChoiceField(label=_lazy("计分方法"), choices=RuleSetIndicator.Method.choices)
    params = JSONText(label=_lazy("方法参数（JSON）"))
    frequency = forms.ChoiceField(
        label=_lazy("考核频次"), choices=RuleSetIndicator.Frequency.choices
    )

    def __init__(self, *args, denominators: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["denominator"].choices = [("", "—")] + denominators

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("included"):
            if data.get("weight") in (None, Decimal(0)):
                self.add_error("weight", _("纳入考核的指标须填写大于 0 的权重。"))
            if data.get("basis") == "ratio" and not data.get("denominator"):
                self.add_error("denominator", _("计分依据为“两指标之比”时须选择分母指标。"))
        return data
