from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "coordination"
    verbose_name = _("Coordination requests")

    def ready(self) -> None:
        from coordination import deadlines as request_deadlines
        from coordination import selectors, services
        from coordination.models import RequestStatus, ServiceType
        from coordinators.services import PAIR_CHANGED
        from portal import deadlines
        from portal.messages import register_labels
        from portal.registry import Panel, enterprise_panels, hooks

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
