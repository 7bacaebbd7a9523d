from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Coordination requests")

    def ready(self) -> None:
        from coordination import deadlines as request_deadlines
        from coordination import desk, sections, selectors, services
        from coordination.models import RequestStatus, ServiceType
        from coordinators.services import PAIR_CHANGED
        from portal import deadlines
        from portal.messages import register_labels
        from portal.registry import (
            DocumentSource,
            EnterpriseColumn,
            FileSection,
            Panel,
            desk_queues,
            enterprise_columns,
            enterprise_documents,
            enterprise_file,
            enterprise_panels,
            hooks,
        )

        register_labels("request_status", RequestStatus)
        hooks.register(PAIR_CHANGED, services.on_pair_changed)
        deadlines.register(request_deadlines.provide)
        register_labels("service_type", ServiceType)

        enterprise_panels.register(
            Panel(
                "open-requests",
                "coordination/_panel_open_requests.html",
                lambda request, enterprise: {
                    "open_requests": selectors.open_requests_of(request.user, enterprise)
                },
                order=30,
                width="col-md-12 col-xl-4",
            )
        )
        enterprise_file.register(
            FileSection(
                "requests",
                _("Coordination requests"),
                "coordination/_file_requests.html",
                sections.requests,
                30,
            )
        )
        enterprise_file.register(
            FileSection(
                "visits", _("Site visits and records"), "coordination/_file_visits.html", sections.visits, 50
            )
        )
        enterprise_documents.register(DocumentSource("requests", sections.request_documents))
        enterprise_documents.register(DocumentSource("visits", sections.visit_documents))
        enterprise_columns.register(
            EnterpriseColumn(
                "open-work", _("Open work"), sections.open_work, "coordination/_column_open_work.html", 20
            )
        )
        for queue in desk.QUEUES:
            desk_queues.register(queue)
