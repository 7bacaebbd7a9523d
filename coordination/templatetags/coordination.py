"""Template helpers for coordination pages: status colours and SLA due badges."""

from __future__ import annotations

from django import template
from django.utils import timezone

register = template.Library()

STATUS_CLASSES = {
    "submitted": "bg-primary",
    "accepted": "bg-info text-dark",
    "in_progress": "bg-info text-dark",
    "awaiting_enterprise": "bg-warning text-dark",
    "resolved": "bg-success",
    "closed": "bg-secondary",
    "rejected": "bg-dark",
    "withdrawn": "bg-light text-dark border",
    "transferred": "bg-warning text-dark",
}


@register.filter
def status_class(status: str) -> str:
    return STATUS_CLASSES.get(status, "bg-secondary")


@register.inclusion_tag("coordination/_due.html")
def due_badge(obj):
    """Time left to the deadline that matters now, or how long it is overdue; paused while awaiting the
    enterprise."""
    due = obj.next_due
    now = timezone.now()
    return {
        "obj": obj,
        "due": due,
        "overdue": obj.is_overdue,
        "paused": obj.paused_at is not None,
        "is_first_response": obj.first_responded_at is None,
        "now": now,
    }
