from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("指标与考核规则")

    def ready(self) -> None:
        from . import guards  # noqa: F401 - connects the read-only guard of published rule sets
