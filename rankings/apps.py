from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RankingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "rankings"
    verbose_name = _("考核排名")

    def ready(self) -> None:
        from indicators.hooks import register_editor_preview

        from . import receivers  # noqa: F401 - connects the recompute receivers
        from .views.whatif import preview_context

        register_editor_preview(preview_context)
