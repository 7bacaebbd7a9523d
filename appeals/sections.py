"""What appeals show in the enterprise file, on the officer's desk and among the enterprise's documents.
Everything reads through ``Appeal.objects.visible_to(viewer)``, so the integrity channel (appeals about a
coordinator's conduct) appears only to the district's Management Department — never to the coordinators
who open the file, whoever the appeal names."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appeals.models import Appeal, AppealAttachment
from portal.admin.toolkit import changelist_url
from portal.registry import DeskQueue, Document
from portal.scoping import OFFICER_ROLES

SHOWN = 10


def appeals(enterprise, viewer) -> dict:
    rows = list(
        Appeal.objects.visible_to(viewer)
        .filter(enterprise=enterprise)
        .select_related("assigned_to")
        .order_by("-filed_at", "-id")[:SHOWN]
    )
    return {"appeals": rows, "in_admin": bool(viewer.roles & OFFICER_ROLES) or viewer.is_superuser}


def appeal_documents(enterprise, viewer, limit: int) -> list[Document]:
    rows = (
        AppealAttachment.objects.visible_to(viewer)
        .filter(appeal__enterprise=enterprise)
        .order_by("-uploaded_at", "-id")[:limit]
    )
    return [
        Document(
            r.original_name,
            _("Appeal #%(number)s") % {"number": r.appeal_id},
            r.uploaded_at,
            r.size,
            reverse("appeals:attachment", args=[r.pk]),
            reverse("appeals:detail", args=[r.appeal_id]),
        )
        for r in rows
    ]


def to_triage(user):
    return Appeal.objects.visible_to(user).open().select_related("enterprise").order_by("due_at", "id")


def overdue(user):
    return to_triage(user).filter(due_at__lt=timezone.now())


APPEALS_TO_TRIAGE = DeskQueue(
    name="appeals",
    title=gettext_lazy("Appeals to triage, by deadline"),
    rows=to_triage,
    overdue=overdue,
    link=lambda request: changelist_url(
        request, Appeal, order="deadline", status__in="submitted,in_review,forwarded"
    ),
    item=lambda a: (
        f"#{a.pk} {a.subject}",
        timezone.localdate(a.due_at),
        reverse("admin:appeals_appeal_change", args=[a.pk]),
    ),
    order=10,
)
