"""Celery tasks of the compliance app (thin) and the jobs ``manage.py run_job`` runs now."""

from celery import shared_task

from compliance import reminders

JOBS = {"compliance": reminders.check_compliance}


@shared_task(name="compliance.check_compliance", ignore_result=False)
def check_compliance(outbox_id: int | None = None) -> dict:
    return reminders.check_compliance().as_dict()
