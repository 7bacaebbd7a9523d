"""Celery tasks of the coordinators app: thin wrappers around services (STYLE.md rule 5)."""

from celery import shared_task


@shared_task(name="coordinators.escalate_overdue_requests", ignore_result=True)
def escalate_overdue_requests(outbox_id: int | None = None) -> int:
    """Daily (django-celery-beat, see migration ``coordinators`` “escalation schedule”): escalate
    overdue coordination requests; idempotent, so a second run the same day does nothing."""
    from .requests.escalation import escalate_overdue

    return escalate_overdue()
