"""Redis down: filing a request, an appeal or a reply answers at once (well under a second) with the
real settings — the outbox publishes once, without kombu's reconnection loop or the result backend's 20
retries — and everything is delivered exactly once when Redis is back. A real redis-server of the
test's own is stopped and started (``dedicated_redis``); the shared one is never touched."""

from __future__ import annotations

import json
import time

import pytest

from appeals.models import Appeal
from coordination.models import CoordinationRequest
from portal import outbox
from portal.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True)


def timed(call):
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def test_filing_while_redis_is_down_answers_at_once_and_nothing_is_lost(client, world, dedicated_redis):
    contact = world.contact  # the world exists before Redis stops
    _ = world.leader, world.manager
    existing = world.file_request(subject="Filed while Redis is up")
    OutboxMessage.objects.all().delete()  # count only what is filed while Redis is down
    dedicated_redis.stop()
    client.force_login(contact)

    filed, seconds = timed(
        lambda: client.post(
            "/api/requests/",
            {"service_type": "consulting", "subject": "Redis down", "description": "Still filed."},
            content_type="application/json",
        )
    )
    assert filed.status_code == 201, filed.content
    assert seconds < 1.0, f"filing a request took {seconds:.2f} s with Redis down"

    appealed, seconds = timed(
        lambda: client.post(
            "/api/appeals/",
            {"appeal_type": "penalty", "subject": "Redis down", "grounds": "Still filed."},
            content_type="application/json",
        )
    )
    assert appealed.status_code == 201, appealed.content
    assert seconds < 1.0, f"filing an appeal took {seconds:.2f} s with Redis down"

    replied, seconds = timed(
        lambda: client.post(
            f"/api/requests/{existing.pk}/messages/",
            json.dumps({"body": "A reply while Redis is down."}),
            content_type="application/json",
        )
    )
    assert replied.status_code == 201, replied.content
    assert seconds < 1.0, f"replying took {seconds:.2f} s with Redis down"

    # Saved once each (no one re-files after a timeout), and the notices wait in the outbox.
    assert CoordinationRequest.objects.filter(subject="Redis down").count() == 1
    assert Appeal.objects.filter(subject="Redis down").count() == 1
    pending = OutboxMessage.objects.filter(dispatched_at__isnull=True).count()
    assert pending >= 3, "each filing's notices should wait in the outbox"
    assert outbox.drain() == 0  # still down: nothing lost, nothing delivered

    dedicated_redis.start()  # back, empty
    assert outbox.drain() == pending
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()
    delivered = [json.loads(m)["headers"]["id"] for m in dedicated_redis.queue()]
    assert len(delivered) == len(set(delivered)) == pending  # each message exactly once
    assert outbox.drain() == 0  # a second drain delivers nothing twice
