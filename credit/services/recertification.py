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
from django.utils.translation import gettext_lazy as _

from credit.models import RecertificationReminder
from enterprises import selectors as recipients
from enterprises.models import Enterprise
from portal.conf import recertification_reminder_days
from portal.escalation import management_department_staff
from portal.jobs import JobResult, run_in_batches, today_or
from portal.notifications import lazy_format, notify


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
    title = lazy_format(
        _("Re-certification due on %(date)s (in %(days)s days)"),
        date=enterprise.recertification_due,
        days=days_left,
    )
    body = lazy_format(
        _(
            "%(enterprise)s: its advanced certification is reviewed every cycle; prepare for re-certification."
        ),
        enterprise=enterprise.name_zh,
    )
    sent = notify(
        [recipients.contact_person_user(enterprise)],
        verb="recertification_reminder",
        title=title,
        body=body,
        url=reverse("credit:home"),
    )
    sent += notify(
        recipients.coordinator_users(enterprise), verb="recertification_reminder", title=title, body=body
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
    sent = notify(
        management_department_staff(enterprise.district_id),
        verb="recertification_overdue",
        title=lazy_format(
            _("Re-certification overdue: %(enterprise)s (due %(date)s)"),
            enterprise=enterprise.name_zh,
            date=enterprise.recertification_due,
        ),
        url=reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]),
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
