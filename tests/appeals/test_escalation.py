"""SLA escalation of overdue appeals: the local customs' leader first, then the Management Department;
the integrity channel goes straight to the Management Department. Idempotent."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from appeals import escalation as jobs
from appeals.models import Appeal
from portal.escalation import escalation_levels
from portal.models import Notification
from portal.workdays import add_working_days

pytestmark = pytest.mark.django_db


def later(appeal, working_days_after_due):
    day = add_working_days(timezone.localdate(appeal.due_at), working_days_after_due)
    return time_machine.travel(
        datetime.datetime.combine(
            day, datetime.time(10), tzinfo=datetime.timezone(datetime.timedelta(hours=8))
        ),
        tick=False,
    )


def test_an_overdue_appeal_goes_to_the_leader_then_to_the_management_department(world):
    appeal = world.file_appeal("penalty")
    assert jobs.escalate_overdue_appeals().processed == 0
    with later(appeal, 1):
        jobs.escalate_overdue_appeals()
        jobs.escalate_overdue_appeals()
    assert escalation_levels(appeal) == {1}
    assert list(Notification.objects.filter(verb="escalation").values_list("recipient_id", flat=True)) == [
        world.leader.pk
    ]
    with later(appeal, 3):
        jobs.escalate_overdue_appeals()
    assert escalation_levels(appeal) == {1, 2}
    assert Notification.objects.filter(verb="escalation", recipient=world.manager).count() == 1
    assert appeal.events.filter(kind="escalated").count() == 2


def test_an_integrity_appeal_skips_the_leader(world):
    appeal = world.file_appeal("coordinator_conduct")
    with later(appeal, 1):
        jobs.escalate_overdue_appeals()
    assert escalation_levels(appeal) == {2}
    told = set(Notification.objects.filter(verb="escalation").values_list("recipient_id", flat=True))
    assert told == {world.manager.pk}


def test_a_decided_appeal_is_never_escalated(world):
    from appeals import services

    appeal = world.file_appeal("penalty")
    services.decide_appeal(appeal=appeal, outcome="rejected", reasons="No ground.", actor=world.officer)
    with later(Appeal.objects.get(pk=appeal.pk), 5):
        assert jobs.escalate_overdue_appeals().processed == 0
