"""Deadlines from coordination requests (portal.deadlines provider): information customs asked the
enterprise for (the enterprise owes the answer; INFORMATION_RESPONSE_WORKING_DAYS after the question —
our reading: the documents set no number, so the answer is expected within the same span customs has to
resolve a simple matter) and scheduled site visits."""

from __future__ import annotations

import datetime
from typing import cast

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from coordination.models import CoordinationRequest, RequestStatus, SiteVisit
from portal import workdays
from portal.conf import tunable
from portal.deadlines import CUSTOMS, ENTERPRISE, Deadline
from portal.messages import text


def information_due(request: CoordinationRequest) -> datetime.datetime:
    """When the information customs asked for is due: working days from the pause (a request awaiting
    the enterprise always has ``paused_at``)."""
    if request.paused_at is None:
        raise ValueError(f"request {request.pk} is not awaiting the enterprise")
    return workdays.deadline(request.paused_at, int(tunable("INFORMATION_RESPONSE_WORKING_DAYS")))


def provide(enterprise, viewer=None) -> list[Deadline]:
    requests: QuerySet[CoordinationRequest] = (
        CoordinationRequest.objects.visible_to(viewer)
        if viewer is not None
        else CoordinationRequest.objects.all()
    )
    waiting = requests.filter(
        enterprise=enterprise, status=RequestStatus.AWAITING_ENTERPRISE, paused_at__isnull=False
    ).order_by("paused_at", "pk")[:20]
    found = [
        Deadline(
            key=f"information:{r.pk}:{cast(datetime.datetime, r.paused_at).date().isoformat()}",
            title=text(
                "Information asked on request #%(number)s “%(subject)s”", number=r.pk, subject=r.subject[:60]
            ),
            due=information_due(r),
            owner=ENTERPRISE,
            url=reverse("coordination:request_detail", args=[r.pk]),
            soon_days=3,
        )
        for r in waiting
    ]
    visits: QuerySet[SiteVisit] = (
        SiteVisit.objects.visible_to(viewer) if viewer is not None else SiteVisit.objects.all()
    )
    for visit in visits.filter(
        enterprise=enterprise, status=SiteVisit.Status.SCHEDULED, scheduled_for__gte=timezone.now()
    ).order_by("scheduled_for")[:10]:
        found.append(
            Deadline(
                key=f"visit:{visit.pk}",
                title=text("Site visit: %(purpose)s", purpose=visit.purpose[:60]),
                due=visit.scheduled_for,
                owner=CUSTOMS,
                url=reverse("coordination:request_detail", args=[visit.request_id])
                if visit.request_id
                else "",
                soon_days=7,
            )
        )
    return found
