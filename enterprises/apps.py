from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self) -> None:
        from enterprises import sections
        from enterprises.desk import REGISTRATION_CHANGES
        from enterprises.scoping import provide_scope
        from portal.deadlines import for_enterprise, shown
        from portal.registry import (
            DocumentSource,
            FileSection,
            Panel,
            desk_queues,
            enterprise_documents,
            enterprise_file,
            enterprise_panels,
        )
        from portal.scoping import register_provider

        register_provider(provide_scope)
        enterprise_file.register(
            FileSection(
                "profile",
                _("Profile and registration"),
                "enterprises/_file_profile.html",
                sections.profile,
                10,
            )
        )
        enterprise_file.register(
            FileSection(
                "deadlines",
                _("Deadlines"),
                "enterprises/_file_deadlines.html",
                lambda enterprise, viewer: {"deadlines": shown(for_enterprise(enterprise, viewer))},
                5,
            )
        )
        enterprise_file.register(
            FileSection(
                "documents", _("Documents"), "enterprises/_file_documents.html", sections.documents, 90
            )
        )
        enterprise_documents.register(DocumentSource("registration", sections.registration_documents))
        desk_queues.register(REGISTRATION_CHANGES)
        enterprise_panels.register(
            Panel(
                "deadlines",
                "enterprises/_panel_deadlines.html",
                lambda request, enterprise: {"deadlines": shown(for_enterprise(enterprise, request.user))},
                order=5,
                width="col-12",
            )
        )
