"""The decision deadlines of an enterprise's open appeals (portal.deadlines provider): customs owes the
decision; the enterprise sees when it is due and whether it is late (``Appeal.decision_deadline``)."""

from __future__ import annotations

import dataclasses

from django.urls import reverse

from appeals.models import Appeal
from portal.deadlines import Deadline


def provide(enterprise, viewer=None) -> list[Deadline]:
    appeals = Appeal.objects.visible_to(viewer) if viewer is not None else Appeal.objects.all()
    return [
        dataclasses.replace(appeal.decision_deadline, url=reverse("appeals:detail", args=[appeal.pk]))
        for appeal in appeals.open().filter(enterprise=enterprise).order_by("due_at", "pk")[:20]
    ]
