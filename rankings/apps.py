from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RankingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rankings"
    verbose_name = _("考核排名")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - connects the recompute receivers
