from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CountiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "counties"
    verbose_name = _("县区与月度报送")
