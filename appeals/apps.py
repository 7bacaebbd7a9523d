from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "appeals"
    verbose_name = _("Appeals")

    def ready(self) -> None:
        from appeals import deadlines as appeal_deadlines
        from appeals.models import AppealOutcome, AppealType
        from portal import deadlines
        from portal.messages import register_labels

        register_labels("appeal_outcome", AppealOutcome)
        register_labels("appeal_type", AppealType)
        deadlines.register(appeal_deadlines.provide)
