"""Training sessions the enterprise registered attendees for (portal.deadlines provider)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from outreach.models import TrainingRegistration
from portal.deadlines import ENTERPRISE, Deadline
from portal.messages import text


def provide(enterprise, viewer=None) -> list[Deadline]:
    registrations = (
        TrainingRegistration.objects.filter(
            enterprise=enterprise,
            cancelled_at__isnull=True,
            session__cancelled_at__isnull=True,
            session__starts_at__gte=timezone.now(),
        )
        .select_related("session")
        .order_by("session__starts_at")[:10]
    )
    seen, found = set(), []
    for registration in registrations:
        session = registration.session
        if session.pk in seen:
            continue
        seen.add(session.pk)
        found.append(
            Deadline(
                key=f"training:{session.pk}",
                title=text("Training: %(title)s", title=session.title),
                due=session.starts_at,
                owner=ENTERPRISE,
                url=reverse("outreach:training_detail", args=[session.pk]),
                soon_days=7,
            )
        )
    return found
