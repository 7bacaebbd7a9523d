"""The twelve people of the access matrix and the sets of them the expectations are written in."""

from __future__ import annotations

from tests.access_world import ROLES

ANON, CONTACT_A, STAFF_A, CONTACT_B = "anonymous", "contact_a", "staff_a", "contact_b"
COORD_A, COORD_B, COORD_RECUSED = "coordinator_a", "coordinator_b", "coordinator_recused"
OFFICER_A, OFFICER_OTHER, MANAGER_A, MANAGER_OTHER = (
    "officer_a",
    "officer_other",
    "manager_a",
    "manager_other",
)
ADMIN = "administrator"

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANON}
NOBODY: frozenset[str] = frozenset()
ENTERPRISE_A = frozenset({CONTACT_A, STAFF_A})
ENTERPRISES = ENTERPRISE_A | {CONTACT_B}
# is_staff, who pass the admin's door at all: officers, managers (also officers) and administrators.
STAFF = frozenset({OFFICER_A, OFFICER_OTHER, MANAGER_A, MANAGER_OTHER, ADMIN})
DISTRICT_A = frozenset({OFFICER_A, MANAGER_A, ADMIN})
MANAGERS = frozenset({MANAGER_A, MANAGER_OTHER, ADMIN})


def only(*roles: str) -> frozenset[str]:
    return frozenset(roles)
