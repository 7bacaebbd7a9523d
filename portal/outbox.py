"""Transactional outbox: nothing a change should trigger is lost when Redis is down.

Call :func:`enqueue` inside the service's transaction. The row commits with the change; after commit we
try to publish it to Celery at once. If the broker is unreachable the row stays pending and
``portal.tasks.drain_outbox`` (run by beat every minute, and by ``manage.py drain_outbox``) publishes
it when Redis is back. Tasks receive ``outbox_id`` and must be idempotent: a message can be published
twice if a worker dies between running it and the drain marking it.

Publishing never makes the caller wait for Redis: one attempt on a connection of its own with a short
connect timeout (``OUTBOX_PUBLISH_TIMEOUT_SECONDS``) and no retries — neither kombu's reconnection loop
(which otherwise retries until ``broker_connection_timeout``) nor the result backend's subscription
(``ignore_result``; the outbox never reads a task's result, and the Redis result backend otherwise
retries its connection 20 times). A request that files something while Redis is down answers at once;
the drain delivers the message later.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.conf import tunable
from portal.models import OutboxMessage

log = logging.getLogger(__name__)
DRAIN_BATCH = 500


def enqueue(task_name: str, *, dedupe_key: str | None = None, **kwargs: Any) -> OutboxMessage | None:
    """Record ``task_name(**kwargs)`` to run after commit. Returns None if ``dedupe_key`` already ran."""
    if dedupe_key is not None:
        try:
            with transaction.atomic():
                message = OutboxMessage.objects.create(
                    task_name=task_name, kwargs=kwargs, dedupe_key=dedupe_key
                )
        except IntegrityError:
            return None
    else:
        message = OutboxMessage.objects.create(task_name=task_name, kwargs=kwargs)
    transaction.on_commit(lambda: publish(message.pk))
    return message


def publish(message_id: int) -> bool:
    """Hand one pending message to the broker; False (and the row stays pending) if that fails."""
    from celery import current_app

    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, dispatched_at__isnull=True)
            .first()
        )
        if message is None:
            return False
        try:
            _send(current_app, message)
        except Exception as exc:  # the broker is down: keep the row for the drain job, and say so
            log.warning("outbox: could not publish %s #%s: %s", message.task_name, message.pk, exc)
            OutboxMessage.objects.filter(pk=message.pk).update(
                attempts=message.attempts + 1, last_error=str(exc)[:2000]
            )
            return False
        OutboxMessage.objects.filter(pk=message.pk).update(
            dispatched_at=timezone.now(), attempts=message.attempts + 1, last_error=""
        )
        return True


def _send(app, message: OutboxMessage) -> None:
    timeout = float(tunable("OUTBOX_PUBLISH_TIMEOUT_SECONDS"))
    options = {"max_retries": 0, "socket_connect_timeout": timeout, "socket_timeout": timeout}
    with app.connection_for_write(transport_options=options, connect_timeout=timeout) as connection:
        app.send_task(
            message.task_name,
            kwargs={**message.kwargs, "outbox_id": message.pk},
            retry=False,
            ignore_result=True,
            connection=connection,
        )


def drain(limit: int = DRAIN_BATCH) -> int:
    """Publish pending messages, oldest first; returns how many were published."""
    ids = list(
        OutboxMessage.objects.filter(dispatched_at__isnull=True)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    published = 0
    for message_id in ids:
        if publish(message_id):
            published += 1
        else:
            break  # the broker is down; don't hammer it with the rest of the batch
    return published
