"""Annual credit reports: submission in the portal, and the yearly deadline job that lists missing
reports as abnormal-list *candidates* — an officer confirms before any enterprise is listed."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import translation

from credit.models import AbnormalListEntry, AnnualReport, AnnualReportCandidate
from credit.services import annual_reports
from portal.exceptions import ConflictError, PermissionDeniedError
from portal.models import Notification
from tests.factories import UserFactory, customs_user, member, rated_enterprise

TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), tzinfo=TZ), tick=False)


def test_default_deadline_is_30_june(settings):
    settings.GUANQI = {k: v for k, v in settings.GUANQI.items() if k != "ANNUAL_REPORT_DEADLINE"}
    assert annual_reports.deadline(2026) == datetime.date(2026, 6, 30)


@pytest.mark.django_db
def test_missing_report_after_the_deadline_makes_a_candidate_not_a_listing():
    with at(datetime.date(2026, 1, 5)):
        late = rated_enterprise("regular", on=datetime.date(2026, 1, 5))
        diligent = rated_enterprise("regular", on=datetime.date(2026, 1, 5))
        annual_reports.submit_annual_report(enterprise=diligent, author=member(diligent))
    with at(datetime.date(2026, 6, 30)):
        annual_reports.list_annual_report_candidates()
        assert not AnnualReportCandidate.objects.exists()  # still within the deadline: reminded, not listed
    with at(datetime.date(2026, 7, 1)):
        result = annual_reports.list_annual_report_candidates()
        again = annual_reports.list_annual_report_candidates()
    assert (result.processed, again.processed) == (1, 0)
    candidate = AnnualReportCandidate.objects.get()
    assert (candidate.enterprise, candidate.year, candidate.status) == (late, 2026, "pending")
    # An officer confirms each candidate (docs/DOMAIN.md): the job itself lists nobody.
    assert not AbnormalListEntry.objects.exists()


@pytest.mark.django_db
def test_enterprises_that_have_not_reported_are_reminded_30_and_7_days_before_the_deadline():
    with at(datetime.date(2026, 1, 5)):
        late = rated_enterprise("regular", on=datetime.date(2026, 1, 5))
        contact = member(late)
        diligent = rated_enterprise("regular", on=datetime.date(2026, 1, 5))
        diligent_contact = member(diligent)
        annual_reports.submit_annual_report(enterprise=diligent, author=diligent_contact)

    def reminders(user):
        return Notification.objects.filter(recipient=user, verb="annual_report_reminder").count()

    with at(datetime.date(2026, 5, 20)):  # 41 days before: nothing yet
        annual_reports.list_annual_report_candidates()
    assert reminders(contact) == 0
    with at(datetime.date(2026, 6, 2)):  # 28 days before: the 30-day reminder, once
        assert annual_reports.list_annual_report_candidates().processed == 1
        assert annual_reports.list_annual_report_candidates().processed == 0
    assert reminders(contact) == 1 and reminders(diligent_contact) == 0
    with at(datetime.date(2026, 6, 25)):  # 5 days before: the 7-day reminder
        annual_reports.list_annual_report_candidates()
    assert reminders(contact) == 2
    notification = Notification.objects.filter(recipient=contact, verb="annual_report_reminder").first()
    with translation.override("en"):
        assert notification.title == "Annual credit report for 2026 due in 5 days"


@pytest.mark.django_db
def test_officer_confirmation_lists_the_enterprise_for_the_missing_report():
    with at(datetime.date(2026, 1, 5)):
        enterprise = rated_enterprise("regular", on=datetime.date(2026, 1, 5))
    with at(datetime.date(2026, 7, 2)):
        annual_reports.list_annual_report_candidates()
        officer = customs_user("customs_officer", enterprise.local_customs)
        candidate = annual_reports.confirm_candidate(
            candidate=AnnualReportCandidate.objects.get(), actor=officer
        )
    entry = AbnormalListEntry.objects.get(enterprise=enterprise)
    assert (entry.reason, entry.listed_on, candidate.abnormal_entry) == (
        "annual_report",
        datetime.date(2026, 7, 2),
        entry,
    )
    assert candidate.status == "confirmed" and candidate.decided_by == officer


@pytest.mark.django_db
def test_a_report_received_before_the_officer_decides_prevents_the_listing():
    with at(datetime.date(2026, 1, 5)):
        enterprise = rated_enterprise("regular", on=datetime.date(2026, 1, 5))
    with at(datetime.date(2026, 7, 2)):
        annual_reports.list_annual_report_candidates()
        annual_reports.submit_annual_report(enterprise=enterprise, author=member(enterprise))
        officer = customs_user("customs_officer", enterprise.local_customs)
        with pytest.raises(ConflictError):
            annual_reports.confirm_candidate(candidate=AnnualReportCandidate.objects.get(), actor=officer)
    assert not AbnormalListEntry.objects.exists()


@pytest.mark.django_db
def test_only_members_submit_and_only_once_a_year():
    enterprise = rated_enterprise("regular")
    with pytest.raises(PermissionDeniedError):
        annual_reports.submit_annual_report(enterprise=enterprise, author=UserFactory())
    contact = member(enterprise)
    annual_reports.submit_annual_report(enterprise=enterprise, author=contact)
    with pytest.raises(ConflictError):
        annual_reports.submit_annual_report(enterprise=enterprise, author=contact)
    assert AnnualReport.objects.count() == 1


@pytest.mark.django_db
def test_an_enterprise_registered_after_the_deadline_is_not_a_candidate():
    with at(datetime.date(2026, 8, 1)):
        rated_enterprise("regular", on=datetime.date(2026, 8, 1))
        assert annual_reports.list_annual_report_candidates().processed == 0
