"""SLA escalation of overdue appeals (portal/escalation.py): level 1 the local customs' leader when an
appeal passes its deadline, level 2 the Management Department when it is still open
``management_after_working_days()`` working days later. Integrity-channel appeals skip level 1: they go
straight to the Management Department, the only customs unit that may see them.

Idempotent (one ``Escalation`` row per appeal and level), batched and crash-safe through
``portal.jobs.run_in_batches``; tested in tests/appeals/test_escalation.py.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.utils import timezone

from appeals.models import Appeal, AppealEvent, AppealType
from portal.escalation import escalate, management_after_working_days
from portal.jobs import JobResult, run_in_batches
from portal.messages import label, stored, text
from portal.models import Escalation
from portal.workdays import working_days_between


def _not_escalated(queryset, level: int):
    content_type = ContentType.objects.get_for_model(Appeal)
    return queryset.exclude(
        Exists(Escalation.objects.filter(content_type=content_type, object_id=OuterRef("pk"), level=level))
    )


def _escalate(appeal: Appeal, level: int) -> bool:
    from django.urls import reverse

    appeal = Appeal.objects.select_related("local_customs__leader").get(pk=appeal.pk)
    escalation = escalate(
        appeal,
        level=level,
        local_customs=appeal.local_customs,
        title=text(
            "Overdue appeal #%(pk)s (deadline %(due)s)", pk=appeal.pk, due=timezone.localdate(appeal.due_at)
        ),
        body=text("%(type)s", type=label("appeal_type", appeal.appeal_type)),
        url=reverse("admin:appeals_appeal_change", args=[appeal.pk]),
    )
    if escalation is None:
        return False
    AppealEvent.objects.create(
        appeal=appeal,
        kind=AppealEvent.Kind.ESCALATED,
        note_message=stored(text("%(level)s", level=label("escalation_level", level))),
    )
    return True


def _level_two_due(appeal: Appeal, today: datetime.date) -> bool:
    if appeal.appeal_type == AppealType.COORDINATOR_CONDUCT:
        return True
    return working_days_between(timezone.localdate(appeal.due_at), today) >= management_after_working_days()


def escalate_overdue_appeals(*, now=None, batch_size=None, kill_point=None) -> JobResult:
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = JobResult("appeal-escalation")
    overdue = Appeal.objects.overdue(now)
    run_in_batches(
        _not_escalated(
            overdue.exclude(appeal_type=AppealType.COORDINATOR_CONDUCT), Escalation.Level.LOCAL_LEADER
        ),
        lambda appeal: _escalate(appeal, Escalation.Level.LOCAL_LEADER),
        result=result,
        batch_size=batch_size,
        kill_point=kill_point,
    )
    return run_in_batches(
        _not_escalated(overdue, Escalation.Level.MANAGEMENT_DEPARTMENT),
        lambda appeal: (
            _level_two_due(appeal, today) and _escalate(appeal, Escalation.Level.MANAGEMENT_DEPARTMENT)
        ),
        result=result,
        batch_size=batch_size,
        kill_point=kill_point,
    )
