from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CountiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "counties"
    verbose_name = _("县区与月度报送")

    def ready(self) -> None:
        from . import (
            guards,  # noqa: F401 - exemptions of a published rule set are read-only
            receivers,  # noqa: F401 - exemptions follow their rule set's changes
        )
