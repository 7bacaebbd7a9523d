"""Daily escalation of overdue coordination requests (``portal.escalation``): level 1 to the leader of
the responsible local customs as soon as a running clock passes a target; level 2 to the district's
Management Department when the request is still overdue ``management_after_working_days()`` working days
after level 1. Batched by primary key; idempotent (one ``Escalation`` row per request and level)."""

from __future__ import annotations

import datetime
from typing import cast

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from coordination.deadlines import information_due
from coordination.models import CoordinationRequest, RequestStatus, SiteVisitRecord
from enterprises.selectors import members
from portal import workdays
from portal.conf import tunable
from portal.deadlines import notice_once
from portal.escalation import escalate, management_after_working_days
from portal.jobs import default_batch_size
from portal.messages import name_of, text
from portal.models import Escalation
from portal.notifications import notify


def _title(request: CoordinationRequest, level: int):
    params = {
        "number": request.pk,
        "enterprise": name_of(request.enterprise),
        "subject": request.subject[:60],
    }
    if level == Escalation.Level.LOCAL_LEADER:
        return text("Overdue request #%(number)s of %(enterprise)s: %(subject)s", **params)
    return text(
        "Still overdue, escalated to the Management Department: request #%(number)s of %(enterprise)s: %(subject)s",
        **params,
    )


def escalate_overdue(*, now: datetime.datetime | None = None, batch_size: int | None = None) -> int:
    """Escalate every overdue request once per level. Returns the number of new escalations."""
    now = now or timezone.now()
    batch_size = batch_size or default_batch_size()
    content_type = ContentType.objects.get_for_model(CoordinationRequest)
    today = timezone.localtime(now).date()
    created, last_id = 0, 0
    while True:
        batch = list(
            CoordinationRequest.objects.overdue(now)
            .filter(pk__gt=last_id)
            .select_related("enterprise__local_customs", "responsible_office")
            .order_by("pk")[:batch_size]
        )
        if not batch:
            break
        last_id = batch[-1].pk
        levels: dict[int, dict[int, datetime.datetime]] = {}
        for object_id, level, at in Escalation.objects.filter(
            content_type=content_type, object_id__in=[r.pk for r in batch]
        ).values_list("object_id", "level", "escalated_at"):
            levels.setdefault(object_id, {})[level] = at
        for request in batch:
            office = request.responsible_office or request.enterprise.local_customs
            url = reverse("coordination:request_detail", args=[request.pk])
            done = levels.get(request.pk, {})
            if Escalation.Level.LOCAL_LEADER not in done:
                if escalate(
                    request,
                    level=Escalation.Level.LOCAL_LEADER,
                    local_customs=office,
                    title=_title(request, 1),
                    url=url,
                ):
                    created += 1
                continue
            if Escalation.Level.MANAGEMENT_DEPARTMENT in done:
                continue
            first = timezone.localtime(done[Escalation.Level.LOCAL_LEADER]).date()
            if workdays.working_days_between(first, today) >= management_after_working_days() and escalate(
                request,
                level=Escalation.Level.MANAGEMENT_DEPARTMENT,
                local_customs=office,
                title=_title(request, 2),
                url=url,
            ):
                created += 1
    return created


def remind_information_requests(
    *, now: datetime.datetime | None = None, batch_size: int | None = None
) -> int:
    """The enterprise owes information customs asked for: it is reminded the working day the answer
    falls due and told once when it is overdue (the clock stays paused meanwhile; nothing escalates on
    customs' side). Idempotent per request, question and step (``portal.deadlines.notice_once``)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    sent = 0
    # A question asked fewer calendar days ago than the working days allowed cannot be due yet.
    cutoff = now - datetime.timedelta(days=int(tunable("INFORMATION_RESPONSE_WORKING_DAYS")) - 1)
    waiting = (
        CoordinationRequest.objects.filter(status=RequestStatus.AWAITING_ENTERPRISE, paused_at__lte=cutoff)
        .select_related("enterprise")
        .order_by("pk")
    )
    for request in waiting.iterator(chunk_size=batch_size or default_batch_size()):
        due = information_due(request)
        due_day = timezone.localtime(due).date()
        if due_day > today:
            continue
        step = "due" if due_day == today else "overdue"
        key = f"information:{request.pk}:{cast(datetime.datetime, request.paused_at).date().isoformat()}"
        with transaction.atomic():
            if not notice_once(key, step):
                continue
            title = (
                text(
                    "Customs awaits the information it asked for on request #%(number)s today",
                    number=request.pk,
                )
                if step == "due"
                else text(
                    "The information customs asked for on request #%(number)s is overdue", number=request.pk
                )
            )
            notify(
                members(request.enterprise),
                verb="information_reminder",
                title=title,
                body=text("Answer on the request page; its resolution clock is paused until you do."),
                url=reverse("coordination:request_detail", args=[request.pk]),
                group=f"request:{request.pk}",
                enterprise_id=request.enterprise_id,
            )
            sent += 1
    return sent


def escalate_unsigned_visit_records(*, now: datetime.datetime | None = None) -> int:
    """A visit record still missing a signature VISIT_RECORD_SIGN_DAYS after it was written is escalated
    once to the leader of the enterprise's local customs (then it is theirs to chase)."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=int(tunable("VISIT_RECORD_SIGN_DAYS")))
    content_type = ContentType.objects.get_for_model(SiteVisitRecord)
    unsigned = (
        SiteVisitRecord.objects.filter(written_at__lt=cutoff)
        .annotate(signed=Count("signatures"))
        .filter(signed__lt=3)  # two coordinators and the contact person
        .exclude(
            Exists(
                Escalation.objects.filter(
                    content_type=content_type, object_id=OuterRef("pk"), level=Escalation.Level.LOCAL_LEADER
                )
            )
        )
        .select_related("visit__enterprise__local_customs")
    )
    created = 0
    for record in unsigned.iterator(chunk_size=500):
        visit = record.visit
        if escalate(
            record,
            level=Escalation.Level.LOCAL_LEADER,
            local_customs=visit.enterprise.local_customs,
            title=text(
                "The record of the site visit of %(when)s to %(enterprise)s is still not signed",
                when=visit.scheduled_for,
                enterprise=name_of(visit.enterprise),
            ),
            url=reverse("coordination:visit_detail", args=[visit.pk]),
        ):
            created += 1
    return created
