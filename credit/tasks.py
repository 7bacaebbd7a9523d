"""Celery tasks of the credit app: thin wrappers around credit.jobs (idempotent, batched).

``outbox_id`` is accepted because the outbox may publish a task (portal/outbox.py)."""

from celery import shared_task

from . import jobs


@shared_task(name="credit.identify_long_listed", ignore_result=False)
def identify_long_listed(outbox_id: int | None = None) -> dict:
    return jobs.identify_long_listed().as_dict()


@shared_task(name="credit.list_annual_report_candidates", ignore_result=False)
def list_annual_report_candidates(outbox_id: int | None = None) -> dict:
    return jobs.list_annual_report_candidates().as_dict()


@shared_task(name="credit.send_recertification_reminders", ignore_result=False)
def send_recertification_reminders(outbox_id: int | None = None) -> dict:
    return jobs.send_recertification_reminders().as_dict()


@shared_task(name="credit.apply_automatic_repairs", ignore_result=False)
def apply_automatic_repairs(outbox_id: int | None = None) -> dict:
    return jobs.apply_automatic_repairs().as_dict()
