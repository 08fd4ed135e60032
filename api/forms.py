from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NAME_MAX
from .services import token_days_offered


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("用途"),
        max_length=NAME_MAX,
        required=False,
        help_text=_("例如“月报汇总脚本”，便于日后辨认和撤销。"),
    )
    days = forms.TypedChoiceField(label=_("有效期"), coerce=int, choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offered = token_days_offered()
        self.fields["days"].choices = [(d, _("%(days)d 天") % {"days": d}) for d in offered]  # type: ignore[attr-defined]
        self.fields["days"].initial = 90 if 90 in offered else offered[-1]
