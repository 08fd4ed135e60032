"""Forms of the supervision pages: raising a task, answering it, returning or closing it."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator

from .models import ANSWER_MAX, REQUIREMENT_MAX


class TaskRaiseForm(forms.Form):
    indicators = forms.ModelMultipleChoiceField(
        label=_("督办指标"),
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    title = forms.CharField(label=_("事项"), max_length=120)
    requirement = forms.CharField(
        label=_("督办要求"), max_length=REQUIREMENT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    responsible_unit = forms.CharField(label=_("责任单位"), max_length=80)
    responsible_person = forms.CharField(label=_("责任人"), max_length=40)
    deadline = forms.DateField(label=_("办结时限"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, indicators: list[Indicator], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["indicators"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Indicator.objects.filter(pk__in=[i.pk for i in indicators])

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline < timezone.localdate():
            raise forms.ValidationError(_("办结时限不能早于今天。"))
        return deadline


class TaskAnswerForm(forms.Form):
    text = forms.CharField(
        label=_("整改措施或进展"), max_length=ANSWER_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachment = forms.FileField(label=_("附件（可选）"), required=False)


class TaskReviewForm(forms.Form):
    text = forms.CharField(
        label=_("意见"),
        max_length=ANSWER_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
