"""Who may see a coordination request and who may act on it: the one home of these rules.

Seeing is ``CoordinationRequest.objects.visible_to(user)`` (``portal.scoping`` and
``CoordinationRequest.scope_extra``): members see their enterprise's requests; coordinators those of the
enterprises of their pairs (never one they are recused from); officers and managers their district's;
customs staff also the requests transferred to their office or department; administrators all.

Acting (``check_can``): DOMAIN note (our reading) — enterprise staff have narrower rights than the
contact person: staff may file, reply and add files and see their enterprise's requests; only the
contact person confirms a resolution, rates the service, withdraws or reopens a request, or asks for a
site visit. Customs actions are for coordinators who see the request and for officers of the
responsible office (or department); a pending transfer is accepted or declined only by the receiving
office or department.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from enterprises.scoping import is_contact_person, is_member
from portal.exceptions import PermissionDeniedError
from portal.roles import Role
from portal.scoping import can_see, scope_of

ENTERPRISE = "enterprise"  # any active member of the request's enterprise
CONTACT_PERSON = "contact_person"  # the enterprise's designated contact person only
CUSTOMS = "customs"  # customs staff handling the request
RECEIVING = "receiving"  # staff of the office or department a transfer is pending to
SYSTEM = (
    "system"  # called by another service (appeals): customs handling it, a manager, or the contact person
)


def is_recused(user, enterprise_id: int) -> bool:
    scope = scope_of(user)
    return bool(scope and enterprise_id in scope.excluded_enterprise_ids)


def is_receiving(user, request) -> bool:
    if not user.is_customs_staff or is_recused(user, request.enterprise_id):
        return False
    if Role.ADMINISTRATOR in user.roles:
        return True
    if request.pending_office_id and user.local_customs_id == request.pending_office_id:
        return True
    return bool(request.pending_department_id and user.department_id == request.pending_department_id)


def can_handle(user, request) -> bool:
    """Customs staff who may act on the request: administrators; coordinators who see it; officers and
    managers of the responsible office or department."""
    if not user.is_authenticated or not user.is_customs_staff:
        return False
    roles = user.roles
    if Role.ADMINISTRATOR in roles:
        return True
    if is_recused(user, request.enterprise_id):
        return False
    if Role.COORDINATOR in roles and can_see(user, request):
        return True
    if roles & {Role.CUSTOMS_OFFICER, Role.MANAGER}:
        if request.responsible_department_id:
            return user.department_id == request.responsible_department_id
        return bool(user.local_customs_id and user.local_customs_id == request.responsible_office_id)
    return False


def can(user, request, side: str) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if side == ENTERPRISE:
        return is_member(user, request.enterprise_id)
    if side == CONTACT_PERSON:
        return is_contact_person(user, request.enterprise_id)
    if side == CUSTOMS:
        return can_handle(user, request)
    if side == RECEIVING:
        return is_receiving(user, request)
    if side == SYSTEM:
        if user.is_customs_staff:
            return can_handle(user, request) or (Role.MANAGER in user.roles and can_see(user, request))
        return is_contact_person(user, request.enterprise_id)
    return False


def check_can(user, request, side: str) -> None:
    if can(user, request, side):
        return
    messages = {
        CONTACT_PERSON: _("Only the enterprise's contact person may do this."),
        ENTERPRISE: _("Only members of the enterprise may do this."),
        RECEIVING: _("Only the office or department the request is being transferred to may do this."),
    }
    raise PermissionDeniedError(messages.get(side, _("You are not handling this request.")))
