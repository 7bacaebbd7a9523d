from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Credit")

    def ready(self) -> None:
        from credit import deadlines as credit_deadlines
        from credit.importing import RATING_COLUMNS
        from credit.models import AbnormalReason
        from enterprises.importing import register_columns
        from portal import deadlines
        from portal.messages import register_labels
        from portal.registry import Panel, enterprise_panels

        register_columns(RATING_COLUMNS)
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
