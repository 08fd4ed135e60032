"""Forms for bonus and penalty items: add one, cancel one."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from counties.models import County

from .bonus import ACCEPTED_EXTENSIONS, CANCEL_REASON_MAX


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
