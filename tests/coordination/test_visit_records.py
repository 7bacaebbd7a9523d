"""Site-visit records: written on or after the visit's date, structured (attendees, findings, follow-up
actions with owners and due dates, files), co-signed by both coordinators and then acknowledged or
disputed by the contact person; signatures are fixed; an unsigned record escalates."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from coordination import services
from coordination.escalation import escalate_unsigned_visit_records
from coordination.models import SiteVisit, VisitSignature
from portal.exceptions import ConflictError, PermissionDeniedError
from portal.models import Escalation, Notification
from tests.world import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(world):
    request = world.file_request()
    return services.schedule_site_visit(
        request=request,
        actor=world.coordinator.user,
        coordinators=[world.coordinator, world.partner],
        scheduled_for=timezone.now() + datetime.timedelta(days=3),
        place="厂区",
        purpose="核查单证",
    )


def _write(world, visit, **kwargs):
    return services.record_site_visit(
        visit=visit,
        actor=world.coordinator.user,
        attendees="王协调\n李协调\n张经理",
        findings="单证齐全，仓储区标识不清。",
        actions=[
            {
                "description": "整改仓储区标识",
                "owner": "enterprise",
                "due_on": visit.scheduled_for.date() + datetime.timedelta(days=14),
            }
        ],
        files=[pdf("照片说明.pdf")],
        **kwargs,
    )


def test_a_visit_cannot_be_recorded_before_its_date(world, visit):
    with pytest.raises(services.RequestError, match="on or after its date"):
        _write(world, visit)
    assert SiteVisit.objects.get(pk=visit.pk).status == SiteVisit.Status.SCHEDULED


def test_both_coordinators_confirm_then_the_contact_person_acknowledges(world, visit):
    with time_machine.travel(visit.scheduled_for + datetime.timedelta(hours=2)):
        record = _write(world, visit)
        assert record.state == "coordinators" and record.actions.get().owner == "enterprise"
        assert record.attachments.get().original_name == "照片说明.pdf"
        assert Notification.objects.filter(recipient=world.partner.user, verb="visit_record").exists()
        with pytest.raises(ConflictError):  # the enterprise signs after both coordinators
            services.sign_visit_record(record=record, actor=world.contact, decision="acknowledged")
        services.sign_visit_record(record=record, actor=world.partner.user, decision="confirmed")
        assert Notification.objects.filter(recipient=world.contact, verb="visit_record").exists()
        with pytest.raises(PermissionDeniedError):
            services.sign_visit_record(record=record, actor=world.staff, decision="acknowledged")
        services.sign_visit_record(record=record, actor=world.contact, decision="acknowledged")
    record.refresh_from_db()
    assert record.state == "acknowledged"
    signatures = list(record.signatures.order_by("signed_at", "id"))
    assert [s.decision for s in signatures] == ["confirmed", "confirmed", "acknowledged"]
    assert all(s.signed_at for s in signatures)
    with pytest.raises(ConflictError):  # a signature is never changed
        services.sign_visit_record(record=record, actor=world.contact, decision="disputed", comment="改主意")


def test_the_contact_person_may_dispute_with_a_comment_only(world, visit):
    with time_machine.travel(visit.scheduled_for + datetime.timedelta(hours=2)):
        record = _write(world, visit)
        services.sign_visit_record(record=record, actor=world.partner.user, decision="confirmed")
        with pytest.raises(services.RequestError):
            services.sign_visit_record(record=record, actor=world.contact, decision="disputed")
        services.sign_visit_record(
            record=record,
            actor=world.contact,
            decision=VisitSignature.Decision.DISPUTED,
            comment="整改期限过短",
        )
    record.refresh_from_db()
    assert record.state == "disputed"
    assert Notification.objects.filter(recipient=world.coordinator.user, verb="visit_record").exists()


def test_signing_through_the_page(client, world, visit):
    with time_machine.travel(visit.scheduled_for + datetime.timedelta(hours=2)):
        _write(world, visit)
        client.force_login(world.partner.user)
        page = client.get(reverse("coordination:visit_detail", args=[visit.pk])).content.decode()
        assert 'data-testid="sign-form"' in page and "整改仓储区标识" in page
        client.post(reverse("coordination:visit_detail", args=[visit.pk]), {"decision": "confirmed"})
        client.force_login(world.contact)
        page = client.get(reverse("coordination:visit_detail", args=[visit.pk])).content.decode()
        assert 'data-state="enterprise"' in page and 'data-testid="sign-form"' in page
        client.force_login(world.other_contact)
        assert client.get(reverse("coordination:visit_detail", args=[visit.pk])).status_code == 404


def test_a_record_left_unsigned_is_escalated_once(world, visit):
    leader = world.leader
    with time_machine.travel(visit.scheduled_for + datetime.timedelta(hours=2)):
        _write(world, visit)
    with time_machine.travel(visit.scheduled_for + datetime.timedelta(days=7)):
        assert escalate_unsigned_visit_records() == 1
        assert escalate_unsigned_visit_records() == 0
    assert Escalation.objects.filter(level=1).count() == 1
    assert Notification.objects.filter(recipient=leader, verb="escalation").exists()
