"""Nothing is lost when Redis is down: filing an appeal still succeeds, its notification e-mail waits in
the outbox, and the drain delivers it once Redis is back. A REAL redis-server is stopped and restarted."""

from __future__ import annotations

import pytest

from appeals.models import Appeal
from portal import outbox
from portal.models import OutboxMessage

pytestmark = pytest.mark.django_db


def test_an_appeal_filed_while_redis_is_down_is_saved_and_its_notice_delivered_when_redis_is_back(
    world, dedicated_redis, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = world.file_appeal("penalty", subject="Filed while Redis is up")
    assert dedicated_redis.queue_length() == 1  # the leader's e-mail went straight to the broker

    dedicated_redis.stop()
    with django_capture_on_commit_callbacks(execute=True):
        second = world.file_appeal("penalty", subject="Filed while Redis is down")
    assert set(Appeal.objects.values_list("pk", flat=True)) == {first.pk, second.pk}
    pending = OutboxMessage.objects.filter(dispatched_at__isnull=True)
    assert pending.count() == 1
    assert pending.get().last_error != ""
    assert outbox.drain() == 0  # still down: stays pending

    dedicated_redis.start()
    assert outbox.drain() == 1
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()
    assert dedicated_redis.queue_length() == 1  # the restarted (empty) server now holds the delivered message
