"""Coordination's queues on the officer's desk: transfers waiting for the officer's office (or
department), and overdue requests — of the offices the officer leads (escalated to them), or of the
district for the Management Department. Both count along partial indexes of the running requests."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from coordination.models import CLOCK_RUNNING_STATUSES, CoordinationRequest, RequestStatus
from portal.registry import DeskQueue
from portal.scoping import scope_of


def _workspace(**params) -> str:
    return f"{reverse('coordination:workspace')}?{urlencode(params)}"


def incoming_transfers(user):
    waiting = Q(pk__in=[])
    if user.local_customs_id:
        waiting |= Q(pending_office_id=user.local_customs_id)
    if user.department_id:
        waiting |= Q(pending_department_id=user.department_id)
    return (
        CoordinationRequest.objects.visible_to(user)
        .filter(waiting, status=RequestStatus.TRANSFERRED)
        .select_related("enterprise")
        .order_by("next_due", "id")
    )


def overdue_requests(user):
    """Leaders: their offices' overdue requests (escalated to them); the Management Department: the
    district's (escalated to it); other officers: their own office's."""
    scope = scope_of(user)
    if scope is None:
        return None
    qs = CoordinationRequest.objects.visible_to(user).filter(
        status__in=CLOCK_RUNNING_STATUSES, next_due__lt=timezone.now()
    )
    if not scope.management_district_id and not scope.is_admin:
        offices = set(scope.led_office_ids) | ({user.local_customs_id} if user.local_customs_id else set())
        qs = qs.filter(responsible_office_id__in=sorted(offices))
    return qs.select_related("enterprise").order_by("next_due", "id")


QUEUES = [
    DeskQueue(
        name="incoming-transfers",
        title=_("Transfers waiting for your office"),
        rows=incoming_transfers,
        link=lambda request: _workspace(incoming="on"),
        item=lambda r: (
            f"#{r.pk} {r.subject}",
            r.next_due,
            reverse("coordination:request_detail", args=[r.pk]),
        ),
        order=30,
    ),
    DeskQueue(
        name="overdue-requests",
        title=_("Overdue requests (escalations)"),
        rows=overdue_requests,
        link=lambda request: _workspace(overdue="on"),
        item=lambda r: (
            f"#{r.pk} {r.subject}",
            r.next_due,
            reverse("coordination:request_detail", args=[r.pk]),
        ),
        order=70,
    ),
]
