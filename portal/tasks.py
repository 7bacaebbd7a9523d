"""Shared Celery tasks: the outbox drain and a liveness ping."""

from celery import shared_task

from . import outbox


@shared_task(name="portal.drain_outbox", ignore_result=True)
def drain_outbox() -> int:
    return outbox.drain()


@shared_task(name="portal.ping")
def ping(value: str = "pong", outbox_id: int | None = None) -> str:
    """Round-trip check used by /healthz tests and operators: proves a worker consumes from Redis."""
    return value
