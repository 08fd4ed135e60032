from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "supervision"
    verbose_name = _("通报与督办")

    def ready(self) -> None:
        from . import receivers  # noqa: F401 - checks tasks against each new ranking run
