"""Daily jobs across several workers (portal/chunks.py): id-range chunks through a real Celery worker on
the real Redis, each item done once, the run completed once; a chunk run again does nothing twice.
The queues by kind (settings.CELERY_TASK_ROUTES) through Celery's own router."""

from __future__ import annotations

import datetime
import itertools
import time

import pytest
from django.conf import settings
from django.utils import timezone

from credit.models import RecertificationReminder
from credit.tasks import send_recertification_reminders
from enterprises.models import Enterprise
from portal import chunks
from portal.models import JobChunk, JobRun
from tests.factories import rated_enterprise

LONG_AGO = timezone.localdate() - datetime.timedelta(days=6 * 365)


def overdue_enterprises(n: int) -> list[Enterprise]:
    return [rated_enterprise(on=LONG_AGO) for _ in range(n)]


def test_the_queues_separate_notifications_from_jobs():
    from celery.app.routes import prepare

    routes = prepare(settings.CELERY_TASK_ROUTES)

    def queue_of(name: str) -> str:
        for route in routes:
            found = route(name, (), {}, {})
            if found:
                return found["queue"]
        return settings.CELERY_TASK_DEFAULT_QUEUE

    assert queue_of("portal.send_notification_email") == "notifications"
    assert queue_of("portal.send_notification_emails") == "notifications"
    assert queue_of("portal.drain_outbox") == "notifications"
    assert queue_of("portal.run_job_chunk") == "jobs"
    assert queue_of("credit.send_recertification_reminders") == "jobs"
    assert queue_of("outreach.send_announcement_digests") == "jobs"
    assert queue_of("portal.ping") == "default"


@pytest.mark.django_db
def test_id_ranges_cover_every_id_once_and_stay_open_at_both_ends():
    ids = [e.pk for e in overdue_enterprises(7)]
    ranges = chunks.id_ranges("enterprises.enterprise", 3)
    assert len(ranges) == 3
    assert ranges[0][0] < min(ids) and ranges[-1][1] > max(ids) + 10**9  # later rows fall in the last
    for (_, stop), (first, _) in itertools.pairwise(ranges):
        assert stop == first
    assert all(sum(first <= pk < stop for first, stop in ranges) == 1 for pk in ids)
    assert chunks.id_ranges("enterprises.enterprise", 1) == [(chunks.LOWEST_ID, chunks.HIGHEST_ID)]


@pytest.mark.django_db(transaction=True)
def test_a_split_job_runs_its_chunks_on_the_workers_and_completes_once(settings, celery_worker_session):
    enterprises = overdue_enterprises(9)
    settings.GUANQI = {**settings.GUANQI, "JOB_CHUNKS": 4}

    sent = send_recertification_reminders.delay().get(timeout=60)
    assert (sent["chunks"], sent["sent"]) == (4, 4)
    run = JobRun.objects.get(pk=sent["run"])
    deadline = time.monotonic() + 120
    while run.completed_at is None and time.monotonic() < deadline:
        time.sleep(0.5)
        run.refresh_from_db()
    assert run.completed_at is not None
    assert run.processed == 9 and run.failed == 0
    assert JobChunk.objects.filter(run=run, done_at__isnull=False).count() == 4
    flagged = RecertificationReminder.objects.filter(kind=RecertificationReminder.Kind.OVERDUE)
    assert sorted(flagged.values_list("enterprise_id", flat=True)) == sorted(e.pk for e in enterprises)

    # The schedule fired again the same day: the day's run is resumed, nothing is sent or done again.
    again = send_recertification_reminders.delay().get(timeout=60)
    assert (again["run"], again["sent"]) == (run.pk, 0)
    assert JobRun.objects.count() == 1


@pytest.mark.django_db
def test_a_chunk_redelivered_after_its_worker_died_does_nothing_twice(settings):
    overdue_enterprises(6)
    settings.GUANQI = {**settings.GUANQI, "JOB_CHUNKS": 2}
    run = JobRun.objects.create(
        job="recertification", run_key="test", model="enterprises.enterprise", chunks=2
    )
    ranges = chunks.id_ranges("enterprises.enterprise", 2)
    first, second = (
        JobChunk.objects.create(run=run, number=n, first_id=a, stop_id=b)
        for n, (a, b) in enumerate(ranges, 1)
    )
    assert chunks.run_chunk(first.pk) is True
    first.refresh_from_db()
    done_in_first = first.processed
    assert 0 < done_in_first < 6
    run.refresh_from_db()
    assert run.completed_at is None  # the second chunk is still to do

    # The worker died after its items were committed but before the chunk was marked: run it again.
    JobChunk.objects.filter(pk=first.pk).update(done_at=None)
    assert chunks.run_chunk(first.pk) is True
    first.refresh_from_db()
    assert (first.processed, first.attempts) == (0, 2)
    assert (
        RecertificationReminder.objects.filter(kind=RecertificationReminder.Kind.OVERDUE).count()
        == done_in_first
    )

    assert chunks.run_chunk(second.pk) is True
    run.refresh_from_db()
    assert run.completed_at is not None
    assert chunks.finish(run.pk) is False  # completed once
    assert chunks.run_chunk(second.pk) is False  # a done chunk is not run again
    assert RecertificationReminder.objects.filter(kind=RecertificationReminder.Kind.OVERDUE).count() == 6
