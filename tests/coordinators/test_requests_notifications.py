"""Notifications go to the right people only: the enterprise's members, the pair and the handling
coordinator; never internal notes to the enterprise; never a recused coordinator; never another
enterprise; an e-mail copy through the outbox."""

import pytest

from coordination import services
from coordinators import services as coordination
from coordinators.models import RecusalReason
from portal.models import Notification, OutboxMessage
from portal.roles import Role
from tests.coordinators.requests_helpers import file_one, make_setup
from tests.factories import customs_user

pytestmark = pytest.mark.django_db


def recipients(**filters):
    return set(Notification.objects.filter(**filters).values_list("recipient_id", flat=True))


def test_a_new_request_notifies_the_pair_and_the_other_members():
    s = make_setup()
    other = make_setup()
    file_one(s)
    got = recipients(verb="request_message")
    assert got == {s.coordinator.user.pk, s.partner.user.pk, s.staff.pk}
    assert not got & {other.contact.pk, other.coordinator.user.pk, s.spare.user.pk, s.contact.pk}


def test_a_reply_notifies_the_enterprise_members_and_sends_email_through_the_outbox():
    s = make_setup()
    r = file_one(s)
    Notification.objects.all().delete()
    outbox_before = OutboxMessage.objects.count()
    services.post_message(request=r, author=s.coordinator.user, body="回复")
    assert {s.contact.pk, s.staff.pk} <= recipients(verb="request_message")
    assert OutboxMessage.objects.count() > outbox_before


def test_an_internal_note_never_notifies_the_enterprise():
    s = make_setup()
    r = file_one(s)
    Notification.objects.all().delete()
    services.post_message(request=r, author=s.coordinator.user, body="内部备注", internal=True)
    got = recipients()
    assert got == {s.partner.user.pk}


def test_a_recused_coordinator_is_not_notified():
    s = make_setup()
    coordination.declare_recusal(
        coordinator=s.partner,
        enterprise=s.enterprise,
        reason=RecusalReason.KINSHIP,
        actor=customs_user(Role.MANAGER, s.office),
    )
    r = file_one(s)
    services.post_message(request=r, author=s.contact, body="补充")
    assert s.partner.user.pk not in recipients()


def test_status_changes_notify_both_sides_but_not_the_actor():
    s = make_setup()
    r = file_one(s)
    Notification.objects.all().delete()
    services.accept(request=r, actor=s.coordinator.user)
    got = recipients(verb="request_status")
    assert {s.contact.pk, s.staff.pk, s.partner.user.pk} <= got
    assert s.coordinator.user.pk not in got
