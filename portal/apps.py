from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal and organisation")

    def ready(self) -> None:
        from portal.messages import register_labels
        from portal.models import Escalation

        register_labels("escalation_level", Escalation.Level)
