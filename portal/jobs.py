"""The batch runner every daily job uses (``run_in_batches``) and the result a job reports.

Reliability (tested in tests/credit/test_jobs*.py and tests/portal/):
- Idempotent: each item's effect is guarded by a unique row (identification, candidate, reminder,
  credit event ``source_key``, escalation) written in the same transaction as the effect and its
  notices, so a second run — or a second worker at the same moment — finds the item done.
- Concurrent workers split the work: each batch locks its rows with ``SELECT … FOR UPDATE SKIP LOCKED``.
- Crash-safe: each batch is one transaction, each item a savepoint inside it. A worker killed mid-batch
  leaves the batches before it complete and nothing of its current batch; the next run completes the
  rest. ``kill_point`` lets tests stop a run after a given item the way a killed worker would.
- Scale: candidates are selected in SQL (anti-joins on the guard rows) and walked by keyset over the
  primary key, ``batch_size`` rows at a time, so a million enterprises never sit in memory.

Each app's ``tasks.py`` holds its Celery tasks (thin) and a ``JOBS`` dict (name -> function returning a
``JobResult``) that ``manage.py run_job`` lists and runs.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import asdict, dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from portal.conf import tunable
from portal.exceptions import DomainError

log = logging.getLogger(__name__)


# (model label, first id, stop id) while a chunk of a split job runs (portal/chunks.py).
current_chunk: ContextVar[tuple[str, int, int] | None] = ContextVar("guanqi_job_chunk", default=None)


def within_chunk(candidates: QuerySet) -> QuerySet:
    """The candidates of the running chunk: its id range when they are rows of the chunked model, all of
    them otherwise (SKIP LOCKED still splits those between workers)."""
    chunk = current_chunk.get()
    if chunk is None or candidates.model._meta.label_lower != chunk[0]:
        return candidates
    return candidates.filter(pk__gte=chunk[1], pk__lt=chunk[2])


def default_batch_size() -> int:
    return int(tunable("JOB_BATCH_SIZE"))


class JobInterrupted(RuntimeError):
    """Raised by a kill point: stands in for a worker killed in the middle of a batch."""


@dataclass
class JobResult:
    job: str
    processed: int = 0
    skipped: int = 0
    failed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def run_in_batches(
    candidates: QuerySet,
    handle: Callable,
    *,
    result: JobResult,
    batch_size: int | None = None,
    kill_point: Callable[[int], None] | None = None,
) -> JobResult:
    """Call ``handle(row)`` for every row of ``candidates``: keyset batches, one transaction per batch,
    rows locked with SKIP LOCKED and re-checked against ``candidates`` inside the transaction.

    ``handle`` returns True when it acted, False when the row needed nothing. A refusal of the domain
    (``DomainError``) is logged and counted; the row is retried by the next run. Any other error stops
    the run with its batch rolled back.
    """
    batch_size = batch_size or default_batch_size()
    candidates = within_chunk(candidates)
    last_pk, seen = 0, 0
    while True:
        ids = list(candidates.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return result
        last_pk = ids[-1]
        with transaction.atomic():
            rows = list(
                candidates.filter(pk__in=ids).order_by("pk").select_for_update(skip_locked=True, of=("self",))
            )
            for row in rows:
                try:
                    with transaction.atomic():
                        acted = handle(row)
                except IntegrityError:
                    result.skipped += 1  # another run did this item first: its guard row exists
                except DomainError as exc:
                    log.warning("%s: %s #%s refused: %s", result.job, row.__class__.__name__, row.pk, exc)
                    result.failed += 1
                else:
                    if acted:
                        result.processed += 1
                    else:
                        result.skipped += 1
                seen += 1
                if kill_point is not None:
                    kill_point(seen)


def today_or(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def run_set_in_batches(
    candidates: QuerySet,
    handle_batch: Callable[[list], int],
    *,
    result: JobResult,
    batch_size: int | None = None,
) -> JobResult:
    """The set-based runner: like ``run_in_batches`` (keyset batches, one transaction each, rows locked
    with SKIP LOCKED and re-checked against ``candidates``), but ``handle_batch(rows)`` acts on the whole
    batch in a fixed number of queries and returns how many rows it acted on."""
    batch_size = batch_size or default_batch_size()
    candidates = within_chunk(candidates)
    last_pk = 0
    while True:
        ids = list(candidates.filter(pk__gt=last_pk).order_by("pk").values_list("pk", flat=True)[:batch_size])
        if not ids:
            return result
        last_pk = ids[-1]
        with transaction.atomic():
            rows = list(
                candidates.filter(pk__in=ids).order_by("pk").select_for_update(skip_locked=True, of=("self",))
            )
            acted = handle_batch(rows) if rows else 0
        result.processed += acted
        result.skipped += len(ids) - acted
