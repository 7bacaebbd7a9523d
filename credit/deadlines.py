"""The enterprise's credit deadlines (portal.deadlines provider): re-certification, the annual credit
report, and the date from which it may apply for credit repair."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from credit.models import AnnualReport
from credit.services import annual_reports, repair
from portal.deadlines import ENTERPRISE, Deadline
from portal.messages import text


def recertification(enterprise) -> Deadline | None:
    if not enterprise.recertification_due or not (enterprise.rating_id and enterprise.rating.is_aeo):
        return None
    return Deadline(
        key=f"recertification:{enterprise.pk}:{enterprise.recertification_due.isoformat()}",
        title=text("Re-certification of the advanced certification"),
        due=enterprise.recertification_due,
        owner=ENTERPRISE,
        url=reverse("credit:home"),
        soon_days=90,
    )


def annual_report(enterprise, today=None) -> Deadline | None:
    today = today or timezone.localdate()
    year = annual_reports.report_year_due(today)
    if AnnualReport.objects.filter(enterprise=enterprise, year=year).exists():
        return None
    if not annual_reports.must_report(enterprise, year):
        return None  # registered after this year's deadline: its first report is next year's
    return Deadline(
        key=f"annual-report:{enterprise.pk}:{year}",
        title=text("Annual credit report for %(year)s", year=year),
        due=annual_reports.deadline(year),
        owner=ENTERPRISE,
        url=reverse("credit:home"),
        soon_days=30,
    )


def repair_opening(enterprise, today=None) -> Deadline | None:
    eligibility = repair.repair_eligibility(enterprise, on=today or timezone.localdate())
    if eligibility.eligible_from is None or eligibility.status == repair.Status.PENDING:
        return None
    return Deadline(
        key=f"repair:{enterprise.pk}:{eligibility.eligible_from.isoformat()}",
        title=text("Credit repair: the enterprise may apply"),
        due=eligibility.eligible_from,
        owner=ENTERPRISE,
        url=reverse("credit:home"),
        opens=True,
    )


def provide(enterprise, viewer=None) -> list[Deadline]:
    return [
        d for d in (recertification(enterprise), annual_report(enterprise), repair_opening(enterprise)) if d
    ]
