"""Annual credit reports (docs/DOMAIN.md, "Abnormal business list": the annual report is due between
1 January and 30 June each year under Decree 237; the ANNUAL_REPORT_DEADLINE tunable).

DOMAIN note (our reading, protects the enterprise; tested in tests/credit/test_annual_reports.py):
missing the deadline does not put an enterprise on the abnormal list by itself. The daily job only
records it as a *candidate* (``AnnualReportCandidate``, one per enterprise and year); an officer
confirms in the admin (then ``credit.services.abnormal_list.list_enterprise`` lists it) or dismisses with a note.
A report that arrives before the officer decides makes confirmation impossible: dismiss instead.
Enterprises registered after the deadline (no credit event and no record before it), and those
already listed, are not candidates.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, OuterRef, Q, Value
from django.db.models.functions import Cast, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from credit.models import (
    AbnormalListEntry,
    AbnormalReason,
    AnnualReport,
    AnnualReportCandidate,
    CreditEvent,
)
from credit.services.abnormal_list import list_enterprise
from enterprises import selectors as recipients
from enterprises.models import Enterprise, Membership
from portal.conf import tunable
from portal.deadlines import Deadline, notice_once
from portal.exceptions import ConflictError, DomainError, PermissionDeniedError
from portal.jobs import JobResult, run_in_batches, today_or
from portal.messages import plural_text, text
from portal.models import DeadlineNotice
from portal.notifications import notify


def deadline(year: int) -> datetime.date:
    month, day = tunable("ANNUAL_REPORT_DEADLINE")
    return datetime.date(year, month, day)


def report_year_due(today: datetime.date) -> int:
    """The report year an enterprise submits for on ``today`` (the year in which it is due)."""
    return today.year


@transaction.atomic
def submit_annual_report(*, enterprise, author, year: int | None = None, **fields) -> AnnualReport:
    """An enterprise member submits the annual credit report for ``year`` (default: this year's)."""
    today = timezone.localdate()
    year = year or report_year_due(today)
    if not Membership.objects.filter(enterprise=enterprise, user=author, ended_at__isnull=True).exists():
        raise PermissionDeniedError(
            _("Only the enterprise's contact person or staff may submit its annual report.")
        )
    if year > today.year:
        raise DomainError(_("The report for %(year)s cannot be submitted before that year.") % {"year": year})
    try:
        with transaction.atomic():
            report = AnnualReport.objects.create(
                enterprise=enterprise, year=year, submitted_by=author, **fields
            )
    except IntegrityError:
        raise ConflictError(
            _("The annual report for %(year)s was already submitted.") % {"year": year}
        ) from None
    return report


def obliged(year: int) -> Q:
    """The one rule of who must report for ``year``: an enterprise that existed (was registered or rated)
    by the year's deadline. The enterprise's deadline panel and the candidates job both use it."""
    cutoff = timezone.make_aware(datetime.datetime.combine(deadline(year), datetime.time.max))
    return Q(created_at__lte=cutoff) | Q(
        Exists(CreditEvent.objects.filter(enterprise=OuterRef("pk"), effective_date__lte=deadline(year)))
    )


def must_report(enterprise, year: int) -> bool:
    return Enterprise.objects.filter(obliged(year), pk=enterprise.pk).exists()


def owing_report(year: int):
    """Enterprises that must report for ``year`` and have not, and are not on the abnormal list."""
    return (
        Enterprise.objects.filter(obliged(year))
        .exclude(Exists(AnnualReport.objects.filter(enterprise=OuterRef("pk"), year=year)))
        .exclude(Exists(AbnormalListEntry.objects.filter(enterprise=OuterRef("pk"), removed_on__isnull=True)))
    )


def missed_deadline(year: int):
    """Enterprises that had to report for ``year`` and did not, and are not yet candidates or listed."""
    return owing_report(year).exclude(
        Exists(AnnualReportCandidate.objects.filter(enterprise=OuterRef("pk"), year=year))
    )


def record_candidate(enterprise, *, year: int, today: datetime.date) -> bool:
    """Record one missed report as a candidate (once per enterprise and year) and tell the enterprise."""
    AnnualReportCandidate.objects.create(enterprise=enterprise, year=year, found_on=today)
    notify(
        recipients.members(enterprise),
        verb="annual_report_missed",
        title=text("Annual credit report for %(year)s not received", year=year),
        body=text(
            "It was due by %(date)s. Submit it now: customs will review before any listing.",
            date=deadline(year),
        ),
        url=reverse("credit:home"),
        enterprise_id=enterprise.pk,
    )
    return True


def _locked_pending(candidate: AnnualReportCandidate) -> AnnualReportCandidate:
    candidate = (
        AnnualReportCandidate.objects.select_for_update().select_related("enterprise").get(pk=candidate.pk)
    )
    if candidate.status != AnnualReportCandidate.Status.PENDING:
        raise ConflictError(
            _("This candidate was already decided (%(status)s).") % {"status": candidate.get_status_display()}
        )
    return candidate


@transaction.atomic
def confirm_candidate(*, candidate: AnnualReportCandidate, actor, note: str = "") -> AnnualReportCandidate:
    """An officer confirms: the enterprise is put on the abnormal list for the missing report."""
    candidate = _locked_pending(candidate)
    report = AnnualReport.objects.filter(enterprise=candidate.enterprise, year=candidate.year).first()
    if report is not None:
        raise ConflictError(
            _("%(enterprise)s submitted the %(year)s report on %(date)s: dismiss the candidate instead.")
            % {
                "enterprise": candidate.enterprise,
                "year": candidate.year,
                "date": timezone.localdate(report.submitted_at),
            }
        )
    entry = list_enterprise(
        enterprise=candidate.enterprise,
        reason=AbnormalReason.ANNUAL_REPORT,
        reason_message=text(
            "Annual credit report for %(year)s not submitted by %(date)s.",
            year=candidate.year,
            date=deadline(candidate.year),
        ),
        actor=actor,
    )
    candidate.status, candidate.decided_by, candidate.decided_at = (
        AnnualReportCandidate.Status.CONFIRMED,
        actor,
        timezone.now(),
    )
    candidate.decision_note, candidate.abnormal_entry = note, entry
    candidate._history_user = actor  # type: ignore[attr-defined]
    candidate.save()
    return candidate


@transaction.atomic
def dismiss_candidate(*, candidate: AnnualReportCandidate, actor, note: str) -> AnnualReportCandidate:
    if not note.strip():
        raise DomainError(_("Say why the candidate is dismissed."))
    candidate = _locked_pending(candidate)
    candidate.status, candidate.decided_by, candidate.decided_at = (
        AnnualReportCandidate.Status.DISMISSED,
        actor,
        timezone.now(),
    )
    candidate.decision_note = note.strip()
    candidate._history_user = actor  # type: ignore[attr-defined]
    candidate.save()
    return candidate


# --- The daily job --------------------------------------------------------------------------------


def report_deadline(enterprise_id: int, year: int) -> Deadline:
    return Deadline(
        key=f"annual-report:{enterprise_id}:{year}",
        title=text("Annual credit report for %(year)s", year=year),
        due=deadline(year),
    )


def _not_reminded(queryset, year: int, step: str):
    key = Concat(Value("annual-report:"), Cast(OuterRef("pk"), CharField()), Value(f":{year}"))
    return queryset.exclude(Exists(DeadlineNotice.objects.filter(key=key, step=step)))


def send_report_reminder(enterprise, *, year: int, step: str, today: datetime.date) -> bool:
    """Remind the enterprise's people that its annual report is due (once per step)."""
    if not notice_once(report_deadline(enterprise.pk, year).key, step):
        return False
    days_left = (deadline(year) - today).days
    notify(
        recipients.members(enterprise),
        verb="annual_report_reminder",
        title=plural_text(
            "Annual credit report for %(year)s due in %(count)s day",
            "Annual credit report for %(year)s due in %(count)s days",
            days_left,
            year=year,
        ),
        body=text("Submit it on the Credit page by %(date)s.", date=deadline(year)),
        url=reverse("credit:home"),
        enterprise_id=enterprise.pk,
    )
    return True


def list_annual_report_candidates(*, today=None, batch_size=None, kill_point=None) -> JobResult:
    """Before the deadline: remind the enterprises that have not reported (ANNUAL_REPORT_REMINDER_DAYS
    before it, once each). After it: list those that missed it as candidates for an officer (they are
    told at once)."""
    today = today_or(today)
    year = report_year_due(today)
    result = JobResult("annual-reports")
    days_left = (deadline(year) - today).days
    if days_left >= 0:
        due_steps = [d for d in sorted(tunable("ANNUAL_REPORT_REMINDER_DAYS")) if days_left <= d]
        if not due_steps:
            return result
        step = str(due_steps[0])
        return run_in_batches(
            _not_reminded(owing_report(year), year, step),
            lambda enterprise: send_report_reminder(enterprise, year=year, step=step, today=today),
            result=result,
            batch_size=batch_size,
            kill_point=kill_point,
        )
    return run_in_batches(
        missed_deadline(year),
        lambda enterprise: record_candidate(enterprise, year=year, today=today),
        result=result,
        batch_size=batch_size,
        kill_point=kill_point,
    )
