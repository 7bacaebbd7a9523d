"""Celery tasks of the appeals app: thin wrappers around appeals.jobs."""

from celery import shared_task

from . import jobs


@shared_task(name="appeals.escalate_overdue_appeals", ignore_result=False)
def escalate_overdue_appeals(outbox_id: int | None = None) -> dict:
    return jobs.escalate_overdue_appeals().as_dict()
