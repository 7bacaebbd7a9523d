from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinatorsConfig(AppConfig):
    name = "coordinators"
    verbose_name = _("Coordinators")

    def ready(self) -> None:
        from coordinators import hooks, sections, selectors
        from coordinators.models import DisqualificationGround
        from portal.messages import register_labels
        from portal.registry import (
            EnterpriseColumn,
            FileSection,
            Panel,
            enterprise_columns,
            enterprise_file,
            enterprise_panels,
        )
        from portal.scoping import register_provider

        register_provider(selectors.provide_scope)
        register_labels("disqualification_ground", DisqualificationGround)
        hooks.register()
        enterprise_panels.register(
            Panel(
                "coordinator-pair",
                "coordinators/_panel_pair.html",
                lambda request, enterprise: {"pair": selectors.current_pair(enterprise)},
                order=20,
            )
        )
        enterprise_file.register(
            FileSection(
                "coordinators",
                _("Coordinators"),
                "coordinators/_file_coordinators.html",
                sections.coordinators,
                15,
            )
        )
        enterprise_columns.register(
            EnterpriseColumn(
                "pair", _("Coordinator pair"), sections.pair_names, "coordinators/_column_pair.html", 10
            )
        )
