"""The request state machine: every allowed transition, refusals of illegal ones, the history rows."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from coordination import services, states
from coordination.models import RequestStatus, RequestTransfer
from portal.exceptions import ConflictError, PermissionDeniedError
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db
S = RequestStatus


def actions(request):
    return list(request.transitions.values_list("action", "from_status", "to_status"))


def test_filing_records_a_submitted_transition_and_the_pair_as_handlers(world):
    r = world.file_request()
    assert r.status == S.SUBMITTED
    assert actions(r) == [("file", "", S.SUBMITTED)]
    assert set(r.handlers.values_list("coordinator_id", flat=True)) == {
        world.coordinator.pk,
        world.partner.pk,
    }
    assert r.first_office_id == r.responsible_office_id == world.enterprise.local_customs_id


def test_staff_may_file_a_request(world):
    assert world.file_request(author=world.staff).filed_by == world.staff


def test_accept_moves_submitted_to_accepted_and_sets_the_lead(world):
    r = services.accept(request=world.file_request(), actor=world.coordinator.user)
    assert r.status == S.ACCEPTED and r.lead == world.coordinator


def test_accepting_is_not_a_first_response_but_a_message_to_the_enterprise_is(world):
    r = services.accept(request=world.file_request(), actor=world.coordinator.user)
    assert r.first_responded_at is None and r.running_clock == "first_response"
    assert r.next_due == r.first_response_due
    services.post_message(request=r, author=world.coordinator.user, body="内部核对", internal=True)
    r.refresh_from_db()
    assert r.first_responded_at is None  # an internal note is not a response either
    services.post_message(request=r, author=world.coordinator.user, body="已收到，正在核实。")
    r.refresh_from_db()
    assert r.first_responded_at is not None and r.running_clock == "resolution"
    assert r.next_due == r.resolution_due


def test_the_workspace_puts_an_overdue_first_response_before_a_later_resolution(world):
    from coordination import selectors

    late_answer = world.file_request(subject="尚未答复")
    answered = world.file_request(subject="已答复")
    services.post_message(request=answered, author=world.coordinator.user, body="收到")
    # The unanswered request's first response is due long before the answered one's resolution.
    queue = selectors.workspace_queue(world.coordinator.user, sort="due").items
    assert [r.pk for r in queue][:2] == [late_answer.pk, answered.pk]


def test_a_customs_reply_accepts_and_starts_work(world):
    r = world.file_request()
    services.post_message(request=r, author=world.partner.user, body="收到")
    r.refresh_from_db()
    assert r.status == S.IN_PROGRESS
    assert [a for a, _f, _t in actions(r)] == ["file", "accept", "start"]


def test_ask_for_information_pauses_and_an_enterprise_reply_resumes(world):
    r = services.accept(request=world.file_request(), actor=world.coordinator.user)
    r = services.ask_for_information(request=r, actor=world.coordinator.user, question="请提供报关单号")
    assert r.status == S.AWAITING_ENTERPRISE and r.paused_at is not None
    services.post_message(request=r, author=world.staff, body="110120261000001")
    r.refresh_from_db()
    assert r.status == S.IN_PROGRESS and r.paused_at is None


def test_resolve_confirm_and_rate(world):
    r = services.accept(request=world.file_request(), actor=world.coordinator.user)
    r = services.resolve(request=r, actor=world.coordinator.user, summary="已解决")
    assert r.status == S.RESOLVED and r.resolved_at is not None
    r = services.confirm_resolution(request=r, actor=world.contact, rating=4, comment="好")
    assert r.status == S.CLOSED and r.rating == 4 and r.closed_at is not None


@pytest.mark.parametrize("rating", [0, 6, "x", None])
def test_rating_outside_1_to_5_is_refused(world, rating):
    r = services.resolve(
        request=services.accept(request=world.file_request(), actor=world.coordinator.user),
        actor=world.coordinator.user,
        summary="ok",
    )
    with pytest.raises(services.RequestError):
        services.confirm_resolution(request=r, actor=world.contact, rating=rating)
    r.refresh_from_db()
    assert r.status == S.RESOLVED


def test_reject_needs_a_reason(world):
    r = world.file_request()
    with pytest.raises(ConflictError):
        services.reject(request=r, actor=world.coordinator.user, reason=" ")
    r = services.reject(request=r, actor=world.coordinator.user, reason="不属于协调员服务范围")
    assert r.status == S.REJECTED
    assert r.transitions.last().note == "不属于协调员服务范围"


def test_contact_person_withdraws(world):
    r = services.withdraw(request=world.file_request(), actor=world.contact, reason="已解决")
    assert r.status == S.WITHDRAWN


def test_staff_cannot_withdraw_confirm_or_reopen(world):
    """Our reading (docs/DOMAIN.md, "Roles"): staff file, reply and see; only the contact person
    withdraws, confirms, rates and reopens."""
    r = world.file_request(author=world.staff)
    with pytest.raises(PermissionDeniedError):
        services.withdraw(request=r, actor=world.staff)
    r = services.resolve(
        request=services.accept(request=r, actor=world.coordinator.user),
        actor=world.coordinator.user,
        summary="ok",
    )
    with pytest.raises(PermissionDeniedError):
        services.confirm_resolution(request=r, actor=world.staff, rating=5)
    with pytest.raises(PermissionDeniedError):
        services.reopen(request=r, actor=world.staff, reason="没解决")
    r.refresh_from_db()
    assert r.status == S.RESOLVED


def test_staff_can_reply(world):
    r = world.file_request()
    message = services.post_message(request=r, author=world.staff, body="补充材料")
    assert message.from_customs is False


def test_reopen_within_the_window(world):
    r = services.resolve(
        request=services.accept(request=world.file_request(), actor=world.coordinator.user),
        actor=world.coordinator.user,
        summary="ok",
    )
    r = services.confirm_resolution(request=r, actor=world.contact, rating=2)
    r = services.reopen(request=r, actor=world.contact, reason="问题再次出现")
    assert r.status == S.IN_PROGRESS and r.rating is None and r.resolved_at is None


def test_reopen_after_the_window_is_refused(world, settings):
    settings.GUANQI = {**settings.GUANQI, "REOPEN_WINDOW_DAYS": 15}
    r = services.resolve(
        request=services.accept(request=world.file_request(), actor=world.coordinator.user),
        actor=world.coordinator.user,
        summary="ok",
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(days=16)), pytest.raises(ConflictError):
        services.reopen(request=r, actor=world.contact, reason="再次出现")
    r.refresh_from_db()
    assert r.status == S.RESOLVED


def test_reopen_window_default_is_15_days():
    from portal.conf import tunable

    assert tunable("REOPEN_WINDOW_DAYS") == 15


def test_illegal_transition_is_refused_with_a_clear_message(world):
    r = world.file_request()
    with pytest.raises(ConflictError) as exc:
        services.resolve(
            request=services.withdraw(request=r, actor=world.contact),
            actor=world.coordinator.user,
            summary="x",
        )
    assert "Withdrawn" in str(exc.value) or "撤回" in str(exc.value) or "withdrawn" in str(exc.value).lower()
    assert r.transitions.count() == 2


def test_confirm_before_resolution_is_refused(world):
    with pytest.raises(ConflictError):
        services.confirm_resolution(request=world.file_request(), actor=world.contact, rating=5)


def test_enterprise_cannot_take_customs_actions(world):
    r = world.file_request()
    with pytest.raises(PermissionDeniedError):
        services.accept(request=r, actor=world.contact)
    with pytest.raises(PermissionDeniedError):
        services.resolve(request=r, actor=world.contact, summary="自己解决")


def test_enterprise_cannot_write_internal_notes(world):
    with pytest.raises(PermissionDeniedError):
        services.post_message(request=world.file_request(), author=world.contact, body="x", internal=True)


def test_internal_note_changes_no_status(world):
    r = world.file_request()
    services.post_message(request=r, author=world.coordinator.user, body="内部：需查验科确认", internal=True)
    r.refresh_from_db()
    assert r.status == S.SUBMITTED and r.first_responded_at is None


def test_transfer_keeps_the_first_office_responsible_until_accepted(world):
    other = world.other_office
    r = world.file_request()
    transfer = services.transfer(request=r, actor=world.coordinator.user, reason="属地管理", to_office=other)
    r.refresh_from_db()
    assert r.status == S.TRANSFERRED and r.responsible_office == world.office and r.pending_office == other
    assert transfer.outcome == RequestTransfer.Outcome.PENDING
    receiver = world.new_coordinator(other)
    r = services.accept_transfer(request=r, actor=receiver.user)
    assert r.status == S.ACCEPTED and r.responsible_office == other and r.first_office == world.office
    assert r.pending_office is None and r.lead == receiver


def test_only_the_receiving_office_accepts_a_transfer(world):
    other = world.other_office
    r = world.file_request()
    services.transfer(request=r, actor=world.coordinator.user, reason="属地管理", to_office=other)
    with pytest.raises(PermissionDeniedError):
        services.accept_transfer(request=r, actor=world.partner.user)


def test_declined_transfer_returns_to_the_responsible_office(world):
    other = world.other_office
    r = world.file_request()
    services.transfer(request=r, actor=world.coordinator.user, reason="属地管理", to_office=other)
    receiver = world.new_coordinator(other)
    r = services.decline_transfer(request=r, actor=receiver.user, reason="不属于本关区")
    assert r.status == S.IN_PROGRESS and r.responsible_office == world.office and r.pending_office is None
    assert r.transfers.get().outcome == RequestTransfer.Outcome.DECLINED


def test_transfer_to_a_department(world):
    department = DepartmentFactory(district=world.office.district)
    r = world.file_request()
    services.transfer(request=r, actor=world.coordinator.user, reason="政策解释", to_department=department)
    r.refresh_from_db()
    assert r.pending_department == department


def test_transfer_needs_exactly_one_target(world):
    with pytest.raises(services.RequestError):
        services.transfer(request=world.file_request(), actor=world.coordinator.user, reason="x")


def test_nothing_is_deleted_the_history_is_complete(world):
    r = services.accept(request=world.file_request(), actor=world.coordinator.user)
    r = services.ask_for_information(request=r, actor=world.coordinator.user, question="?")
    services.post_message(request=r, author=world.contact, body="!")
    r = services.resolve(request=r, actor=world.coordinator.user, summary="ok")
    r = services.confirm_resolution(request=r, actor=world.contact, rating=5)
    assert [t[2] for t in actions(r)] == [
        S.SUBMITTED,
        S.ACCEPTED,
        S.AWAITING_ENTERPRISE,
        S.IN_PROGRESS,
        S.RESOLVED,
        S.CLOSED,
    ]
    assert all(t.actor_id for t in r.transitions.all())


def test_convert_to_appeal_closes_with_a_note(world):
    r = services.mark_converted_to_appeal(
        request=world.file_request(service_type="appeals"), actor=world.coordinator.user, appeal_id=42
    )
    assert r.status == S.CLOSED and r.converted_appeal_id == 42
    assert "42" in r.transitions.last().note_text
    with pytest.raises(ConflictError):
        services.mark_converted_to_appeal(request=r, actor=world.coordinator.user, appeal_id=43)


def test_available_actions_follow_the_table_and_the_role(world):
    r = world.file_request()
    assert {a.name for a in states.available_actions(r, world.coordinator.user)} == {
        "accept",
        "reject",
        "transfer",
    }
    assert {a.name for a in states.available_actions(r, world.contact)} == {"withdraw"}
    assert states.available_actions(r, world.staff) == []


def test_every_status_is_reachable_in_the_table():
    targets = {a.target for a in states.ACTIONS.values()} | {S.SUBMITTED}
    assert targets == set(S.values)


def test_non_aeo_enterprise_cannot_file(world):
    enterprise = world.new_enterprise("regular")
    with pytest.raises(services.RequestError):
        services.file_request(
            enterprise=enterprise,
            author=world.new_contact(enterprise),
            service_type="consulting",
            subject="x",
            description="y",
        )


def test_a_user_of_another_enterprise_cannot_file_for_this_one(world):
    other = world.new_party()
    with pytest.raises(PermissionDeniedError):
        world.file_request(author=other.contact)


def test_contact_person_may_convert_to_appeal_but_staff_may_not(world):
    r = world.file_request(service_type="appeals")
    with pytest.raises(PermissionDeniedError):
        services.mark_converted_to_appeal(request=r, actor=world.staff, appeal_id=7)
    r = services.mark_converted_to_appeal(request=r, actor=world.contact, appeal_id=7)
    assert r.status == S.CLOSED
