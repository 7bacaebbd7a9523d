"""The jobs run through a real Celery worker consuming from the real Redis broker (the beat tasks'
names), and their schedules are in django-celery-beat's database scheduler."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from credit.models import AbnormalListEntry, CreditEvent, CreditEventReason
from credit.tasks import identify_long_listed, send_recertification_reminders
from tests.factories import rated_enterprise

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_abnormal_list_job_runs_in_a_real_worker_and_a_second_run_changes_nothing(celery_worker_session):
    enterprise = rated_enterprise("regular", on=timezone.localdate() - datetime.timedelta(days=300))
    AbnormalListEntry.objects.create(
        enterprise=enterprise,
        reason="unreachable",
        listed_on=timezone.localdate() - datetime.timedelta(days=95),
    )
    first = identify_long_listed.delay().get(timeout=60)
    second = identify_long_listed.delay().get(timeout=60)
    assert (first["processed"], second["processed"]) == (1, 0)
    assert (
        CreditEvent.objects.filter(enterprise=enterprise, reason=CreditEventReason.ABNORMAL_LIST).count() == 1
    )
    assert send_recertification_reminders.delay().get(timeout=60)["failed"] == 0


def test_every_job_is_scheduled_in_the_database_scheduler():
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {
        "credit.identify_long_listed",
        "credit.list_annual_report_candidates",
        "credit.send_recertification_reminders",
        "credit.apply_automatic_repairs",
        "appeals.escalate_overdue_appeals",
    } <= tasks
