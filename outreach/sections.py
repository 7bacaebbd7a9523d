"""Training attendance in the enterprise file: the sessions the enterprise registered people for, with
their attendance, and whether its head (the contact person) met the training obligation."""

from __future__ import annotations

from enterprises.models import Enterprise
from outreach import services
from outreach.models import TrainingRegistration

SHOWN = 10


def training(enterprise, viewer) -> dict:
    registrations = list(
        TrainingRegistration.objects.visible_to(viewer)
        .filter(enterprise=enterprise)
        .select_related("session")
        .order_by("-session__starts_at", "-id")[:SHOWN]
    )
    is_aeo = bool(enterprise.rating_id and enterprise.rating.is_aeo)
    missing = (
        services.heads_missing_training(Enterprise.objects.filter(pk=enterprise.pk)).exists()
        if is_aeo
        else False
    )
    return {"registrations": registrations, "is_aeo": is_aeo, "head_missing": missing}
