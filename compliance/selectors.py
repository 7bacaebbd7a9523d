"""Reads of the compliance assessment, each scoped by ``visible_to`` (``portal.scoping``) or by the
viewer's grants, with its joins inside so pages run a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, DateField, F, Func, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from compliance.models import OWED_STATUSES, Assessment, ImprovementAction
from compliance.services import active_items, policy_for
from coordinators.models import PairAssignment
from credit.models import Judgement, SelfExaminationAnswer, StandardItem
from enterprises.models import Enterprise
from enterprises.scoping import is_member
from portal.scoping import scope_of

PAGE_SIZE = 50


class AddMonths(Func):
    """``date + N months`` in PostgreSQL (the clamp to the month's end matches ``services.add_months``)."""

    output_field = DateField()

    def as_sql(self, compiler, connection, **extra):  # type: ignore[override]
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        months_sql, months_params = compiler.compile(self.source_expressions[1])
        return f"CAST({date_sql} + make_interval(months => {months_sql}) AS date)", [
            *date_params,
            *months_params,
        ]


def coordinator_enterprises(user, *, after: tuple[datetime.date, int] | None = None):
    """The enterprises of ``user``'s pairs with the next assessment's due date (``due``), the open
    assessment's state and id and the last signature date, the soonest due first; keyset pages of
    PAGE_SIZE after ``(due, id)``. The ids are the scope's literal list (never a subquery)."""
    scope = scope_of(user)
    if scope is None or not scope.coordinated_enterprise_ids:
        return Enterprise.objects.none()
    ids = sorted(scope.coordinated_enterprise_ids - scope.excluded_enterprise_ids)
    district_id = user.local_customs.district_id if user.local_customs_id else None
    interval = policy_for(district_id).interval_months if district_id else 12
    open_assessment = Assessment.objects.filter(enterprise=OuterRef("pk"), state__in=Assessment.OPEN_STATES)
    rows = (
        Enterprise.objects.filter(pk__in=ids)
        .select_related("assessment_schedule", "local_customs")
        .annotate(
            first_pair_on=Subquery(
                PairAssignment.objects.filter(enterprise=OuterRef("pk"))
                .order_by("started_on")
                .values("started_on")[:1]
            ),
            open_id=Subquery(open_assessment.values("pk")[:1]),
            open_state=Subquery(open_assessment.values("state")[:1]),
            last_signed_at=Subquery(
                Assessment.objects.filter(enterprise=OuterRef("pk"), state=Assessment.State.SIGNED)
                .order_by("-signed_at")
                .values("signed_at")[:1]
            ),
        )
        .annotate(
            due=Coalesce(F("assessment_schedule__due_on"), AddMonths(F("first_pair_on"), Value(interval)))
        )
        .order_by("due", "pk")
    )
    if after is not None:
        rows = rows.filter(Q(due__gt=after[0]) | Q(due=after[0], pk__gt=after[1]))
    return rows


@dataclass(frozen=True)
class ItemRow:
    """One item of the standard on the assessment pages: the enterprise's own judgement beside the
    pair's, and whether they differ (highlighted)."""

    item: StandardItem
    self_answer: SelfExaminationAnswer | None
    answer: object | None  # AssessmentAnswer
    actions: list

    @property
    def differs(self) -> bool:
        if self.answer is None or self.self_answer is None:
            return False
        return self.answer.judgement != self.self_answer.judgement  # type: ignore[attr-defined]

    @property
    def is_not_met(self) -> bool:
        return self.answer is not None and self.answer.judgement == Judgement.NOT_MET  # type: ignore[attr-defined]


def self_answers(assessment: Assessment) -> dict[int, SelfExaminationAnswer]:
    if assessment.self_examination_id is None:
        return {}
    return {
        a.item_id: a
        for a in SelfExaminationAnswer.objects.filter(examination_id=assessment.self_examination_id)
    }


def item_rows(assessment: Assessment) -> list[ItemRow]:
    """Every item judged (or, for an open assessment, every active item) in the standard's order."""
    answers = {a.item_id: a for a in assessment.answers.all()}
    actions: dict[int, list] = {}
    for action in assessment.actions.all():
        actions.setdefault(action.item_id, []).append(action)
    own = self_answers(assessment)
    if assessment.is_open:
        items = active_items()
    else:
        items = sorted((a.item for a in answers.values()), key=lambda i: (i.position, i.code))
    return [ItemRow(item, own.get(item.pk), answers.get(item.pk), actions.get(item.pk, [])) for item in items]


def assessment_for_page(user, pk: int):
    """An assessment ``user`` may see, with what its page shows (None: not found for them)."""
    return (
        Assessment.objects.visible_to(user)
        .select_related(
            "enterprise", "coordinator_a__user", "coordinator_b__user", "written_by", "self_examination"
        )
        .prefetch_related("answers__item", "actions__item", "signatures__signer")
        .filter(pk=pk)
        .first()
    )


def assessment_history(enterprise, viewer, limit: int = 20) -> list[Assessment]:
    """The enterprise file's section: the assessments of ``enterprise`` the viewer may see (signed ones
    for the enterprise; customs also sees open and cancelled ones), newest first, each with counts of
    items not met and of actions still owed. One query."""
    return list(
        Assessment.objects.visible_to(viewer)
        .filter(enterprise=enterprise)
        .select_related("coordinator_a__user", "coordinator_b__user")
        .annotate(
            not_met=Count("answers", filter=Q(answers__judgement=Judgement.NOT_MET), distinct=True),
            owed=Count("actions", filter=Q(actions__status__in=OWED_STATUSES), distinct=True),
        )
        .order_by(F("signed_at").desc(nulls_first=True), "-written_at", "-id")[:limit]
    )


def owed_actions(user, enterprise, limit: int = 50) -> list[ImprovementAction]:
    return list(
        ImprovementAction.objects.visible_to(user)
        .filter(enterprise=enterprise, status__in=[*OWED_STATUSES, "answered"])
        .select_related("item")
        .order_by("due_on", "id")[:limit]
    )


def enterprise_panel(user, enterprise) -> dict | None:
    """The compliance card of the enterprise home: members only, once an assessment is signed."""
    if not is_member(user, enterprise.pk):
        return None
    last = (
        Assessment.objects.visible_to(user)
        .filter(enterprise=enterprise, state=Assessment.State.SIGNED)
        .order_by("-signed_at")
        .first()
    )
    if last is None:
        return None
    counts = (
        ImprovementAction.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .aggregate(
            owed=Count("pk", filter=Q(status__in=OWED_STATUSES)),
            answered=Count("pk", filter=Q(status="answered")),
        )
    )
    return {"last": last, **counts}
