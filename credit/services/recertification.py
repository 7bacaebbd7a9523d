"""Re-certification reminders (docs/DOMAIN.md, "Enterprises and their credit"): advanced-certified
enterprises are re-certified every cycle of the regime in force; reminders go out at the
RECERTIFICATION_REMINDER_DAYS offsets (180, 90 and 30 days before the due date), and an overdue
re-certification is flagged to the district's Management Department. One ``RecertificationReminder``
row per enterprise, due date, kind and offset makes the job idempotent.
"""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse

from credit.models import RecertificationReminder
from enterprises import selectors as recipients
from enterprises.models import Enterprise
from portal.conf import recertification_reminder_days
from portal.escalation import management_department_staff
from portal.jobs import JobResult, run_in_batches, today_or
from portal.messages import name_of, plural_text, text
from portal.notifications import notify


def _not_reminded(queryset, kind: str, offset: int):
    return queryset.exclude(
        Exists(
            RecertificationReminder.objects.filter(
                enterprise=OuterRef("pk"),
                due_date=OuterRef("recertification_due"),
                kind=kind,
                offset_days=offset,
            )
        )
    )


def reminder_candidates(today: datetime.date, offset: int, next_offset: int):
    """Enterprises due within ``offset`` days but more than ``next_offset`` days from today: a run that
    missed the exact day still sends the reminder of the window the enterprise is in, never an older one."""
    window = Enterprise.objects.filter(
        recertification_due__gt=today + datetime.timedelta(days=next_offset),
        recertification_due__lte=today + datetime.timedelta(days=offset),
    )
    return _not_reminded(window, RecertificationReminder.Kind.REMINDER, offset)


def send_reminder(enterprise, *, offset: int, today: datetime.date) -> bool:
    reminder = RecertificationReminder.objects.create(
        enterprise=enterprise, due_date=enterprise.recertification_due, offset_days=offset, sent_on=today
    )
    days_left = (enterprise.recertification_due - today).days
    title = plural_text(
        "Re-certification due on %(date)s (in %(count)s day)",
        "Re-certification due on %(date)s (in %(count)s days)",
        days_left,
        date=enterprise.recertification_due,
    )
    body = text(
        "%(enterprise)s: its advanced certification is reviewed every cycle; prepare for re-certification.",
        enterprise=name_of(enterprise),
    )
    sent = notify(
        [recipients.contact_person_user(enterprise)],
        verb="recertification_reminder",
        title=title,
        body=body,
        url=reverse("credit:home"),
        enterprise_id=enterprise.pk,
    )
    sent += notify(
        recipients.coordinator_users(enterprise),
        verb="recertification_reminder",
        title=title,
        body=body,
        enterprise_id=enterprise.pk,
    )
    reminder.recipients = len(sent)
    reminder.save(update_fields=["recipients"])
    return True


def flag_overdue(enterprise, *, today: datetime.date) -> bool:
    reminder = RecertificationReminder.objects.create(
        enterprise=enterprise,
        due_date=enterprise.recertification_due,
        kind=RecertificationReminder.Kind.OVERDUE,
        sent_on=today,
    )
    title = text(
        "Re-certification overdue: %(enterprise)s (due %(date)s)",
        enterprise=name_of(enterprise),
        date=enterprise.recertification_due,
    )
    sent = notify(
        management_department_staff(enterprise.district_id),
        verb="recertification_overdue",
        title=title,
        url=reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]),
        enterprise_id=enterprise.pk,
    )
    # The enterprise owns the duty: it is told too, and so is its coordinator pair.
    sent += notify(
        recipients.members(enterprise),
        verb="recertification_overdue_enterprise",
        title=text(
            "Your re-certification is overdue: it was due on %(date)s", date=enterprise.recertification_due
        ),
        body=text("Contact your coordinators to arrange the re-certification."),
        url=reverse("credit:home"),
        enterprise_id=enterprise.pk,
    )
    sent += notify(
        recipients.coordinator_users(enterprise),
        verb="recertification_overdue_coordinator",
        title=title,
        enterprise_id=enterprise.pk,
    )
    reminder.recipients = len(sent)
    reminder.save(update_fields=["recipients"])
    return True


def send_recertification_reminders(*, today=None, batch_size=None, kill_point=None) -> JobResult:
    today = today_or(today)
    result = JobResult("recertification")
    offsets = recertification_reminder_days()
    for offset, next_offset in zip(offsets, [*offsets[1:], -1], strict=True):
        run_in_batches(
            reminder_candidates(today, offset, next_offset),
            lambda enterprise, offset=offset: send_reminder(enterprise, offset=offset, today=today),
            result=result,
            batch_size=batch_size,
            kill_point=kill_point,
        )
    overdue = _not_reminded(
        Enterprise.objects.filter(recertification_due__lt=today), RecertificationReminder.Kind.OVERDUE, 0
    )
    return run_in_batches(
        overdue,
        lambda enterprise: flag_overdue(enterprise, today=today),
        result=result,
        batch_size=batch_size,
        kill_point=kill_point,
    )
