"""Portal jobs that operators can run now with ``manage.py run_job``."""

from __future__ import annotations

from credit.jobs import JobResult

from . import outbox


def drain_outbox(*, batch_size: int | None = None) -> JobResult:
    """Deliver outbox messages that Redis could not take when they were written."""
    return JobResult(job="outbox", processed=outbox.drain(batch_size or outbox.DRAIN_BATCH))


JOBS = {"outbox": drain_outbox}
