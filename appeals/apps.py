from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = _("Appeals")

    def ready(self) -> None:
        from appeals import deadlines as appeal_deadlines
        from appeals import sections
        from appeals.models import AppealOutcome, AppealType
        from portal import deadlines
        from portal.messages import register_labels
        from portal.registry import (
            DocumentSource,
            FileSection,
            desk_queues,
            enterprise_documents,
            enterprise_file,
        )

        enterprise_file.register(
            FileSection("appeals", _("Appeals"), "appeals/_file_appeals.html", sections.appeals, 40)
        )
        enterprise_documents.register(DocumentSource("appeals", sections.appeal_documents))
        desk_queues.register(sections.APPEALS_TO_TRIAGE)
        register_labels("appeal_outcome", AppealOutcome)
        register_labels("appeal_type", AppealType)
        deadlines.register(appeal_deadlines.provide)
