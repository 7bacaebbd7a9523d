"""Jobs of the coordinators app that operators can run now with ``manage.py run_job``."""

from __future__ import annotations

from credit.jobs import JobResult

from .requests.escalation import escalate_overdue


def escalate_overdue_requests(*, batch_size: int | None = None) -> JobResult:
    """Escalate overdue coordination requests (the local customs' leader, then the Management Department)."""
    return JobResult(job="request-escalation", processed=escalate_overdue(batch_size=batch_size))


JOBS = {"request-escalation": escalate_overdue_requests}
