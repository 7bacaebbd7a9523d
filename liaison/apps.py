from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiaisonConfig(AppConfig):
    name = "liaison"
    verbose_name = _("Liaison officers and referrals")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from liaison import sections, selectors, services
        from portal import navigation
        from portal.registry import FileSection, Panel, desk_queues, enterprise_file, request_sections

        navigation.NAV += [
            navigation.NavEntry(
                "liaison:desk",
                _("Liaison desk"),
                navigation.OFFICER,
                visible=lambda user: bool(services.liaison_departments(user)),
            ),
            navigation.NavEntry("liaison:notices", _("Department notices"), navigation.COORDINATOR),
        ]
        request_sections.register(
            Panel("referrals", "liaison/_request_section.html", selectors.request_section, order=10)
        )
        enterprise_file.register(
            FileSection(
                "referrals",
                _("Questions to departments"),
                "liaison/_file_referrals.html",
                sections.referrals,
                35,
            )
        )
        desk_queues.register(sections.REFERRALS_WAITING)
