from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from enterprises.scoping import provide_scope
        from portal.deadlines import for_enterprise, shown
        from portal.registry import Panel, enterprise_panels
        from portal.scoping import register_provider

        register_provider(provide_scope)
        enterprise_panels.register(
            Panel(
                "deadlines",
                "enterprises/_panel_deadlines.html",
                lambda request, enterprise: {"deadlines": shown(for_enterprise(enterprise, request.user))},
                order=5,
                width="col-12",
            )
        )
