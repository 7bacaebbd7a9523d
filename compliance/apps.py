from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = _("Compliance assessment")

    def ready(self) -> None:
        from compliance import deadlines as compliance_deadlines
        from compliance import sections, selectors, services
        from compliance.models import ActionStatus, Assessment
        from coordinators.services import PAIR_CHANGED
        from portal import deadlines
        from portal.messages import register_labels
        from portal.registry import (
            DocumentSource,
            FileSection,
            Panel,
            desk_queues,
            enterprise_documents,
            enterprise_file,
            enterprise_panels,
            hooks,
        )

        register_labels("improvement_action_status", ActionStatus)
        register_labels("assessment_state", Assessment.State)
        hooks.register(PAIR_CHANGED, services.on_pair_changed)
        deadlines.register(compliance_deadlines.provide)
        enterprise_panels.register(
            Panel(
                "compliance",
                "compliance/_panel.html",
                lambda request, enterprise: selectors.enterprise_panel(request.user, enterprise),
                order=40,
            )
        )
        enterprise_file.register(
            FileSection(
                "compliance",
                _("Compliance assessments"),
                "compliance/_file_assessments.html",
                sections.assessments,
                65,
            )
        )
        enterprise_documents.register(DocumentSource("compliance", sections.action_documents))
        desk_queues.register(sections.OVERDUE_ACTIONS)
