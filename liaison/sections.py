"""What liaison shows in the coordinator's enterprise file (``portal.registry.enterprise_file``) and on
the officer's desk (``desk_queues``): the questions coordinators referred to departments about the
enterprise's requests, and the district's questions still waiting for a department. Referrals are
customs-internal (``Referral.scope_restrict``); every read goes through ``visible_to(viewer)`` and is
bounded."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from liaison.models import Referral
from portal.admin.toolkit import changelist_url
from portal.registry import DeskQueue

SHOWN = 20


def referrals(enterprise, viewer) -> dict | None:
    """The enterprise's latest referrals, for customs staff only (one query)."""
    if not viewer.is_customs_staff:
        return None
    return {
        "referrals": list(
            Referral.objects.visible_to(viewer)
            .filter(enterprise=enterprise)
            .select_related("department")
            .order_by("-referred_at", "-id")[:SHOWN]
        ),
        "now": timezone.now(),
    }


def waiting(user):
    """The district's referrals waiting for a department, the soonest due first (``referral_district_due``)."""
    return Referral.objects.visible_to(user).open().select_related("department").order_by("due_at", "id")


def overdue(user):
    return waiting(user).filter(due_at__lt=timezone.now())


REFERRALS_WAITING = DeskQueue(
    name="referrals-waiting",
    title=gettext_lazy("Questions waiting for departments"),
    rows=waiting,
    overdue=overdue,
    link=lambda request: changelist_url(request, Referral, status__exact="open"),
    item=lambda r: (
        f"#{r.request_id} → {r.department}",
        timezone.localtime(r.due_at),
        reverse("coordination:request_detail", args=[r.request_id]),
    ),
    order=80,
)
