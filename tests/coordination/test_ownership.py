"""Ownership follows the rules: recusal, disqualification, a lapsed qualification and an accepted transfer
move the open work — handlers, the lead, scheduled visits, what the bell said — in the same transaction,
and after a transfer exactly one office acts."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from coordination import access, services
from coordination.models import RequestHandler, SiteVisit
from coordinators import services as coordinators
from coordinators.models import Coordinator, PairAssignment, QualificationNotice, RecusalReason
from portal.exceptions import PermissionDeniedError
from portal.models import Notification
from supervision import selectors as dashboard

pytestmark = pytest.mark.django_db


def _visit(world, request, when=None):
    return services.schedule_site_visit(
        request=request,
        actor=world.coordinator.user,
        coordinators=[world.coordinator, world.partner],
        scheduled_for=when or timezone.now() + datetime.timedelta(days=3),
        place="厂区",
        purpose="核查单证",
    )


def _active_handlers(request):
    return set(
        RequestHandler.objects.filter(request=request, ended_at__isnull=True).values_list(
            "coordinator_id", flat=True
        )
    )


def test_recusal_hands_the_open_work_to_the_substitute(world):
    request = world.file_request()
    services.accept(request=request, actor=world.coordinator.user)
    visit = _visit(world, request)
    services.post_message(request=request, author=world.contact, body="补充说明")
    assert Notification.objects.filter(recipient=world.coordinator.user).exists()

    outcome = coordinators.declare_recusal(
        coordinator=world.coordinator,
        enterprise=world.enterprise,
        reason=RecusalReason.KINSHIP,
        actor=world.manager,
    )

    substitute = world.spare
    assert outcome.new_pair is not None and set(outcome.new_pair.coordinators) == {world.partner, substitute}
    request.refresh_from_db()
    assert _active_handlers(request) == {world.partner.pk, substitute.pk}
    assert RequestHandler.objects.get(request=request, coordinator=world.coordinator).end_reason == "recusal"
    assert request.lead == substitute
    visit.refresh_from_db()
    assert visit.status == SiteVisit.Status.SCHEDULED and {visit.coordinator_a, visit.coordinator_b} == {
        world.partner,
        substitute,
    }
    # What the bell had told the recused coordinator about the enterprise (request text, notes) is gone.
    assert not Notification.objects.filter(
        recipient=world.coordinator.user, enterprise_id=world.enterprise.pk
    ).exists()
    # The enterprise is told who its coordinators are now.
    assert Notification.objects.filter(recipient=world.contact, verb="pair_changed").exists()


def test_recusal_without_a_substitute_cancels_the_visit_and_says_so(world):
    office = world.other_office
    a, b = world.new_coordinator(office=office), world.new_coordinator(office=office)
    enterprise = world.new_paired_enterprise(a, b, office=office)
    contact = world.new_contact(enterprise)
    request = services.file_request(
        enterprise=enterprise, author=contact, service_type="consulting", subject="现场核查", description="d"
    )
    visit = services.schedule_site_visit(
        request=request,
        actor=a.user,
        coordinators=[a, b],
        scheduled_for=timezone.now() + datetime.timedelta(days=2),
        place="仓库",
        purpose="核查",
    )
    coordinators.declare_recusal(
        coordinator=a, enterprise=enterprise, reason=RecusalReason.KINSHIP, actor=world.manager
    )
    visit.refresh_from_db()
    assert visit.status == SiteVisit.Status.CANCELLED
    assert "cancelled" in request.messages.order_by("-id").first().text
    assert _active_handlers(request) == set()


def test_the_dashboard_no_longer_credits_a_recused_coordinator(world):
    request = world.file_request(now=timezone.now() - datetime.timedelta(days=20))
    scope = dashboard.scope_for(world.manager)

    def overdue(coordinator):
        row = dashboard.with_overdue_counts(Coordinator.objects.filter(pk=coordinator.pk), scope).get()
        return row.overdue_open

    assert overdue(world.coordinator) == 1
    coordinators.declare_recusal(
        coordinator=world.coordinator,
        enterprise=world.enterprise,
        reason=RecusalReason.KINSHIP,
        actor=world.manager,
    )
    assert overdue(world.coordinator) == 0
    assert overdue(world.spare) == 1
    assert request.pk


def test_after_an_accepted_transfer_only_the_receiving_office_acts(world):
    request = world.file_request()
    services.accept(request=request, actor=world.coordinator.user)
    receiving = world.new_coordinator(office=world.other_office)
    services.transfer(
        request=request, actor=world.coordinator.user, reason="属地管辖", to_office=world.other_office
    )
    services.accept_transfer(request=request, actor=receiving.user)
    request.refresh_from_db()
    assert _active_handlers(request) == {receiving.pk}
    assert request.lead == receiving
    for old in (world.coordinator, world.partner):
        assert not access.can_handle(old.user, request)
        with pytest.raises(PermissionDeniedError):
            services.resolve(request=request, actor=old.user, summary="已解决")
        with pytest.raises(PermissionDeniedError):
            services.transfer(request=request, actor=old.user, reason="再转", to_office=world.office)
    services.resolve(request=request, actor=receiving.user, summary="已由接收关区解决")
    request.refresh_from_db()
    assert request.status == "resolved"


def test_a_lapsing_qualification_is_announced_and_a_lapsed_one_is_taken_off_the_pairs(world):
    coordinator, partner, spare = world.coordinator, world.partner, world.spare
    enterprise, manager = world.enterprise, world.manager
    Coordinator.objects.filter(pk=coordinator.pk).update(
        qualification_valid_until=timezone.localdate() + datetime.timedelta(days=10)
    )
    coordinator.refresh_from_db()
    result = coordinators.check_qualifications()
    assert result.processed == 1
    assert Notification.objects.filter(recipient=coordinator.user, verb="qualification_lapsing").count() == 1
    assert Notification.objects.filter(recipient=manager, verb="qualification_lapsing").count() == 1
    assert coordinators.check_qualifications().processed == 0  # warned once

    with time_machine.travel(timezone.now() + datetime.timedelta(days=12)):
        assert coordinators.check_qualifications().processed == 1
        assert coordinators.check_qualifications().processed == 0
    pair = PairAssignment.objects.active().get(enterprise=enterprise)
    assert set(pair.coordinators) == {partner, spare}
    ended = PairAssignment.objects.get(
        enterprise=enterprise, ended_on__isnull=False, coordinator_a__in=[coordinator, partner]
    )
    assert ended.end_reason == PairAssignment.EndReason.QUALIFICATION_LAPSED
    assert QualificationNotice.objects.filter(coordinator=coordinator, kind="lapsed").count() == 1
    assert Notification.objects.filter(recipient=world.manager, verb="qualification_lapsed").exists()
