"""What coordination shows in the enterprise file and in "My enterprises": the enterprise's requests
(open ones by deadline, then the latest), its site visits with their records, the files of both, and for a
page of enterprises their open and overdue requests. Reads go through ``visible_to(viewer)``: a
coordinator of another office sees the transferred requests only where the scope says so, internal
files stay with customs."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coordination import selectors
from coordination.models import (
    CLOCK_RUNNING_STATUSES,
    OPEN_STATUSES,
    CoordinationRequest,
    RequestAttachment,
    SiteVisit,
    VisitAttachment,
)
from portal.registry import Document

SHOWN = 10


def requests(enterprise, viewer) -> dict:
    visible = selectors.requests_for(viewer).filter(enterprise=enterprise)
    open_rows = list(visible.filter(status__in=OPEN_STATUSES).order_by("next_due", "id")[:SHOWN])
    recent = list(visible.exclude(status__in=OPEN_STATUSES).order_by("-filed_at", "-id")[:SHOWN])
    return {"open": open_rows, "recent": recent, "enterprise": enterprise}


def visits(enterprise, viewer) -> dict:
    rows = list(
        SiteVisit.objects.visible_to(viewer)
        .filter(enterprise=enterprise)
        .select_related("coordinator_a__user", "coordinator_b__user", "record")
        .prefetch_related("record__signatures", "record__actions")
        .order_by("-scheduled_for", "-id")[:SHOWN]
    )
    return {"visits": rows}


def request_documents(enterprise, viewer, limit: int) -> list[Document]:
    rows = (
        RequestAttachment.objects.visible_to(viewer)
        .filter(request__enterprise=enterprise)
        .select_related("request")
        .order_by("-uploaded_at", "-id")[:limit]
    )
    return [
        Document(
            r.original_name,
            _("Request #%(number)s") % {"number": r.request_id}
            + (f" · {_('customs only')}" if r.is_internal else ""),
            r.uploaded_at,
            r.size,
            reverse("coordination:attachment_download", args=[r.pk]),
            reverse("coordination:request_detail", args=[r.request_id]),
        )
        for r in rows
    ]


def visit_documents(enterprise, viewer, limit: int) -> list[Document]:
    rows = (
        VisitAttachment.objects.visible_to(viewer)
        .filter(record__visit__enterprise=enterprise)
        .select_related("record")
        .order_by("-uploaded_at", "-id")[:limit]
    )
    return [
        Document(
            r.original_name,
            _("Site-visit record"),
            r.uploaded_at,
            r.size,
            reverse("coordination:visit_attachment", args=[r.pk]),
            reverse("coordination:visit_detail", args=[r.record.visit_id]),
        )
        for r in rows
    ]


def open_work(enterprise_ids: list[int], viewer) -> dict[int, dict]:
    """Open and overdue requests of each enterprise of a page (one query on the open-requests index)."""
    now = timezone.now()
    rows = (
        CoordinationRequest.objects.visible_to(viewer)
        .filter(enterprise_id__in=enterprise_ids, status__in=OPEN_STATUSES)
        .order_by()
        .values("enterprise_id")
        .annotate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(status__in=CLOCK_RUNNING_STATUSES, next_due__lt=now)),
        )
    )
    return {row["enterprise_id"]: {"open": row["open"], "overdue": row["overdue"]} for row in rows}
