"""The registration changes waiting for a decision, as a queue of the officer's desk."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import RegistrationChange
from portal.admin.toolkit import changelist_url
from portal.registry import DeskQueue


def pending_changes(user):
    return (
        RegistrationChange.objects.visible_to(user)
        .filter(status=RegistrationChange.Status.PENDING)
        .select_related("enterprise")
        .order_by("-submitted_at", "-id")
    )


REGISTRATION_CHANGES = DeskQueue(
    name="registration-changes",
    title=_("Registration changes to decide"),
    rows=pending_changes,
    link=lambda request: changelist_url(request, RegistrationChange, status__exact="pending"),
    item=lambda c: (
        str(c.enterprise),
        timezone.localdate(c.submitted_at),
        reverse("admin:enterprises_registrationchange_change", args=[c.pk]),
    ),
    order=20,
)
