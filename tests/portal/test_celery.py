"""Celery really runs through Redis and a worker: not eagerly."""

from django.conf import settings

from portal.tasks import ping


def test_task_round_trips_through_redis_and_a_real_worker(celery_worker_session):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    result = ping.delay("hello from the test")
    assert result.get(timeout=20) == "hello from the test"
    assert result.status == "SUCCESS"
