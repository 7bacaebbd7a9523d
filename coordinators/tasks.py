"""Celery tasks of the coordinators app (thin) and the jobs ``manage.py run_job`` runs now."""

from celery import shared_task

from coordinators import services

JOBS = {"qualifications": services.check_qualifications, "rotations": services.list_rotations_due}


@shared_task(name="coordinators.check_qualifications", ignore_result=False)
def check_qualifications(outbox_id: int | None = None) -> dict:
    return services.check_qualifications().as_dict()


@shared_task(name="coordinators.list_rotations_due", ignore_result=False)
def list_rotations_due(outbox_id: int | None = None) -> dict:
    return services.list_rotations_due().as_dict()
