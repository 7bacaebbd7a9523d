"""The per-enterprise grants: django-guardian is the one record of who may act for or serve an enterprise.

Three object permissions on ``Enterprise``, each granted and revoked only by the service that starts or
ends the relationship, in the same transaction:

- ``view_enterprise``: an active member (contact person or staff) — ``enterprises.services``;
- ``represent_enterprise``: the designated contact person (confirms, rates, withdraws, reopens) —
  ``enterprises.services.designate_contact_person``;
- ``coordinate_enterprise``: a coordinator of the enterprise's active pair — ``coordinators.services``.

``Membership`` and ``PairAssignment`` rows are the organisation's history (who was contact person when);
access is decided by the grants alone, through the scope provider below (``portal.scoping``).
"""

from __future__ import annotations

from typing import Any

from guardian.shortcuts import assign_perm, remove_perm

from enterprises.models import Enterprise, EnterpriseUserObjectPermission
from portal.roles import ENTERPRISE_ROLES, Role
from portal.scoping import grants_changed, scope_of

GRANTED_ROLES = ENTERPRISE_ROLES | {Role.COORDINATOR}

VIEW = "enterprises.view_enterprise"
REPRESENT = "enterprises.represent_enterprise"
COORDINATE = "enterprises.coordinate_enterprise"
_CODENAMES = {
    "view_enterprise": "member_enterprise_ids",
    "represent_enterprise": "contact_enterprise_ids",
    "coordinate_enterprise": "coordinated_enterprise_ids",
}


def grant(permission: str, user, enterprise) -> None:
    assign_perm(permission, user, enterprise)
    grants_changed()


def revoke(permission: str, user, enterprise) -> None:
    remove_perm(permission, user, enterprise)
    grants_changed()


def provide_scope(user, fields: dict[str, Any]) -> None:
    """Scope provider (registered in ``EnterprisesConfig.ready``): the user's grants, one query."""

    if not user.roles & GRANTED_ROLES:
        return  # officers, managers and administrators hold no per-enterprise grants
    found: dict[str, set[int]] = {name: set() for name in _CODENAMES.values()}
    for enterprise_id, codename in EnterpriseUserObjectPermission.objects.filter(
        user_id=user.pk, permission__codename__in=list(_CODENAMES)
    ).values_list("content_object_id", "permission__codename"):
        found[_CODENAMES[codename]].add(enterprise_id)
    for name, ids in found.items():
        fields[name] = frozenset(ids)


def member_enterprise_ids(user) -> frozenset[int]:
    scope = scope_of(user)
    return scope.member_enterprise_ids - scope.excluded_enterprise_ids if scope else frozenset()


def is_member(user, enterprise_id: int) -> bool:
    return enterprise_id in member_enterprise_ids(user)


def is_contact_person(user, enterprise_id: int) -> bool:
    scope = scope_of(user)
    return bool(scope and enterprise_id in scope.contact_enterprise_ids)


def member_enterprises(user):
    """The enterprises ``user`` may see *as a member*: enterprise-side pages use this, so customs staff
    and coordinators get a 404 there even for enterprises they may otherwise see."""

    return Enterprise.objects.filter(pk__in=sorted(member_enterprise_ids(user)))


def member_enterprise(user):
    """The enterprise ``user`` is an active member of (at most one), or None."""
    return member_enterprises(user).select_related("rating", "district", "local_customs").first()
