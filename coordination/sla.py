"""SLA deadlines of coordination requests, in working days.

The clocks (docs/DOMAIN.md, "Coordination requests"; tested in tests/coordination/):
- Both clocks start when the enterprise files the request: ``first_response_due`` and
  ``resolution_due`` are the targets of its service type, in working days.
- The **first-response clock** stops at the first message customs sends the enterprise: a public reply,
  a request for information, the resolution, a rejection with its reason, or the conversion to an
  appeal. Accepting the request into a queue, an internal note or a transfer between offices is not a
  response: the clock keeps running.
- The **resolution clock** stops when the request is resolved (or closed otherwise). Asking the
  enterprise for information *pauses* it; when the enterprise answers it restarts and the paused working
  days extend ``resolution_due``. Reopening starts a fresh resolution target from the reopening.
- ``next_due`` is the deadline of the clock that matters now (first response until customs wrote,
  then resolution); the workspace sorts by it.

The calendar is ``portal.workdays`` (Chinese public holidays and adjusted working days are data).

Targets per service type are ``ServiceLevel`` rows managers edit in the admin; ``DEFAULT_TARGETS`` is
the fallback (and what the data migration creates). Asking the enterprise for information pauses the
clock; when it restarts, the working days it was paused extend ``resolution_due`` (our reading: the
clock counts whole working days, so a pause within one day changes nothing).
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from coordination.models import CoordinationRequest, ServiceLevel, ServiceType
from portal import workdays

# (first response, resolution) in working days; our reading of "handled promptly".
DEFAULT_TARGETS: dict[str, tuple[int, int]] = {
    ServiceType.CONSULTING: (1, 5),
    ServiceType.APPEALS: (2, 15),
    ServiceType.DIFFICULT_PROBLEMS: (1, 10),
    ServiceType.OPINIONS: (2, 10),
    ServiceType.STANDARDS_GUIDANCE: (2, 10),
    ServiceType.COOPERATION_GUIDANCE: (2, 10),
    ServiceType.OTHER: (2, 10),
}


def targets(service_type: str) -> tuple[int, int]:
    level = ServiceLevel.objects.filter(service_type=service_type).first()
    if level is None:
        return DEFAULT_TARGETS.get(service_type, DEFAULT_TARGETS[ServiceType.OTHER])
    return level.first_response_working_days, level.resolution_working_days


def due_dates(service_type: str, start: datetime.datetime) -> tuple[datetime.datetime, datetime.datetime]:
    first, resolution = targets(service_type)
    return workdays.deadline(start, first), workdays.deadline(start, resolution)


def pause(request: CoordinationRequest, now: datetime.datetime) -> list[str]:
    """Stop the clock (the request now awaits the enterprise). Returns the changed fields."""
    if request.paused_at is not None:
        return []
    request.paused_at = now
    return ["paused_at"]


def resume(request: CoordinationRequest, now: datetime.datetime) -> list[str]:
    """Restart the clock, pushing ``resolution_due`` back by the working days it was paused."""
    if request.paused_at is None:
        return []
    paused_days = workdays.working_days_between(
        timezone.localtime(request.paused_at).date(), timezone.localtime(now).date()
    )
    request.paused_at = None
    if paused_days:
        request.paused_working_days += paused_days
        request.resolution_due = workdays.deadline(request.resolution_due, paused_days)
    return ["paused_at", "paused_working_days", "resolution_due"]


def restart_resolution_clock(request: CoordinationRequest, now: datetime.datetime) -> list[str]:
    """A reopened request gets a fresh resolution target from the moment it is reopened."""
    _first, resolution = targets(request.service_type)
    request.resolution_due = max(workdays.deadline(now, resolution), request.first_response_due)
    request.resolved_at = None
    request.paused_at = None
    return ["resolution_due", "resolved_at", "paused_at"]
