"""Daily jobs across several workers: a job's rows split into id-range chunks, one Celery task each.

``start(job, over=model)`` (called by the job's scheduled task) splits the ids of ``model`` into
``JOB_CHUNKS`` ranges, records a ``JobRun`` with one ``JobChunk`` per range and sends the chunks as a
Celery ``group`` on the ``jobs`` queue; any worker takes any chunk. With ``JOB_CHUNKS`` = 1 (the
default of a single server) the job runs at once in the calling task, as before.

Each chunk runs the job's own function (the ``JOBS`` of the app's ``tasks.py``) with its candidates
restricted to the range (``portal.jobs.within_chunk``), so the job's guard rows keep every item
idempotent: a chunk run twice — its worker killed after doing part of it, the message handed to another
worker — does nothing twice. The first and the last range are open-ended, so rows created after the
split are not missed.

Completion is recorded in the database, not by a chord callback: Celery's chord counts finished header
tasks in Redis, and a chunk redelivered after its worker died would be counted twice. Here a chunk's
``done_at`` is set once, and the run's ``completed_at`` by one conditional UPDATE (``completed_at IS
NULL`` and no chunk left undone), which only the chunk that finishes last can satisfy.

``(job, run_key)`` is unique (the key is the day by default): a schedule fired twice, or an operator's
``run_chunked_job`` after a lost message, resumes the day's run and sends only its undone chunks.
"""

from __future__ import annotations

import logging

from django.apps import apps
from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef, Sum
from django.utils import timezone

from portal.conf import tunable
from portal.jobs import current_chunk
from portal.models import JobChunk, JobRun

log = logging.getLogger(__name__)

LOWEST_ID = -(2**63)
HIGHEST_ID = 2**63 - 1


def available_jobs() -> dict:
    from portal.management.commands.run_job import available_jobs as jobs

    return jobs()


def id_ranges(model_label: str, chunks: int) -> list[tuple[int, int]]:
    """``chunks`` ranges ``[first, stop)`` of equal width over the model's ids (an index-only min/max);
    the outer ones open-ended."""
    model = apps.get_model(model_label)
    bounds = model._base_manager.aggregate(low=Min("pk"), high=Max("pk"))
    low, high = bounds["low"], bounds["high"]
    if low is None or chunks <= 1:
        return [(LOWEST_ID, HIGHEST_ID)]
    span = high - low + 1
    starts = sorted({low + span * n // chunks for n in range(chunks)})
    stops = [*starts[1:], HIGHEST_ID]
    starts[0] = LOWEST_ID
    return list(zip(starts, stops, strict=True))


def start(job: str, *, over: str, run_key: str | None = None, chunks: int | None = None) -> dict:
    """Run ``job`` now (one chunk) or split it over the workers; returns what was done or sent."""
    chunks = chunks or int(tunable("JOB_CHUNKS"))
    if chunks <= 1:
        return available_jobs()[job]().as_dict()
    run_key = run_key or timezone.localdate().isoformat()
    with transaction.atomic():
        ranges = id_ranges(over, chunks)
        run, created = JobRun.objects.get_or_create(
            job=job, run_key=run_key, defaults={"model": over.lower(), "chunks": len(ranges)}
        )
        if created:
            JobChunk.objects.bulk_create(
                JobChunk(run=run, number=n, first_id=first, stop_id=stop)
                for n, (first, stop) in enumerate(ranges, start=1)
            )
        pending = list(
            run.chunk_rows.filter(done_at__isnull=True).order_by("number").values_list("pk", flat=True)
        )
    if pending:
        from celery import group

        from portal.tasks import run_job_chunk

        group(run_job_chunk.si(chunk_id) for chunk_id in pending).apply_async()
    log.info("%s %s: %d chunks, %d sent", job, run_key, run.chunks, len(pending))
    return {"job": job, "run": run.pk, "chunks": run.chunks, "sent": len(pending)}


def run_chunk(chunk_id: int, *, worker: str = "") -> bool:
    """Run one chunk (idempotent: a chunk already done only re-checks its run). True if it ran."""
    chunk = JobChunk.objects.select_related("run").filter(pk=chunk_id).first()
    if chunk is None:
        return False
    if chunk.done_at is not None:
        finish(chunk.run_id)
        return False
    JobChunk.objects.filter(pk=chunk.pk).update(attempts=chunk.attempts + 1, worker=worker)
    token = current_chunk.set((chunk.run.model, chunk.first_id, chunk.stop_id))
    try:
        result = available_jobs()[chunk.run.job]()
    finally:
        current_chunk.reset(token)
    JobChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(
        done_at=timezone.now(), processed=result.processed, skipped=result.skipped, failed=result.failed
    )
    finish(chunk.run_id)
    return True


def finish(run_id: int) -> bool:
    """Mark the run completed if every chunk is done; True only for the one call that did it."""
    undone = JobChunk.objects.filter(run=OuterRef("pk"), done_at__isnull=True)
    completed = (
        JobRun.objects.filter(pk=run_id, completed_at__isnull=True)
        .exclude(Exists(undone))
        .update(completed_at=timezone.now())
    )
    if not completed:
        return False
    totals = JobChunk.objects.filter(run_id=run_id).aggregate(
        processed=Sum("processed"), skipped=Sum("skipped"), failed=Sum("failed")
    )
    JobRun.objects.filter(pk=run_id).update(**{key: value or 0 for key, value in totals.items()})
    run = JobRun.objects.get(pk=run_id)
    log.info("%s %s completed: %d done, %d skipped, %d refused", run.job, run.run_key, *_figures(run))
    return True


def _figures(run: JobRun) -> tuple[int, int, int]:
    return run.processed, run.skipped, run.failed
