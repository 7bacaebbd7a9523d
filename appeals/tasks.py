"""Celery tasks of the appeals app (thin wrappers) and the jobs ``manage.py run_job`` runs now."""

from celery import shared_task

from appeals import escalation
from portal import chunks

JOBS = {"appeal-escalation": escalation.escalate_overdue_appeals}


@shared_task(name="appeals.escalate_overdue_appeals", ignore_result=False)
def escalate_overdue_appeals(outbox_id: int | None = None) -> dict:
    return chunks.start("appeal-escalation", over="appeals.appeal")
