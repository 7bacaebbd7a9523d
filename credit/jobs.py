"""The credit jobs that Celery beat runs every day (schedules: credit/migrations/0005_beat_schedules.py),
and the batch runner every job of the portal uses.

Reliability (tested in tests/credit/test_jobs*.py):
- Idempotent: each item's effect is guarded by a unique row (identification, candidate, reminder,
  credit event ``source_key``, escalation) written in the same transaction as the effect and its
  notices, so a second run — or a second worker at the same moment — finds the item done.
- Concurrent workers split the work: each batch locks its rows with ``SELECT … FOR UPDATE SKIP LOCKED``.
- Crash-safe: each batch is one transaction, each item a savepoint inside it. A worker killed mid-batch
  leaves the batches before it complete and nothing of its current batch; the next run completes the
  rest. ``kill_point`` lets tests stop a run after a given item the way a killed worker would.
- Scale: candidates are selected in SQL (anti-joins on the guard rows) and walked by keyset over the
  primary key, ``batch_size`` rows at a time, so a million enterprises never sit in memory.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.escalation import management_department_staff
from portal.exceptions import DomainError
from portal.notifications import notify

from . import abnormal, annual_reports, recipients, repair
from .models import RecertificationReminder

log = logging.getLogger(__name__)
DEFAULT_BATCH_SIZE = 500
DEFAULT_REMINDER_DAYS = (180, 90, 30)


class JobInterrupted(RuntimeError):
    """Raised by a kill point: stands in for a worker killed in the middle of a batch."""


@dataclass
class JobResult:
    job: str
    processed: int = 0
    skipped: int = 0
    failed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def run_in_batches(
    candidates: QuerySet,
    handle: Callable,
    *,
    result: JobResult,
    batch_size: int = DEFAULT_BATCH_SIZE,
    kill_point: Callable[[int], None] | None = None,
) -> JobResult:
    """Call ``handle(row)`` for every row of ``candidates``: keyset batches, one transaction per batch,
    rows locked with SKIP LOCKED and re-checked against ``candidates`` inside the transaction.

    ``handle`` returns True when it acted, False when the row needed nothing. A refusal of the domain
    (``DomainError``) is logged and counted; the row is retried by the next run. Any other error stops
    the run with its batch rolled back.
    """
    last_pk, seen = 0, 0
    while True:
        ids = list(candidates.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return result
        last_pk = ids[-1]
        with transaction.atomic():
            rows = list(
                candidates.filter(pk__in=ids).order_by("pk").select_for_update(skip_locked=True, of=("self",))
            )
            for row in rows:
                try:
                    with transaction.atomic():
                        acted = handle(row)
                except IntegrityError:
                    result.skipped += 1  # another run did this item first: its guard row exists
                except DomainError as exc:
                    log.warning("%s: %s #%s refused: %s", result.job, row.__class__.__name__, row.pk, exc)
                    result.failed += 1
                else:
                    if acted:
                        result.processed += 1
                    else:
                        result.skipped += 1
                seen += 1
                if kill_point is not None:
                    kill_point(seen)


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


# --- Abnormal list: more than N days -> untrustworthy --------------------------------------------------


def identify_long_listed(*, today=None, batch_size=DEFAULT_BATCH_SIZE, kill_point=None) -> JobResult:
    today = _today(today)
    return run_in_batches(
        abnormal.long_listed_entries(today).select_related("enterprise__rating__regime"),
        lambda entry: abnormal.identify_entry(entry, today=today),
        result=JobResult("abnormal-list"),
        batch_size=batch_size,
        kill_point=kill_point,
    )


# --- Annual reports: missed deadline -> candidates for an officer -------------------------------------


def list_annual_report_candidates(*, today=None, batch_size=DEFAULT_BATCH_SIZE, kill_point=None) -> JobResult:
    today = _today(today)
    year = annual_reports.report_year_due(today)
    result = JobResult("annual-reports")
    if today <= annual_reports.deadline(year):
        return result
    return run_in_batches(
        annual_reports.missed_deadline(year),
        lambda enterprise: annual_reports.record_candidate(enterprise, year=year, today=today),
        result=result,
        batch_size=batch_size,
        kill_point=kill_point,
    )


# --- Re-certification: reminders at 180/90/30 days, overdue flag to the Management Department --------


def reminder_days() -> list[int]:
    days = getattr(settings, "GUANQI", {}).get("RECERTIFICATION_REMINDER_DAYS", DEFAULT_REMINDER_DAYS)
    return sorted({int(d) for d in days}, reverse=True)


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
    from enterprises.models import Enterprise

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
    title = recipients.lazy_format(
        _("Re-certification due on %(date)s (in %(days)s days)"),
        date=enterprise.recertification_due,
        days=days_left,
    )
    body = recipients.lazy_format(
        _(
            "%(enterprise)s: its advanced certification is reviewed every cycle; prepare for re-certification."
        ),
        enterprise=enterprise.name_zh,
    )
    sent = notify(
        [recipients.contact_person(enterprise)],
        verb="recertification_reminder",
        title=title,
        body=body,
        url=reverse("credit:home"),
    )
    sent += notify(
        recipients.coordinators(enterprise), verb="recertification_reminder", title=title, body=body
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
        title=recipients.lazy_format(
            _("Re-certification overdue: %(enterprise)s (due %(date)s)"),
            enterprise=enterprise.name_zh,
            date=enterprise.recertification_due,
        ),
        url=reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]),
    )
    reminder.recipients = len(sent)
    reminder.save(update_fields=["recipients"])
    return True


def send_recertification_reminders(
    *, today=None, batch_size=DEFAULT_BATCH_SIZE, kill_point=None
) -> JobResult:
    from enterprises.models import Enterprise

    today = _today(today)
    result = JobResult("recertification")
    offsets = reminder_days()
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


# --- Credit repair: automatic after the clean period --------------------------------------------------


def apply_automatic_repairs(*, today=None, batch_size=DEFAULT_BATCH_SIZE, kill_point=None) -> JobResult:
    today = _today(today)
    return run_in_batches(
        repair.automatic_repair_candidates(today).select_related("rating__regime"),
        lambda enterprise: repair.repair_automatically(enterprise, today=today),
        result=JobResult("credit-repair"),
        batch_size=batch_size,
        kill_point=kill_point,
    )


# Jobs that ``manage.py run_job`` can run now (name -> function(**options) -> JobResult).
JOBS: dict[str, Callable[..., JobResult]] = {
    "abnormal-list": identify_long_listed,
    "annual-reports": list_annual_report_candidates,
    "recertification": send_recertification_reminders,
    "credit-repair": apply_automatic_repairs,
}
