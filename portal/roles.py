"""Roles are Django groups; this module is the one list of them.

A user may hold several roles (a manager is often also a customs officer). The home page sends each
user to the start page of their highest role (``Role.start_order``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CONTACT_PERSON = "contact_person", _("Enterprise contact person")
    ENTERPRISE_STAFF = "enterprise_staff", _("Enterprise staff")
    COORDINATOR = "coordinator", _("Coordinator")
    CUSTOMS_OFFICER = "customs_officer", _("Customs officer")
    MANAGER = "manager", _("Manager")
    ADMINISTRATOR = "administrator", _("Administrator")

    @classmethod
    def start_order(cls) -> list["Role"]:
        """Most privileged first: the role whose start page a multi-role user lands on."""
        return [
            cls.ADMINISTRATOR,
            cls.MANAGER,
            cls.CUSTOMS_OFFICER,
            cls.COORDINATOR,
            cls.CONTACT_PERSON,
            cls.ENTERPRISE_STAFF,
        ]


ENTERPRISE_ROLES = frozenset({Role.CONTACT_PERSON, Role.ENTERPRISE_STAFF})
CUSTOMS_ROLES = frozenset({Role.COORDINATOR, Role.CUSTOMS_OFFICER, Role.MANAGER, Role.ADMINISTRATOR})
