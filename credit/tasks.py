"""Celery tasks of the credit app: thin wrappers around the credit services' daily jobs (idempotent,
batched; schedules are django-celery-beat rows). ``outbox_id`` is accepted because the outbox may
publish a task (portal/outbox.py). ``JOBS`` are what ``manage.py run_job`` runs now."""

from __future__ import annotations

from collections.abc import Callable

from celery import shared_task

from credit.services import abnormal_list, annual_reports, recertification, repair
from portal import chunks
from portal.jobs import JobResult

# The scheduled tasks split each job's rows over the workers when JOB_CHUNKS > 1 (portal/chunks.py).
ENTERPRISES = "enterprises.enterprise"


@shared_task(name="credit.identify_long_listed", ignore_result=False)
def identify_long_listed(outbox_id: int | None = None) -> dict:
    return chunks.start("abnormal-list", over="credit.abnormallistentry")


@shared_task(name="credit.list_annual_report_candidates", ignore_result=False)
def list_annual_report_candidates(outbox_id: int | None = None) -> dict:
    return chunks.start("annual-reports", over=ENTERPRISES)


@shared_task(name="credit.send_recertification_reminders", ignore_result=False)
def send_recertification_reminders(outbox_id: int | None = None) -> dict:
    return chunks.start("recertification", over=ENTERPRISES)


@shared_task(name="credit.apply_automatic_repairs", ignore_result=False)
def apply_automatic_repairs(outbox_id: int | None = None) -> dict:
    return chunks.start("credit-repair", over=ENTERPRISES)


JOBS: dict[str, Callable[..., JobResult]] = {
    "abnormal-list": abnormal_list.identify_long_listed,
    "annual-reports": annual_reports.list_annual_report_candidates,
    "recertification": recertification.send_recertification_reminders,
    "credit-repair": repair.apply_automatic_repairs,
}
