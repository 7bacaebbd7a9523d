"""The enterprise file's sections owned by this app (``portal.registry.enterprise_file``): the profile
(registration data, members, contact persons over time, registration changes with their documents) and
the documents of every app together (``portal.registry.enterprise_documents``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from enterprises import selectors
from enterprises.models import RegistrationChange, RegistrationChangeAttachment
from portal.registry import Document, enterprise_documents

CHANGES_SHOWN = 10
DOCUMENTS_SHOWN = 30


def profile(enterprise, viewer) -> dict:
    changes = list(
        RegistrationChange.objects.visible_to(viewer)
        .filter(enterprise=enterprise)
        .select_related("submitted_by", "decided_by")
        .prefetch_related("attachments")
        .order_by("-submitted_at", "-id")[:CHANGES_SHOWN]
    )
    return {
        "enterprise": enterprise,
        "members": selectors.active_members(enterprise),
        "contact_history": selectors.contact_person_history(enterprise, limit=10),
        "changes": [(change, selectors.change_rows(change)) for change in changes],
    }


def registration_documents(enterprise, viewer, limit: int) -> list[Document]:
    rows = (
        RegistrationChangeAttachment.objects.visible_to(viewer)
        .filter(change__enterprise=enterprise)
        .order_by("-uploaded_at", "-id")[:limit]
    )
    return [
        Document(
            name=row.original_name,
            kind=_("Registration change"),
            uploaded_at=row.uploaded_at,
            size=row.size,
            url=reverse("enterprises:attachment", args=[row.pk]),
            context_url=reverse("enterprises:file", args=[enterprise.pk]) + "#section-profile",
        )
        for row in rows
    ]


def documents(enterprise, viewer) -> dict | None:
    """Every file the apps keep about the enterprise that the viewer may see, newest first."""
    found: list[Document] = []
    for source in enterprise_documents.all():
        found.extend(source.documents(enterprise, viewer, DOCUMENTS_SHOWN))
    found.sort(key=lambda d: d.uploaded_at, reverse=True)
    return {"documents": found[:DOCUMENTS_SHOWN], "more": len(found) > DOCUMENTS_SHOWN}
