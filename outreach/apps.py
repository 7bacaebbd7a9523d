from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "outreach"
    verbose_name = _("Outreach")

    def ready(self) -> None:
        from outreach import deadlines as training_deadlines
        from outreach import sections
        from portal import deadlines
        from portal.registry import FileSection, Panel, enterprise_file, enterprise_panels

        deadlines.register(training_deadlines.provide)
        enterprise_file.register(
            FileSection(
                "training", _("Training attendance"), "outreach/_file_training.html", sections.training, 70
            )
        )

        enterprise_panels.register(
            Panel(
                "announcements",
                "outreach/_announcements_panel.html",
                lambda request, enterprise: {},
                order=90,
                width="col-12",
            )
        )
