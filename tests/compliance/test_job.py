"""The daily compliance job: pairs hear of assessments falling due once per step; the enterprise hears of
improvement actions due and overdue once per step; long-overdue actions escalate to the office's leader;
each batch takes the same number of queries whatever its size; a district's policy moves due dates."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from compliance import services
from compliance.models import AssessmentPolicy, AssessmentSchedule, ImprovementAction
from compliance.reminders import check_compliance, escalation_cutoff
from coordinators.models import PairAssignment
from portal.deadlines import for_enterprise, shown
from portal.models import Escalation, Notification
from tests.compliance.helpers import codes, signed

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _started(enterprise, days_ago: int) -> None:
    PairAssignment.objects.filter(enterprise=enterprise).update(
        started_on=TODAY - datetime.timedelta(days=days_ago)
    )


def _told(user, verb: str) -> list[str]:
    return [n.title for n in Notification.objects.filter(recipient=user, verb=verb).order_by("id")]


def test_a_never_assessed_enterprise_is_due_a_year_after_its_first_pair_started(world):
    _started(world.enterprise, 0)
    check_compliance(today=TODAY)
    schedule = AssessmentSchedule.objects.get(enterprise=world.enterprise)
    assert not schedule.assessed
    assert schedule.due_on == services.add_months(TODAY, 12)
    assert schedule.remind_on == schedule.due_on - datetime.timedelta(days=30)


def test_the_default_policy_is_twelve_months_and_thirty_days(world):
    policy = services.policy_for(world.district.pk)
    assert policy.pk is None and (policy.interval_months, policy.remind_days_before) == (12, 30)


def test_the_pair_hears_once_when_due_soon_and_once_when_overdue(world):
    _started(world.enterprise, 350)
    check_compliance(today=TODAY)
    check_compliance(today=TODAY)
    titles = _told(world.coordinator.user, "compliance_due")
    assert len(titles) == 1 and "due on" in titles[0]
    assert len(_told(world.partner.user, "compliance_due")) == 1
    later = TODAY + datetime.timedelta(days=30)
    check_compliance(today=later)
    check_compliance(today=later)
    titles = _told(world.coordinator.user, "compliance_due")
    assert len(titles) == 2 and "overdue since" in titles[1]
    assert not _told(world.spare.user, "compliance_due")


def test_a_signed_assessment_moves_the_due_date_and_silences_the_reminder(world):
    _started(world.enterprise, 400)
    signed(world)
    check_compliance(today=TODAY)
    assert not _told(world.coordinator.user, "compliance_due")


def test_a_districts_policy_moves_its_due_dates(world):
    _started(world.enterprise, 0)
    check_compliance(today=TODAY)
    moved = services.save_policy(
        policy=AssessmentPolicy(district=world.district, interval_months=6, remind_days_before=10)
    )
    assert moved == 1
    schedule = AssessmentSchedule.objects.get(enterprise=world.enterprise)
    assert schedule.due_on == services.add_months(TODAY, 6)
    assert schedule.remind_on == schedule.due_on - datetime.timedelta(days=10)


def _action_due(world, days: int) -> ImprovementAction:
    assessment = signed(world, not_met=(codes()[0],))
    action = assessment.actions.get()
    ImprovementAction.objects.filter(pk=action.pk).update(due_on=TODAY + datetime.timedelta(days=days))
    return action


def test_the_enterprise_hears_of_an_action_due_soon_then_overdue_once_each(world):
    _action_due(world, 5)
    check_compliance(today=TODAY)
    check_compliance(today=TODAY)
    assert len(_told(world.contact, "improvement_action_due")) == 1
    assert len(_told(world.staff, "improvement_action_due")) == 1
    check_compliance(today=TODAY + datetime.timedelta(days=6))
    check_compliance(today=TODAY + datetime.timedelta(days=6))
    titles = _told(world.contact, "improvement_action_due")
    assert len(titles) == 2 and "overdue" in titles[1]
    assert not Escalation.objects.exists()


def test_an_action_overdue_by_five_working_days_escalates_to_the_leader_once(world):
    leader = world.leader
    action = _action_due(world, -30)
    check_compliance(today=TODAY)
    check_compliance(today=TODAY)
    assert Escalation.objects.filter(object_id=action.pk, level=1).count() == 1
    assert len(_told(leader, "escalation")) == 1
    # The enterprise was told it is overdue before the escalation, once.
    assert len(_told(world.contact, "improvement_action_due")) == 1


def test_an_answered_action_is_neither_reminded_nor_escalated(world):
    action = _action_due(world, -30)
    services.respond_to_action(action=action, actor=world.contact, answer="已整改")
    check_compliance(today=TODAY)
    assert not _told(world.contact, "improvement_action_due")
    assert not Escalation.objects.exists()


def test_the_escalation_cutoff_counts_working_days():
    monday = datetime.date(2026, 3, 9)
    assert escalation_cutoff(monday) == datetime.date(2026, 3, 2)  # 5 working days: Tue..Fri + Mon


def _queries(today) -> int:
    with CaptureQueriesContext(connection) as captured:
        check_compliance(today=today, batch_size=100)
    return len(captured.captured_queries)


def test_each_batch_takes_the_same_queries_whatever_its_size(world):
    a, b = world.coordinator, world.partner
    few = world.assign(a, b, count=2)
    PairAssignment.objects.update(started_on=TODAY - datetime.timedelta(days=350))
    small = _queries(TODAY)
    assert Notification.objects.filter(verb="compliance_due").count() == 2 * 3
    more = world.assign(a, b, count=9)
    PairAssignment.objects.filter(enterprise__in=more).update(started_on=TODAY - datetime.timedelta(days=350))
    large = _queries(TODAY)
    assert Notification.objects.filter(verb="compliance_due").count() == 2 * 12
    assert large == small, (small, large)
    assert few


def test_each_batch_of_actions_takes_the_same_queries_whatever_its_size(world):
    world.leader  # noqa: B018 - the office's leader exists to hear of escalations
    assessment = signed(world, not_met=(codes()[0], codes()[1]))
    ImprovementAction.objects.filter(assessment=assessment).update(due_on=TODAY - datetime.timedelta(days=30))
    small = _queries(TODAY)
    base = ImprovementAction.objects.filter(assessment=assessment).first()
    ImprovementAction.objects.bulk_create(
        ImprovementAction(
            enterprise=base.enterprise,
            district=base.district,
            assessment=assessment,
            item=base.item,
            description=f"整改 {i}",
            owner="王芳",
            due_on=TODAY - datetime.timedelta(days=30),
        )
        for i in range(10)
    )
    large = _queries(TODAY)
    assert Escalation.objects.count() == 12
    assert large == small, (small, large)


def test_open_actions_appear_on_the_deadlines_panel_with_their_state(world):
    action = _action_due(world, -3)
    deadlines = [
        s
        for s in shown(for_enterprise(world.enterprise, world.contact))
        if "improvement-action" in s.deadline.key
    ]
    assert len(deadlines) == 1
    assert deadlines[0].state == "overdue" and deadlines[0].label == "Overdue by 3 days"
    assert "Open" in deadlines[0].deadline.title_text
    services.respond_to_action(action=action, actor=world.contact, answer="已整改")
    assert not [d for d in for_enterprise(world.enterprise, world.contact) if "improvement-action" in d.key]
    # Another enterprise's viewer sees none of them.
    assert not [
        d for d in for_enterprise(world.enterprise, world.other_contact) if "improvement-action" in d.key
    ]


def test_the_improvement_action_defaults_are_seven_days_and_five_working_days():
    from portal.conf import DEFAULTS

    assert DEFAULTS["IMPROVEMENT_ACTION_REMINDER_DAYS"] == 7
    assert DEFAULTS["IMPROVEMENT_ACTION_ESCALATION_WORKING_DAYS"] == 5
