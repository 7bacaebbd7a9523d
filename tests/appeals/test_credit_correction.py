"""An upheld appeal against a credit decision leads the officer to record the correcting credit event
from the appeal; the enterprise sees its rating restored and is told."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from appeals import services
from appeals.models import AppealEvent
from credit.models import CreditEventReason
from credit.services import raise_bars, record_credit_event
from portal.exceptions import ConflictError, DomainError, PermissionDeniedError
from portal.models import Notification
from tests.factories import rating

pytestmark = pytest.mark.django_db


def _downgraded_and_appealed(world, *, outcome="upheld"):
    """The world's advanced-certified enterprise, downgraded by the gift rule (which bars a raise for a
    year), appeals the downgrade; the officer decides it with ``outcome``."""
    downgrade = record_credit_event(
        enterprise=world.enterprise,
        to_rating=rating("regular"),
        effective_date=timezone.localdate(),
        reason=CreditEventReason.GIFT_RULE,
        actor=world.officer,
    )
    appeal = world.file_appeal(credit_event=downgrade)
    services.decide_appeal(
        appeal=appeal, outcome=outcome, reasons="No gift was offered.", actor=world.officer
    )
    appeal.refresh_from_db()
    return appeal, downgrade


def test_the_officer_records_the_correction_from_the_upheld_appeal_in_the_admin(world, client):
    appeal, downgrade = _downgraded_and_appealed(world)
    assert raise_bars(world.enterprise, on=timezone.localdate(), for_certification=False)  # the gift bar
    client.force_login(world.officer)
    change = client.get(reverse("admin:appeals_appeal_change", args=[appeal.pk])).content.decode()
    assert 'data-testid="correction-pending"' in change
    url = reverse("admin:appeals_appeal_correct_credit", args=[appeal.pk])
    assert 'data-testid="appeal-correct-credit"' in change and url in change

    form = client.get(url)
    assert form.status_code == 200
    # The rating the downgrade took away is proposed.
    assert form.context["form"].initial["to_rating"] == rating("advanced_certified").pk
    assert world.enterprise.credit_events.count() == 2  # nothing recorded by looking

    response = client.post(
        url,
        {
            "apply": "yes",
            "to_rating": rating("advanced_certified").pk,
            "effective_date": timezone.localdate().isoformat(),
            "reasons": "The downgrade is withdrawn.",
        },
    )
    assert response.status_code == 302
    appeal.refresh_from_db()
    world.enterprise.refresh_from_db()
    event = appeal.correcting_event
    assert event is not None and event.reason == CreditEventReason.APPEAL_CORRECTION
    assert world.enterprise.rating == rating("advanced_certified")
    assert event.from_rating == downgrade.to_rating and event.actor == world.officer
    assert AppealEvent.objects.filter(appeal=appeal, kind="credit_correction", actor=world.officer).exists()
    note = Notification.objects.get(recipient=world.contact, verb="appeal_credit_corrected")
    assert str(appeal.pk) in note.title

    # The button is gone; the enterprise reads the correction on its appeal.
    change = client.get(reverse("admin:appeals_appeal_change", args=[appeal.pk])).content.decode()
    assert 'data-testid="appeal-correct-credit"' not in change
    client.force_login(world.contact)
    detail = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert 'data-testid="credit-correction"' in detail


def test_a_correction_is_recorded_once(world):
    appeal, _ = _downgraded_and_appealed(world)
    services.correct_credit_decision(
        appeal=appeal,
        to_rating=rating("advanced_certified"),
        effective_date=timezone.localdate(),
        reasons="Withdrawn.",
        actor=world.officer,
    )
    with pytest.raises(ConflictError):
        services.correct_credit_decision(
            appeal=appeal,
            to_rating=rating("advanced_certified"),
            effective_date=timezone.localdate(),
            reasons="Again.",
            actor=world.officer,
        )
    assert world.enterprise.credit_events.filter(reason="appeal_correction").count() == 1


def test_a_rejected_appeal_leads_to_no_correction_and_the_admin_says_so(world, client):
    appeal, _ = _downgraded_and_appealed(world, outcome="rejected")
    with pytest.raises(DomainError):
        services.correct_credit_decision(
            appeal=appeal,
            to_rating=rating("advanced_certified"),
            effective_date=timezone.localdate(),
            reasons="No.",
            actor=world.officer,
        )
    client.force_login(world.officer)
    url = reverse("admin:appeals_appeal_correct_credit", args=[appeal.pk])
    response = client.post(
        url,
        {"apply": "yes", "to_rating": rating("advanced_certified").pk, "effective_date": "", "reasons": "x"},
        follow=True,
    )
    assert "awaits no credit correction" in response.content.decode()
    world.enterprise.refresh_from_db()
    assert world.enterprise.rating == rating("regular")


def test_bad_input_is_refused_on_the_form_and_changes_nothing(world, client):
    appeal, _ = _downgraded_and_appealed(world)
    client.force_login(world.officer)
    url = reverse("admin:appeals_appeal_correct_credit", args=[appeal.pk])
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    for data in (
        {"to_rating": rating("advanced_certified").pk, "effective_date": future, "reasons": "x"},
        {"to_rating": rating("advanced_certified").pk, "effective_date": "2026/12/40", "reasons": "x"},
        {"to_rating": "", "effective_date": timezone.localdate().isoformat(), "reasons": "x"},
        {
            "to_rating": rating("advanced_certified").pk,
            "effective_date": timezone.localdate().isoformat(),
            "reasons": " ",
        },
    ):
        response = client.post(url, {"apply": "yes", **data})
        assert response.status_code == 200 and response.context["form"].errors
    appeal.refresh_from_db()
    assert appeal.correcting_event is None


def test_only_staff_who_may_triage_and_record_credit_events_correct(world, client):
    appeal, _ = _downgraded_and_appealed(world)
    for outsider in (world.coordinator.user, world.foreign_officer, world.contact):
        with pytest.raises(PermissionDeniedError):
            services.correct_credit_decision(
                appeal=appeal,
                to_rating=rating("advanced_certified"),
                effective_date=timezone.localdate(),
                reasons="x",
                actor=outsider,
            )
    client.force_login(world.foreign_officer)
    url = reverse("admin:appeals_appeal_correct_credit", args=[appeal.pk])
    client.post(
        url,
        {
            "apply": "yes",
            "to_rating": rating("advanced_certified").pk,
            "effective_date": timezone.localdate().isoformat(),
            "reasons": "x",
        },
    )
    appeal.refresh_from_db()
    assert appeal.correcting_event is None


def test_the_abnormal_list_still_bars_a_correction_that_raises_the_rating(world):
    from credit.services.abnormal_list import list_enterprise

    appeal, _ = _downgraded_and_appealed(world)
    list_enterprise(
        enterprise=world.enterprise, reason="unreachable", listed_on=timezone.localdate(), actor=world.officer
    )
    with pytest.raises(DomainError):
        services.correct_credit_decision(
            appeal=appeal,
            to_rating=rating("advanced_certified"),
            effective_date=timezone.localdate(),
            reasons="Withdrawn.",
            actor=world.officer,
        )
    appeal.refresh_from_db()
    assert appeal.correcting_event is None
