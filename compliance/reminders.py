"""The daily compliance job (``compliance.check_compliance``; docs/DOMAIN.md, "Compliance assessment"):

1. every enterprise with a coordinator pair gets its ``AssessmentSchedule`` (one INSERT … SELECT: due
   ``interval_months`` after the start of its first pair);
2. each pair is told once per step — due soon (``remind_days_before`` of the district's policy), then
   overdue — about the assessments falling due;
3. the enterprise is told once per step about its improvement actions due within
   IMPROVEMENT_ACTION_REMINDER_DAYS and overdue, and an action overdue by
   IMPROVEMENT_ACTION_ESCALATION_WORKING_DAYS working days is escalated to the leader of the enterprise's
   local customs (its Management Department without a leader).

Set-based: candidates come from partial indexes (``notice_step`` says what was announced), batches of
``JOB_BATCH_SIZE`` rows are locked with SKIP LOCKED and each batch takes a fixed number of queries
(recipients in one query, the ``portal.deadlines`` guard rows in one statement, notifications in one bulk
insert, the steps in one UPDATE) whatever its size. Idempotent: the guard rows (``notice_once_many``)
and escalations are unique, so a second run — or a second worker — sends nothing twice.
"""

from __future__ import annotations

import datetime

from django.db import connection
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.urls import reverse

from compliance.models import Assessment, AssessmentSchedule, ImprovementAction
from coordinators.models import PairAssignment
from enterprises.models import EnterpriseUserObjectPermission
from portal import workdays
from portal.conf import tunable
from portal.deadlines import notice_once_many
from portal.escalation import escalate_many
from portal.jobs import JobResult, run_set_in_batches, today_or
from portal.messages import name_of, text
from portal.models import Escalation
from portal.notifications import Notice, notify_each

SOON, OVERDUE, ESCALATED = (
    AssessmentSchedule.Step.DUE_SOON.value,
    AssessmentSchedule.Step.OVERDUE.value,
    ImprovementAction.Step.ESCALATED.value,
)


