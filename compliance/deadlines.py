"""Open improvement actions as deadlines (``portal.deadlines`` provider): on the enterprise home, its
pages and the calendar feed, each with its state and its status (open or reopened: the enterprise owes
an answer by the due date; an answered action waits for customs and has no deadline of the enterprise's).
"""

from __future__ import annotations

from django.urls import reverse

from compliance.models import OWED_STATUSES, Assessment, ImprovementAction
from portal.conf import tunable
from portal.deadlines import ENTERPRISE, Deadline
from portal.messages import label, text


def provide(enterprise, viewer=None) -> list[Deadline]:
    actions = (
        ImprovementAction.objects.visible_to(viewer)
        if viewer is not None
        else ImprovementAction.objects.all()
    )
    rows = (
        actions.filter(
            enterprise=enterprise,
            assessment__state=Assessment.State.SIGNED,
            status__in=OWED_STATUSES,
        )
        .only("pk", "description", "due_on", "status")
        .order_by("due_on", "pk")[:20]
    )
    soon = int(tunable("IMPROVEMENT_ACTION_REMINDER_DAYS"))
    return [
        Deadline(
            key=f"improvement-action:{a.pk}:{a.due_on.isoformat()}",
            title=text(
                "Improvement action (%(status)s): %(action)s",
                status=label("improvement_action_status", a.status),
                action=a.description[:60],
            ),
            due=a.due_on,
            owner=ENTERPRISE,
            url=reverse("compliance:action_detail", args=[a.pk]),
            soon_days=soon,
        )
        for a in rows
    ]
