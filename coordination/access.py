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

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from coordination.models import RequestHandler
from enterprises.scoping import is_contact_person, is_member
from portal.exceptions import PermissionDeniedError
from portal.roles import Role
from portal.scoping import OFFICER_ROLES, can_see, scope_of

ENTERPRISE = "enterprise"  # any active member of the request's enterprise
CONTACT_PERSON = "contact_person"  # the enterprise's designated contact person only
CUSTOMS = "customs"  # customs staff handling the request
RECEIVING = "receiving"  # staff of the office or department a transfer is pending to
SYSTEM = (
    "system"  # called by another service (appeals): customs handling it, a manager, or the contact person
)


def contact_person_of(enterprise_id: int):
    """The enterprise's contact person (a user), or None."""
    return (
        get_user_model()
        .objects.filter(
            enterpriseuserobjectpermission__content_object_id=enterprise_id,
            enterpriseuserobjectpermission__permission__codename="represent_enterprise",
            is_active=True,
        )
        .first()
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


def is_active_handler(user, request) -> bool:
    return RequestHandler.objects.filter(
        request_id=request.pk, coordinator__user_id=user.pk, ended_at__isnull=True
    ).exists()


def can_handle(user, request) -> bool:
    """Customs staff who may act on the request — exactly one office at a time (DOMAIN note):

    - administrators;
    - while a department is responsible (an accepted transfer to a department): its officers and
      managers only;
    - otherwise the responsible office: its coordinators who see the request, its officers and
      managers, and the coordinators actively handling it (the enterprise's pair, a substitute).

    After a transfer to another office is accepted, the first office's coordinators no longer handle the
    request (their handler rows end), so they may read it but not act on it.
    """
    if not user.is_authenticated or not user.is_customs_staff:
        return False
    roles = user.roles
    if Role.ADMINISTRATOR in roles:
        return True
    if is_recused(user, request.enterprise_id):
        return False
    if request.responsible_department_id:
        return bool(roles & OFFICER_ROLES) and user.department_id == request.responsible_department_id
    of_responsible_office = (
        bool(user.local_customs_id) and user.local_customs_id == request.responsible_office_id
    )
    if (
        Role.COORDINATOR in roles
        and can_see(user, request)
        and (of_responsible_office or is_active_handler(user, request))
    ):
        return True
    return bool(roles & OFFICER_ROLES) and of_responsible_office


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
