from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinatorsConfig(AppConfig):
    name = "coordinators"
    verbose_name = _("Coordinators")

    def ready(self) -> None:
        from coordinators import hooks, selectors
        from coordinators.models import DisqualificationGround
        from portal.messages import register_labels
        from portal.registry import Panel, enterprise_panels
        from portal.scoping import register_provider

        register_provider(selectors.provide_scope)
        register_labels("disqualification_ground", DisqualificationGround)
        hooks.register()
        enterprise_panels.register(
            Panel(
                "coordinator-pair",
                "coordinators/_panel_pair.html",
                lambda request, enterprise: {"pair": selectors.current_pair(enterprise)},
                order=20,
            )
        )