def seed_schedules() -> int:
    """Give every paired enterprise without one its schedule, counted from its first pair's start."""
    schedule = AssessmentSchedule._meta.db_table
    pairs = PairAssignment._meta.db_table
    from compliance.models import AssessmentPolicy

    policy = AssessmentPolicy._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {schedule} (enterprise_id, district_id, counts_from, assessed, due_on, remind_on, notice_step)
            SELECT p.enterprise_id, p.district_id, f.first_on, false,
                   CAST(f.first_on + make_interval(months => COALESCE(pol.interval_months, 12)) AS date),
                   CAST(f.first_on + make_interval(months => COALESCE(pol.interval_months, 12)) AS date)
                       - COALESCE(pol.remind_days_before, 30),
                   ''
            FROM {pairs} p
            CROSS JOIN LATERAL (
                SELECT MIN(q.started_on) AS first_on FROM {pairs} q WHERE q.enterprise_id = p.enterprise_id
            ) f
            LEFT JOIN {policy} pol ON pol.district_id = p.district_id
            WHERE p.ended_on IS NULL
              AND NOT EXISTS (SELECT 1 FROM {schedule} s WHERE s.enterprise_id = p.enterprise_id)
            ON CONFLICT (enterprise_id) DO NOTHING
            """
        )
        return cursor.rowcount


# --- Assessments falling due: the pair ------------------------------------------------------------------


def due_candidates(today: datetime.date):
    """Schedules with a step to announce, of enterprises that have a pair."""
    return AssessmentSchedule.objects.filter(
        Q(notice_step="", remind_on__lte=today) | (~Q(notice_step=OVERDUE) & Q(due_on__lt=today))
    ).filter(
        Exists(PairAssignment.objects.filter(enterprise_id=OuterRef("enterprise_id"), ended_on__isnull=True))
    )


def _assessment_step(schedule: AssessmentSchedule, today: datetime.date) -> str:
    return OVERDUE if schedule.due_on < today else SOON


def announce_due(rows: list[AssessmentSchedule], today: datetime.date) -> int:
    pairs = {
        p.enterprise_id: p
        for p in PairAssignment.objects.filter(
            enterprise_id__in=[r.enterprise_id for r in rows], ended_on__isnull=True
        ).select_related("enterprise", "coordinator_a__user", "coordinator_b__user")
    }
    steps = {r.pk: _assessment_step(r, today) for r in rows}
    keys = {r.pk: f"assessment:{r.enterprise_id}:{r.due_on.isoformat()}" for r in rows}
    fresh = notice_once_many((keys[r.pk], steps[r.pk]) for r in rows)
    notices = []
    for row in rows:
        pair = pairs.get(row.enterprise_id)
        if pair is None or (keys[row.pk], steps[row.pk]) not in fresh:
            continue
        params = {"enterprise": name_of(pair.enterprise), "date": row.due_on}
        notices.append(
            Notice(
                recipients=(pair.coordinator_a.user, pair.coordinator_b.user),
                verb="compliance_due",
                title=text("Compliance assessment of %(enterprise)s overdue since %(date)s", **params)
                if steps[row.pk] == OVERDUE
                else text("Compliance assessment of %(enterprise)s due on %(date)s", **params),
                url=reverse("compliance:assessment_edit", args=[row.enterprise_id]),
                enterprise_id=row.enterprise_id,
            )
        )
    notify_each(notices)
    AssessmentSchedule.objects.filter(pk__in=list(steps)).update(
        notice_step=Case(*[When(pk=pk, then=Value(step)) for pk, step in steps.items()])
    )
    return len(notices)


# --- Improvement actions: the enterprise, then the office's leader -----------------------------------------


def escalation_cutoff(today: datetime.date) -> datetime.date:
    """Actions due on or before this date are overdue by IMPROVEMENT_ACTION_ESCALATION_WORKING_DAYS
    working days or more (``portal.workdays``; one query)."""
    days = int(tunable("IMPROVEMENT_ACTION_ESCALATION_WORKING_DAYS"))
    exceptions = workdays._exceptions(today - datetime.timedelta(days=days * 3 + 30), today)
    cutoff, counted = today, 0
    while counted < days:
        counted += workdays.is_working_day(cutoff, exceptions)
        cutoff -= datetime.timedelta(days=1)
    return cutoff


def action_candidates(today: datetime.date, cutoff: datetime.date):
    soon = today + datetime.timedelta(days=int(tunable("IMPROVEMENT_ACTION_REMINDER_DAYS")))
    return (
        ImprovementAction.objects.owed()
        .filter(assessment__state=Assessment.State.SIGNED)
        .exclude(notice_step=ESCALATED)
        .filter(
            Q(notice_step="", due_on__lte=soon)
            | Q(notice_step__in=["", SOON], due_on__lt=today)
            | Q(due_on__lte=cutoff)
        )
        .select_related("enterprise__local_customs__leader")
    )


def _action_step(action: ImprovementAction, today: datetime.date, cutoff: datetime.date) -> str:
    if action.due_on <= cutoff:
        return ESCALATED
    return OVERDUE if action.due_on < today else SOON


def remind_actions(rows: list[ImprovementAction], today: datetime.date, cutoff: datetime.date) -> int:
    steps = {a.pk: _action_step(a, today, cutoff) for a in rows}
    # The enterprise hears "overdue" before any escalation, even when the job first sees the action late.
    told = {a.pk: (SOON if steps[a.pk] == SOON else OVERDUE) for a in rows}
    keys = {a.pk: f"improvement-action:{a.pk}:{a.due_on.isoformat()}" for a in rows}
    fresh = notice_once_many((keys[a.pk], told[a.pk]) for a in rows)
    members: dict[int, list] = {}
    for grant in EnterpriseUserObjectPermission.objects.filter(
        content_object_id__in=sorted({a.enterprise_id for a in rows}), permission__codename="view_enterprise"
    ).select_related("user"):
        members.setdefault(grant.content_object_id, []).append(grant.user)
    notices = []
    for action in rows:
        if (keys[action.pk], told[action.pk]) not in fresh:
            continue
        params = {"action": action.description[:60], "date": action.due_on}
        notices.append(
            Notice(
                recipients=tuple(members.get(action.enterprise_id, [])),
                verb="improvement_action_due",
                title=text("Improvement action “%(action)s” is overdue: it was due on %(date)s", **params)
                if told[action.pk] == OVERDUE
                else text("Improvement action “%(action)s” is due on %(date)s", **params),
                url=reverse("compliance:action_detail", args=[action.pk]),
                enterprise_id=action.enterprise_id,
            )
        )
    notify_each(notices)
    escalated = escalate_many(
        [a for a in rows if steps[a.pk] == ESCALATED],
        level=Escalation.Level.LOCAL_LEADER,
        office_of=lambda a: a.enterprise.local_customs,
        title_of=lambda a: text(
            "Improvement action of %(enterprise)s overdue since %(date)s: %(action)s",
            enterprise=name_of(a.enterprise),
            date=a.due_on,
            action=a.description[:60],
        ),
        url_of=lambda a: reverse("admin:compliance_improvementaction_change", args=[a.pk]),
    )
    ImprovementAction.objects.filter(pk__in=list(steps)).update(
        notice_step=Case(*[When(pk=pk, then=Value(step)) for pk, step in steps.items()])
    )
    return len(notices) + len(escalated)


def check_compliance(*, today=None, batch_size=None) -> JobResult:
    """Daily: schedule newly paired enterprises; tell pairs of assessments due; remind the enterprise of
    improvement actions due and overdue; escalate long-overdue actions."""
    today = today_or(today)
    result = JobResult("compliance")
    result.processed += seed_schedules()
    run_set_in_batches(
        due_candidates(today), lambda rows: announce_due(rows, today), result=result, batch_size=batch_size
    )
    cutoff = escalation_cutoff(today)
    return run_set_in_batches(
        action_candidates(today, cutoff),
        lambda rows: remind_actions(rows, today, cutoff),
        result=result,
        batch_size=batch_size,
    )
