"""Notifications go to the right people only: the enterprise's members, the pair and the handling
coordinator; never internal notes to the enterprise; never a recused coordinator; never another
enterprise; an e-mail copy through the outbox."""

import pytest

from coordination import services
from coordinators import services as coordination
from coordinators.models import RecusalReason
from portal.models import Notification, OutboxMessage

pytestmark = pytest.mark.django_db


def recipients(**filters):
    return set(Notification.objects.filter(**filters).values_list("recipient_id", flat=True))


def test_a_new_request_notifies_the_pair_and_the_other_members(world):
    other = world.new_party()
    world.file_request()
    got = recipients(verb="request_message")
    assert got == {world.coordinator.user.pk, world.partner.user.pk, world.staff.pk}
    assert not got & {other.contact.pk, other.coordinator.user.pk, world.spare.user.pk, world.contact.pk}


def test_a_reply_notifies_the_enterprise_members_and_sends_email_through_the_outbox(world):
    r = world.file_request()
    Notification.objects.all().delete()
    outbox_before = OutboxMessage.objects.count()
    services.post_message(request=r, author=world.coordinator.user, body="回复")
    assert {world.contact.pk, world.staff.pk} <= recipients(verb="request_message")
    assert OutboxMessage.objects.count() > outbox_before


def test_an_internal_note_never_notifies_the_enterprise(world):
    r = world.file_request()
    Notification.objects.all().delete()
    services.post_message(request=r, author=world.coordinator.user, body="内部备注", internal=True)
    got = recipients()
    assert got == {world.partner.user.pk}


def test_a_recused_coordinator_is_not_notified(world):
    coordination.declare_recusal(
        coordinator=world.partner,
        enterprise=world.enterprise,
        reason=RecusalReason.KINSHIP,
        actor=world.manager,
    )
    r = world.file_request()
    services.post_message(request=r, author=world.contact, body="补充")
    assert world.partner.user.pk not in recipients()


def test_status_changes_notify_both_sides_but_not_the_actor(world):
    r = world.file_request()
    Notification.objects.all().delete()
    services.accept(request=r, actor=world.coordinator.user)
    got = recipients(verb="request_status")
    assert {world.contact.pk, world.staff.pk, world.partner.user.pk} <= got
    assert world.coordinator.user.pk not in got
