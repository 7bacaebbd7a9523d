"""Who is told about a request: the one place choosing recipients.

- Enterprise side: the active members of THAT enterprise (contact person and staff).
- Customs side: the enterprise's current pair, the coordinator who accepted the request, and while a
  transfer is pending the receiving office's coordinators and leader (or the receiving department's
  staff) — never a recused or disqualified coordinator.
- Internal notes go to the customs side only. The actor is never notified of their own act.
"""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from coordination.models import CoordinationRequest
from coordinators.models import Coordinator, PairAssignment
from portal.models import LocalCustoms, User
from portal.notifications import notify
from portal.roles import Role


def enterprise_recipients(request: CoordinationRequest):
    return User.objects.filter(
        is_active=True, memberships__enterprise_id=request.enterprise_id, memberships__ended_at__isnull=True
    ).distinct()


def customs_recipients(request: CoordinationRequest):
    pair = PairAssignment.objects.filter(
        enterprise_id=request.enterprise_id, ended_on__isnull=True
    ).values_list("coordinator_a_id", "coordinator_b_id")
    coordinator_ids = {pk for row in pair for pk in row}
    if request.lead_id:
        coordinator_ids.add(request.lead_id)
    coordinators = Q(pk__in=coordinator_ids)
    if request.pending_office_id:
        coordinators |= Q(local_customs_id=request.pending_office_id)
    eligible = (
        Coordinator.objects.filter(coordinators, status=Coordinator.Status.ACTIVE)
        .exclude(recusals__enterprise_id=request.enterprise_id)
        .values("user_id")
    )
    users = User.objects.filter(is_active=True).filter(
        Q(pk__in=eligible)
        | Q(pk__in=_office_leader(request.pending_office_id))
        | (
            Q(
                department_id=request.pending_department_id,
                groups__name__in=[Role.CUSTOMS_OFFICER, Role.MANAGER],
            )
            if request.pending_department_id
            else Q(pk__in=[])
        )
    )
    return users.exclude(coordinator__recusals__enterprise_id=request.enterprise_id).distinct()


def _office_leader(office_id):

    if not office_id:
        return []
    return LocalCustoms.objects.filter(pk=office_id, leader__isnull=False).values("leader_id")


def request_url(request: CoordinationRequest) -> str:
    return reverse("coordination:request_detail", args=[request.pk])


def notify_status_change(request: CoordinationRequest, *, actor, title, body="") -> None:
    recipients = [*enterprise_recipients(request), *customs_recipients(request)]
    notify(
        [u for u in recipients if actor is None or u.pk != actor.pk],
        verb="request_status",
        title=title,
        body=body,
        url=request_url(request),
        group=f"request:{request.pk}",
        enterprise_id=request.enterprise_id,
    )


def notify_message(request: CoordinationRequest, *, actor, internal: bool, title, body="") -> None:
    recipients = list(customs_recipients(request))
    if not internal:
        recipients += list(enterprise_recipients(request))
    notify(
        [u for u in recipients if actor is None or u.pk != actor.pk],
        verb="request_message",
        title=title,
        body=body,
        url=request_url(request),
        # Internal notes never share an unread notification with what the enterprise may read.
        group=f"request:{request.pk}{':internal' if internal else ''}",
        enterprise_id=request.enterprise_id,
    )
