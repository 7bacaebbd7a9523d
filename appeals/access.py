"""Who may act on an appeal. Who may *see* one is ``Appeal.objects.visible_to`` (``portal.scoping``
narrowed by ``Appeal.scope_restrict``), applied by the admin, the portal, the API and notifications:

- ordinary appeals follow the enterprise-access rule: the enterprise's members, its district's officers
  and managers, administrators, and its coordinators (never a recused one);
- integrity-channel appeals (about a coordinator's conduct) are seen only by the filing enterprise's
  members and the Management Department of the enterprise's district — not by coordinators, ordinary
  officers or administrators outside that department, and never by the coordinator concerned.
"""

from __future__ import annotations

from portal.roles import Role
from portal.scoping import can_see, scope_of


def management_district_id(user) -> int | None:
    """The district whose Management Department ``user`` belongs to as a manager, else None."""
    scope = scope_of(user)
    return scope.management_district_id if scope else None


def can_view(user, appeal) -> bool:
    return can_see(user, appeal)


def can_triage(user, appeal) -> bool:
    """Officers and managers of the district (and, for the integrity channel, only its Management
    Department) may assign and decide; a forwarded appeal is decided by the Management Department."""
    if not user.has_role(Role.CUSTOMS_OFFICER, Role.MANAGER, Role.ADMINISTRATOR) or not can_view(
        user, appeal
    ):
        return False
    if appeal.is_integrity_channel or appeal.status == "forwarded":
        return management_district_id(user) == appeal.district_id or (
            not appeal.is_integrity_channel and user.has_role(Role.ADMINISTRATOR)
        )
    return True
