"""Re-certification reminders (180/90/30 days before the due date) and the overdue flag, with time travel
across the 3-year (Decree 237) and 5-year (Decree 251) cycles."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from credit.models import RecertificationReminder
from credit.services import recertification as jobs
from portal.conf import recertification_reminder_days
from portal.models import Notification
from tests.factories import management_manager, member, paired_enterprise

TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=TZ), tick=False)


def test_default_reminder_days_are_180_90_30(settings):
    settings.GUANQI = {k: v for k, v in settings.GUANQI.items() if k != "RECERTIFICATION_REMINDER_DAYS"}
    assert recertification_reminder_days() == [180, 90, 30]


@pytest.mark.django_db
def test_decree_237_three_year_cycle_sends_each_reminder_once_to_contact_person_and_pair():
    certified = datetime.date(2019, 3, 1)
    with at(certified):
        enterprise, first, second = paired_enterprise(on=certified)
        contact = member(enterprise)
    assert enterprise.recertification_due == datetime.date(2022, 3, 1)
    for days_before in (181, 180, 179, 90, 89, 30, 29):
        with at(enterprise.recertification_due - datetime.timedelta(days=days_before)):
            jobs.send_recertification_reminders()
            jobs.send_recertification_reminders()  # a second run the same day changes nothing
    reminders = RecertificationReminder.objects.filter(enterprise=enterprise)
    assert sorted(reminders.values_list("offset_days", flat=True)) == [30, 90, 180]
    sent_on = {r.offset_days: r.sent_on for r in reminders}
    assert sent_on[180] == datetime.date(2021, 9, 2)  # 180 days before 2022-03-01
    told = Notification.objects.filter(verb="recertification_reminder")
    assert told.count() == 3 * 3
    assert set(told.values_list("recipient_id", flat=True)) == {contact.pk, first.user_id, second.user_id}


@pytest.mark.django_db
def test_decree_251_five_year_cycle_and_a_missed_day_still_reminds_in_the_right_window():
    certified = datetime.date(2022, 1, 10)
    with at(certified):
        enterprise, *_ = paired_enterprise(on=certified)
    assert enterprise.recertification_due == datetime.date(2027, 1, 10)
    # The job did not run on the 90-day day; two days later it sends the 90-day reminder, not the 180.
    with at(enterprise.recertification_due - datetime.timedelta(days=88)):
        jobs.send_recertification_reminders()
    assert list(RecertificationReminder.objects.values_list("offset_days", flat=True)) == [90]


@pytest.mark.django_db
def test_overdue_recertification_is_flagged_to_the_management_department_once_per_due_date():
    certified = datetime.date(2021, 12, 1)
    with at(certified):
        enterprise, *_ = paired_enterprise(on=certified)
        manager = management_manager(enterprise.district)
        contact = member(enterprise)
    with at(enterprise.recertification_due + datetime.timedelta(days=1)):
        jobs.send_recertification_reminders()
    with at(enterprise.recertification_due + datetime.timedelta(days=5)):
        jobs.send_recertification_reminders()
    flags = RecertificationReminder.objects.filter(kind=RecertificationReminder.Kind.OVERDUE)
    assert flags.count() == 1
    assert list(
        Notification.objects.filter(verb="recertification_overdue").values_list("recipient_id", flat=True)
    ) == [manager.pk]
    # The enterprise owns the duty: its people are told it is overdue (once), and so is its pair.
    told = list(
        Notification.objects.filter(verb="recertification_overdue_enterprise").values_list(
            "recipient_id", flat=True
        )
    )
    assert told == [contact.pk]
    assert Notification.objects.filter(verb="recertification_overdue_coordinator").count() == 2


@pytest.mark.django_db
def test_reminders_are_guarded_by_a_unique_row():
    with at(datetime.date(2022, 1, 10)):
        enterprise, *_ = paired_enterprise(on=datetime.date(2022, 1, 10))
    RecertificationReminder.objects.create(
        enterprise=enterprise,
        due_date=enterprise.recertification_due,
        offset_days=30,
        sent_on=datetime.date(2026, 12, 11),
    )
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RecertificationReminder.objects.create(
            enterprise=enterprise,
            due_date=enterprise.recertification_due,
            offset_days=30,
            sent_on=datetime.date(2026, 12, 12),
        )


@pytest.mark.django_db
def test_run_job_lists_jobs_runs_one_and_refuses_an_unknown_name(capsys):
    call_command("run_job")
    listing = capsys.readouterr().out
    for name in ("abnormal-list", "annual-reports", "recertification", "credit-repair", "appeal-escalation"):
        assert name in listing
    call_command("run_job", "recertification")
    assert "recertification:" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Unknown job"):
        call_command("run_job", "no-such-job")


def test_run_job_with_an_unknown_name_exits_non_zero_without_a_traceback():
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "manage.py", "run_job", "no-such-job"],
        cwd=root,
        env=os.environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Unknown job" in result.stderr
    assert "Traceback" not in result.stderr
