"""Celery tasks of the liaison app (thin) and the jobs ``manage.py run_job`` runs now."""

from celery import shared_task

from liaison import services

JOBS = {"referrals": services.remind_referrals}


@shared_task(name="liaison.remind_referrals", ignore_result=False)
def remind_referrals(outbox_id: int | None = None) -> dict:
    return services.remind_referrals().as_dict()
