"""Who may see which enterprise: one place for the object-access rule (STYLE.md rule 4).

- Enterprise members (contact person, staff) see their enterprise: a django-guardian grant of
  ``view_enterprise`` made when the membership starts and removed when it ends.
- Coordinators see the enterprises of their active pair assignments: a guardian grant made when the
  pair starts and removed when it ends — and never an enterprise they are recused from, which is also
  excluded here as a second line of defence.
- Customs officers and managers see their district's enterprises; administrators see all.

Every selector of enterprise data (requests, appeals, credit, ...) scopes through
:func:`visible_enterprise_ids` or ``Enterprise.objects.visible_to(user)``.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Q, QuerySet
from guardian.shortcuts import assign_perm, remove_perm

from portal.roles import ENTERPRISE_ROLES, Role

VIEW = "enterprises.view_enterprise"


def grant_view(user, enterprise) -> None:
    assign_perm(VIEW, user, enterprise)


def revoke_view(user, enterprise) -> None:
    remove_perm(VIEW, user, enterprise)


def _granted_ids(user) -> QuerySet:
    from .models import EnterpriseUserObjectPermission

    return EnterpriseUserObjectPermission.objects.filter(
        user=user, permission__codename="view_enterprise"
    ).values("content_object_id")


_QS = TypeVar("_QS", bound=QuerySet)


def scope_enterprises(queryset: _QS, user) -> _QS:
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    roles = user.roles
    if Role.ADMINISTRATOR in roles:
        return queryset
    condition = Q(pk__in=[])
    if roles & {Role.MANAGER, Role.CUSTOMS_OFFICER}:
        district_id = user.district_id_for_scope
        if district_id is not None:
            condition |= Q(district_id=district_id)
    if roles & {Role.COORDINATOR, Role.CONTACT_PERSON, Role.ENTERPRISE_STAFF}:
        condition |= Q(pk__in=_granted_ids(user))
    queryset = queryset.filter(condition)
    if Role.COORDINATOR in roles:
        queryset = queryset.exclude(recusals__coordinator__user=user)
    return queryset


def visible_enterprise_ids(user) -> QuerySet | list[int]:
    """The ids of enterprises ``user`` may see, for scoping other models (``enterprise_id__in=...``).

    An enterprise user sees at most their own enterprise (one active membership), so the ids are read
    first and passed as a literal: nested in a query with many joins, the subquery made Postgres scan
    every request to find one enterprise's (bench/: 0.9 s → milliseconds at 600k requests). Everyone else
    gets a subquery, which stays bounded however many enterprises a district has.
    """
    from .models import Enterprise

    scoped = Enterprise.objects.visible_to(user).values("pk")
    roles = user.roles if user is not None and user.is_authenticated else frozenset()
    if roles and roles <= ENTERPRISE_ROLES:
        return list(scoped.values_list("pk", flat=True))
    return scoped


def can_view_enterprise(user, enterprise) -> bool:
    from .models import Enterprise

    return Enterprise.objects.visible_to(user).filter(pk=enterprise.pk).exists()


def member_enterprises(user) -> QuerySet:
    """The enterprises ``user`` may see *as a member*: enterprise-side pages use this, so customs staff
    and coordinators get a 404 there even for enterprises they may otherwise see."""
    from .models import Enterprise, Membership

    if user is None or not user.is_authenticated:
        return Enterprise.objects.none()
    return Enterprise.objects.visible_to(user).filter(
        pk__in=Membership.objects.filter(user=user, ended_at__isnull=True).values("enterprise_id")
    )


def member_enterprise(user):
    """The enterprise ``user`` is an active member of, or None."""
    from .models import Membership

    membership = (
        Membership.objects.select_related("enterprise").filter(user=user, ended_at__isnull=True).first()
    )
    return membership.enterprise if membership else None
