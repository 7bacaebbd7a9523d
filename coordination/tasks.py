"""Celery tasks of coordination requests (thin wrappers around services) and the jobs ``manage.py
run_job`` runs now."""

from __future__ import annotations

from celery import shared_task

from coordination.escalation import (
    escalate_overdue,
    escalate_unsigned_visit_records,
    remind_information_requests,
)
from portal.jobs import JobResult


def escalate_overdue_requests_job(*, batch_size: int | None = None) -> JobResult:
    """Escalate overdue coordination requests (the local customs' leader, then the Management Department)
    and remind enterprises of information they owe."""
    processed = (
        escalate_overdue(batch_size=batch_size)
        + remind_information_requests(batch_size=batch_size)
        + escalate_unsigned_visit_records()
    )
    return JobResult(job="request-escalation", processed=processed)


JOBS = {"request-escalation": escalate_overdue_requests_job}


@shared_task(name="coordination.escalate_overdue_requests", ignore_result=True)
def escalate_overdue_requests(outbox_id: int | None = None) -> int:
    """Daily (a django-celery-beat schedule): escalate overdue coordination requests; idempotent, so a
    second run the same day does nothing. Also reminds enterprises of the information they owe."""
    return escalate_overdue() + remind_information_requests() + escalate_unsigned_visit_records()
