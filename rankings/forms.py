"""Forms of the ranking pages: add or cancel a bonus or penalty item, start a rank-stability
analysis."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from counties.models import County
from indicators.models import RuleSet

from .selectors.stability import stability_period_default, stability_periods, stability_rulesets
from .services.bonus import ACCEPTED_EXTENSIONS, CANCEL_REASON_MAX
from .services.stability import DEFAULT_SAMPLES, MAX_SAMPLES


class BonusItemForm(forms.Form):
    county = forms.ModelChoiceField(
        label=_("县区"), queryset=County.objects.filter(is_active=True), empty_label=None
    )
    points = forms.DecimalField(
        label=_("分值（分）"),
        max_digits=7,
        decimal_places=2,
        help_text=_("加分填正数，扣分填负数，例如 1.5 或 -2。"),
    )
    reason = forms.CharField(label=_("事由"), max_length=200)
    document = forms.FileField(
        label=_("依据文件"),
        help_text=_("PDF、图片（PNG、JPG）或 Office 文档，不超过 10 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=CANCEL_REASON_MAX)


class RuleSetChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: RuleSet) -> str:
        return _("%(name)s（第 %(version)d 版，%(status)s）") % {
            "name": obj.name,
            "version": obj.version,
            "status": obj.get_status_display(),
        }


class StabilityForm(forms.Form):
    ruleset = RuleSetChoice(
        label=_("考核规则版本"), queryset=RuleSet.objects.none(), empty_label=None
    )
    period = forms.ModelChoiceField(
        label=_("期次"), queryset=stability_periods().none(), empty_label=None
    )
    spread_percent = forms.DecimalField(
        label=_("权重浮动幅度（±%）"),
        min_value=Decimal(0),
        max_value=Decimal(90),
        decimal_places=1,
        initial=Decimal(20),
        help_text=_("每个类别和指标的权重在此幅度内随机上下浮动，再按比例调整使合计不变。"),
    )
    samples = forms.IntegerField(
        label=_("抽样次数（次）"), min_value=1, max_value=MAX_SAMPLES, initial=DEFAULT_SAMPLES
    )
    seed = forms.IntegerField(
        label=_("随机种子"),
        min_value=0,
        max_value=2**31 - 1,
        initial=0,
        help_text=_("相同的种子得到相同的结果。"),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        ruleset_field = self.fields["ruleset"]
        period_field = self.fields["period"]
        assert isinstance(ruleset_field, forms.ModelChoiceField)
        assert isinstance(period_field, forms.ModelChoiceField)
        ruleset_field.queryset = stability_rulesets()
        periods = stability_periods()
        period_field.queryset = periods
        if not self.is_bound:
            latest = stability_period_default()
            if latest is not None:
                self.initial.setdefault("period", latest.pk)
                published = (
                    stability_rulesets()
                    .filter(year=latest.year, status=RuleSet.Status.PUBLISHED)
                    .first()
                )
                if published is not None:
                    self.initial.setdefault("ruleset", published.pk)

    @property
    def spread(self) -> Decimal:
        return self.cleaned_data["spread_percent"] / 100
