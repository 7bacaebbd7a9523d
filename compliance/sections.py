"""What compliance shows in the coordinator's enterprise file (``portal.registry.enterprise_file``) and
on the officer's desk (``desk_queues``): the assessment history, the files the enterprise sent with its
answers to improvement actions (for the file's "Documents"), and overdue improvement actions. Every
read goes through ``visible_to(viewer)`` and is bounded."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from compliance import selectors
from compliance.models import ActionFile, ImprovementAction
from portal.admin.toolkit import changelist_url
from portal.registry import DeskQueue, Document


def assessments(enterprise, viewer) -> dict:
    """The assessment history (``compliance.selectors.assessment_history``) in one query."""
    return {"assessments": selectors.assessment_history(enterprise, viewer)}


def action_documents(enterprise, viewer, limit: int) -> list[Document]:
    rows = (
        ActionFile.objects.visible_to(viewer)
        .filter(response__action__enterprise=enterprise)
        .select_related("response")
        .order_by("-uploaded_at", "-id")[:limit]
    )
    return [
        Document(
            f.original_name,
            _("Improvement action #%(number)s") % {"number": f.response.action_id},
            f.uploaded_at,
            f.size,
            reverse("compliance:file", args=[f.pk]),
            reverse("compliance:action_detail", args=[f.response.action_id]),
        )
        for f in rows
    ]


def overdue_actions(user):
    """The district's improvement actions the enterprise still owes past their due date, oldest first
    (index ``action_district_status_due``)."""
    return (
        ImprovementAction.objects.visible_to(user)
        .overdue()
        .select_related("enterprise")
        .order_by("due_on", "id")
    )


OVERDUE_ACTIONS = DeskQueue(
    name="overdue-improvement-actions",
    title=gettext_lazy("Improvement actions overdue"),
    rows=overdue_actions,
    link=lambda request: changelist_url(request, ImprovementAction, overdue="yes"),
    item=lambda a: (
        f"{a.enterprise} · {a.description[:40]}",
        a.due_on,
        reverse("compliance:action_detail", args=[a.pk]),
    ),
    order=75,
)
