from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Credit")

    def ready(self) -> None:
        from credit import deadlines as credit_deadlines
        from credit import desk, sections
        from credit.importing import RATING_COLUMNS
        from credit.models import AbnormalReason
        from enterprises.importing import register_columns
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
        )

        register_columns(RATING_COLUMNS)
        enterprise_file.register(
            FileSection(
                "credit", _("Credit history and repair"), "credit/_file_credit.html", sections.credit, 20
            )
        )
        enterprise_file.register(
            FileSection(
                "self-examinations",
                _("Self-examinations"),
                "credit/_file_selfexams.html",
                sections.self_examinations,
                60,
            )
        )
        enterprise_documents.register(DocumentSource("repair", sections.repair_documents))
        enterprise_documents.register(DocumentSource("self-examination", sections.evidence_documents))
        for queue in desk.QUEUES:
            desk_queues.register(queue)
        deadlines.register(credit_deadlines.provide)
        register_labels("abnormal_reason", AbnormalReason)

        enterprise_panels.register(
            Panel(
                "credit-rating",
                "credit/_panel_rating.html",
                lambda request, enterprise: {"enterprise": enterprise, "rating": enterprise.rating},
                order=10,
            )
        )
