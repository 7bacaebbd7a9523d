"""The enterprise's credit page: rating, due date, history, abnormal list, annual report form and repair
eligibility with its reason and date; only for the enterprise's own members."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from credit.models import AnnualReport, CreditEventReason, RepairApplication, UntrustworthyCause
from credit.services import record_credit_event, repair
from tests.factories import customs_user, member, rated_enterprise, rating

pytestmark = pytest.mark.django_db


def untrustworthy_for_fines(days_ago: int):
    today = timezone.localdate()
    enterprise = rated_enterprise("regular", on=today - datetime.timedelta(days=days_ago + 10))
    event = record_credit_event(
        enterprise=enterprise,
        to_rating=rating("untrustworthy"),
        effective_date=today - datetime.timedelta(days=days_ago),
        reason=CreditEventReason.DOWNGRADE,
    )
    repair.record_cause(event=event, cause=UntrustworthyCause.FINES, actor=None)
    enterprise.refresh_from_db()
    return enterprise


def test_the_page_shows_rating_due_date_and_history(client, django_assert_max_num_queries):
    enterprise = rated_enterprise("advanced_certified")
    client.force_login(member(enterprise))
    with django_assert_max_num_queries(30):
        page = client.get(reverse("credit:home")).content.decode()
    assert str(enterprise.rating) in page
    assert f"{enterprise.recertification_due:%Y-%m-%d}" in page
    assert 'data-testid="credit-events"' in page


def test_a_member_submits_the_annual_report_from_the_page(client):
    enterprise = rated_enterprise("regular")
    client.force_login(member(enterprise))
    response = client.post(
        reverse("credit:submit_report"),
        {"operating_normally": "on", "registration_unchanged": "on", "statement": "All normal."},
    )
    assert response.status_code == 302
    assert AnnualReport.objects.get(enterprise=enterprise).statement == "All normal."


def test_repair_eligibility_is_shown_with_its_reason_and_date_and_the_member_applies(client):
    enterprise = untrustworthy_for_fines(200)
    client.force_login(member(enterprise))
    page = client.get(reverse("credit:home")).content.decode()
    eligibility = repair.repair_eligibility(enterprise)
    assert eligibility.eligible
    assert f"{eligibility.eligible_from:%Y-%m-%d}" in page and 'data-testid="apply-repair"' in page
    client.post(reverse("credit:apply_repair"), {"statement": "Fines paid in full."})
    assert RepairApplication.objects.get(enterprise=enterprise).status == "pending"


def test_an_enterprise_still_waiting_sees_the_date_and_no_form(client):
    enterprise = untrustworthy_for_fines(30)
    client.force_login(member(enterprise))
    page = client.get(reverse("credit:home")).content.decode()
    assert 'data-testid="repair-date"' in page and 'data-testid="apply-repair"' not in page
    response = client.post(reverse("credit:apply_repair"), {"statement": "Please."})
    assert response.status_code == 400
    assert not RepairApplication.objects.exists()


def test_customs_staff_are_led_to_their_enterprises_instead_of_an_enterprise_credit_page(client):
    """Customs staff have no enterprise of their own: the enterprise-side credit page sends them to the
    enterprises they may see, whose files show the credit history."""
    enterprise = rated_enterprise("regular")
    client.force_login(customs_user("customs_officer", enterprise.local_customs))
    assert client.get(reverse("credit:home"))["Location"] == reverse("enterprises:mine")
