from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from outreach import deadlines as training_deadlines
        from portal import deadlines
        from portal.registry import Panel, enterprise_panels

        deadlines.register(training_deadlines.provide)

        enterprise_panels.register(
            Panel(
                "announcements",
                "outreach/_announcements_panel.html",
                lambda request, enterprise: {},
                order=90,
                width="col-12",
            )
        )
