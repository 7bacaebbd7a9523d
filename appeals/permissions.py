"""Who may see which appeal: the one rule, applied by the admin, the portal, the API and notifications.

- Ordinary appeals follow the enterprise-access rule (``enterprises.permissions``): the enterprise's
  members, its district's officers and managers, administrators, and its coordinators (never a recused
  one).
- Integrity-channel appeals (about a coordinator's conduct) are seen only by the filing enterprise's
  members and the Management Department of the enterprise's district (managers whose department is
  that district's management department) — not by coordinators, ordinary officers or administrators
  outside that department, and never by the coordinator concerned, whatever other role they hold.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Q, QuerySet

from enterprises.permissions import visible_enterprise_ids
from portal.roles import Role

from .models import AppealType

CONDUCT = AppealType.COORDINATOR_CONDUCT


def management_district_id(user) -> int | None:
    """The district whose Management Department ``user`` belongs to as a manager, else None."""
    if not user.has_role(Role.MANAGER) or not user.department_id:
        return None
    department = user.department
    return department.district_id if department.is_management_department else None


_QS = TypeVar("_QS", bound=QuerySet)


def scope_appeals(queryset: _QS, user) -> _QS:
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    from enterprises.models import Membership

    condition = Q(enterprise_id__in=visible_enterprise_ids(user)) & ~Q(appeal_type=CONDUCT)
    if user.is_enterprise_user:
        member_of = Membership.objects.filter(user=user, ended_at__isnull=True).values("enterprise_id")
        condition |= Q(appeal_type=CONDUCT, enterprise_id__in=member_of)
    district_id = management_district_id(user)
    if district_id is not None:
        condition |= Q(appeal_type=CONDUCT, district_id=district_id)
    queryset = queryset.filter(condition)
    # Whatever else they are, the coordinator concerned never sees an appeal about themselves.
    return queryset.exclude(appeal_type=CONDUCT, coordinator__user=user)


def can_view(user, appeal) -> bool:
    from .models import Appeal

    return Appeal.objects.visible_to(user).filter(pk=appeal.pk).exists()


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
