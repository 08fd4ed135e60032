from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The read-only REST API (/api/) and the personal API tokens (/account/tokens/)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "api"
    verbose_name = _("数据接口")

    def ready(self) -> None:
        # drf-spectacular learns how the token authentication is documented on import
        from . import schema  # noqa: F401
