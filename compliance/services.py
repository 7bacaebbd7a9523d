"""Every write of the compliance assessment (docs/DOMAIN.md, "Compliance assessment"): keyword-only
arguments, one transaction, ``DomainError`` subclasses with translatable messages. Pages, the admin, the
API and the daily job call these functions.

Rules (our readings where marked):
- Only the enterprise's *current* pair writes and signs; a coordinator who withdrew (recusal) or left
  the pair cannot, and a change of pair cancels the unsigned assessment (``on_pair_changed``).
- The assessment moves draft → awaiting the partner's signature → signed (``TRANSITIONS``): the first
  coordinator's signature fixes its content, the second completes it. Each coordinator signs once; a
  signature is never changed.
- Every active item of the standard is judged before signing; "basically met" and "not met" need
  evidence; every item judged "not met" needs at least one improvement action, each with an owner at the
  enterprise and a due date after the assessment date; actions belong to items judged "not met".
- Only after both signatures does the enterprise see the assessment and its actions (told by a
  notification); only its members (contact person or staff) answer an action, with text and files; only
  the pair accepts the answer or reopens the action with a comment (and, if it wishes, a new due date).
- The next assessment is due ``interval_months`` after the last signed one (``AssessmentSchedule``).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import cast

from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from compliance.models import (
    OWED_STATUSES,
    ActionFile,
    ActionResponse,
    ActionStatus,
    Assessment,
    AssessmentAnswer,
    AssessmentPolicy,
    AssessmentSchedule,
    AssessmentSignature,
    ImprovementAction,
)
from coordinators.models import Coordinator, PairAssignment
from credit.models import Judgement, SelfExamination, StandardItem
from enterprises.scoping import is_member
from enterprises.selectors import members
from portal import uploads
from portal.exceptions import ConflictError, DomainError, PermissionDeniedError
from portal.messages import name_of, plural_text, text
from portal.notifications import notify
from portal.scoping import scope_of

S = Assessment.State
NEEDS_EVIDENCE = (Judgement.NOT_MET, Judgement.BASICALLY_MET)

#: The assessment's state machine: which state may follow which.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    S.DRAFT: (S.AWAITING_PARTNER, S.SIGNED, S.CANCELLED),
    S.AWAITING_PARTNER: (S.SIGNED, S.CANCELLED),
    S.SIGNED: (),
    S.CANCELLED: (),
}


class AssessmentError(DomainError):
    """A refused assessment; ``item_codes`` names the items concerned (for form errors)."""

    def __init__(self, message, *, item_codes: Iterable[str] = ()):
        super().__init__(message)
        self.item_codes = list(item_codes)


class ActionError(DomainError):
    pass


# --- The district's setting and the due dates ----------------------------------------------------------


def policy_for(district_id: int) -> AssessmentPolicy:
    """The district's policy, or (no row) an unsaved one carrying the defaults."""
    return AssessmentPolicy.objects.filter(district_id=district_id).first() or AssessmentPolicy(
        district_id=district_id
    )


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months, the day clamped to the month's end (as PostgreSQL's
    ``date + interval 'N months'``, which the daily job uses)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_dates(counts_from: datetime.date, policy: AssessmentPolicy) -> tuple[datetime.date, datetime.date]:
    """(due on, remind on) of an assessment counted from ``counts_from`` under ``policy``."""
    due = add_months(counts_from, policy.interval_months)
    return due, due - datetime.timedelta(days=policy.remind_days_before)


def _set_schedule(enterprise, *, counts_from: datetime.date, assessed: bool) -> AssessmentSchedule:
    due, remind = due_dates(counts_from, policy_for(enterprise.district_id))
    schedule, _created = AssessmentSchedule.objects.update_or_create(
        enterprise=enterprise,
        defaults={
            "district_id": enterprise.district_id,
            "counts_from": counts_from,
            "assessed": assessed,
            "due_on": due,
            "remind_on": remind,
            "notice_step": AssessmentSchedule.Step.NONE,
        },
    )
    return schedule


@transaction.atomic
def save_policy(*, policy: AssessmentPolicy) -> int:
    """Save a district's policy and move its enterprises' due dates to it (one UPDATE). Returns how many
    schedules moved. Called by the admin."""
    policy.full_clean()
    policy.save()
    table = AssessmentSchedule._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET due_on = CAST(counts_from + make_interval(months => %s) AS date), "
            "remind_on = CAST(counts_from + make_interval(months => %s) AS date) - %s "
            "WHERE district_id = %s",
            [policy.interval_months, policy.interval_months, policy.remind_days_before, policy.district_id],
        )
        return cursor.rowcount


# --- Who may act -------------------------------------------------------------------------------------


def current_pair(enterprise) -> PairAssignment | None:
    return (
        PairAssignment.objects.select_related("coordinator_a__user", "coordinator_b__user")
        .filter(enterprise=enterprise, ended_on__isnull=True)
        .first()
    )


def pair_member(actor, enterprise) -> tuple[PairAssignment, Coordinator]:
    """The enterprise's current pair and ``actor``'s place in it; refused for anyone else — a recused
    coordinator, one replaced in the pair, another coordinator of the office, an officer."""
    scope = scope_of(actor)
    pair = current_pair(enterprise)
    if (
        scope is None
        or pair is None
        or enterprise.pk in scope.excluded_enterprise_ids
        or actor.pk not in (pair.coordinator_a.user_id, pair.coordinator_b.user_id)
    ):
        raise PermissionDeniedError(_("Only the enterprise's current coordinator pair assesses it."))
    coordinator = pair.coordinator_a if pair.coordinator_a.user_id == actor.pk else pair.coordinator_b
    return pair, coordinator


def _check_assessment_pair(assessment: Assessment, actor) -> None:
    pair, _coordinator = pair_member(actor, assessment.enterprise)
    if {pair.coordinator_a_id, pair.coordinator_b_id} != {
        assessment.coordinator_a_id,
        assessment.coordinator_b_id,
    }:
        raise ConflictError(_("The coordinator pair changed since this assessment was started."))


def _move(assessment: Assessment, to: str) -> None:
    if to not in TRANSITIONS[assessment.state]:
        raise ConflictError(
            _("A %(state)s assessment cannot become %(to)s.")
            % {"state": assessment.get_state_display(), "to": S(to).label}
        )
    assessment.state = to


def _lock(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("enterprise", "coordinator_a__user", "coordinator_b__user")
        .get(pk=assessment.pk)
    )


# --- Writing ------------------------------------------------------------------------------------------


def active_items() -> list[StandardItem]:
    return list(StandardItem.objects.filter(active=True).order_by("position", "code"))


@transaction.atomic
def start_assessment(*, enterprise, actor, now: datetime.datetime | None = None) -> Assessment:
    """The enterprise's open assessment, or a new draft by its current pair compared with its latest
    self-examination. A draft the pair change cancelled since the last signature is the starting point."""
    now = now or timezone.now()
    pair, _coordinator = pair_member(actor, enterprise)
    existing = Assessment.objects.open().filter(enterprise=enterprise).first()
    if existing is not None:
        return existing
    latest_exam = (
        SelfExamination.objects.filter(enterprise=enterprise).order_by("-submitted_at", "-id").first()
    )
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                enterprise=enterprise,
                district_id=enterprise.district_id,
                coordinator_a=pair.coordinator_a,
                coordinator_b=pair.coordinator_b,
                self_examination=latest_exam,
                assessed_on=timezone.localtime(now).date(),
                written_by=actor,
                written_at=now,
                updated_at=now,
            )
    except IntegrityError:  # the partner started it at the same moment (one open assessment)
        return Assessment.objects.open().get(enterprise=enterprise)
    cancelled = (
        Assessment.objects.filter(enterprise=enterprise, state=S.CANCELLED)
        .exclude(written_at__lt=_last_signed_at(enterprise))
        .order_by("-written_at", "-id")
        .first()
    )
    if cancelled is not None:
        assessment.summary = cancelled.summary
        assessment.save(update_fields=["summary"])
        AssessmentAnswer.objects.bulk_create(
            AssessmentAnswer(
                assessment=assessment,
                item_id=a.item_id,
                judgement=a.judgement,
                evidence=a.evidence,
                notes=a.notes,
            )
            for a in cancelled.answers.all()
        )
        today = timezone.localtime(now).date()
        ImprovementAction.objects.bulk_create(
            ImprovementAction(
                enterprise=enterprise,
                district_id=enterprise.district_id,
                assessment=assessment,
                item_id=a.item_id,
                description=a.description,
                owner=a.owner,
                due_on=a.due_on,
            )
            for a in cancelled.actions.all()
            if a.due_on > today
        )
    return assessment


def _last_signed_at(enterprise) -> datetime.datetime:
    last = (
        Assessment.objects.signed()
        .filter(enterprise=enterprise)
        .order_by("-signed_at")
        .values_list("signed_at", flat=True)
        .first()
    )
    return last or datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class ActionInput:
    item_code: str
    description: str
    owner: str
    due_on: datetime.date | None


def _clean_answers(
    items: list[StandardItem], answers: Mapping[str, tuple[str, str, str]]
) -> dict[str, tuple[str, str, str]]:
    codes = {item.code for item in items}
    unknown = sorted(set(answers) - codes)
    if unknown:
        raise AssessmentError(
            _("Unknown items of the standard: %(codes)s.") % {"codes": ", ".join(unknown)}, item_codes=unknown
        )
    clean = {}
    for code, (judgement, evidence, notes) in answers.items():
        judgement = (judgement or "").strip()
        if not judgement:
            continue
        if judgement not in Judgement.values:
            raise AssessmentError(
                _("Choose met, basically met, not met or not applicable for: %(codes)s.") % {"codes": code},
                item_codes=[code],
            )
        clean[code] = (judgement, (evidence or "").strip(), (notes or "").strip())
    unexplained = [code for code, (j, evidence, _n) in clean.items() if j in NEEDS_EVIDENCE and not evidence]
    if unexplained:
        raise AssessmentError(
            _("Give the evidence for the items judged basically met or not met: %(codes)s.")
            % {"codes": ", ".join(sorted(unexplained))},
            item_codes=unexplained,
        )
    return clean


def _clean_actions(
    actions: Iterable[ActionInput], answers: dict[str, tuple[str, str, str]], assessed_on: datetime.date
) -> list[ActionInput]:
    clean = []
    for action in actions:
        description, owner = (action.description or "").strip(), (action.owner or "").strip()
        if not description and not owner and action.due_on is None:
            continue  # an empty row of the form
        if not description or not owner or action.due_on is None:
            raise AssessmentError(
                _("Give every improvement action a description, an owner at the enterprise and a due date."),
                item_codes=[action.item_code],
            )
        if answers.get(action.item_code, ("",))[0] != Judgement.NOT_MET:
            raise AssessmentError(
                _("An improvement action belongs to an item judged not met (%(code)s is not).")
                % {"code": action.item_code},
                item_codes=[action.item_code],
            )
        if action.due_on <= assessed_on:
            raise AssessmentError(
                _("An improvement action is due after the assessment date (%(date)s).")
                % {"date": assessed_on.isoformat()},
                item_codes=[action.item_code],
            )
        clean.append(ActionInput(action.item_code, description, owner[:100], action.due_on))
    without = sorted(
        code
        for code, (judgement, _e, _n) in answers.items()
        if judgement == Judgement.NOT_MET and not any(a.item_code == code for a in clean)
    )
    if without:
        raise AssessmentError(
            _("Every item judged not met needs at least one improvement action: %(codes)s.")
            % {"codes": ", ".join(without)},
            item_codes=without,
        )
    return clean


@transaction.atomic
def save_assessment(
    *,
    assessment: Assessment,
    actor,
    assessed_on: datetime.date,
    summary: str,
    answers: Mapping[str, tuple[str, str, str]],
    actions: Iterable[ActionInput] = (),
    sign: bool = False,
    now: datetime.datetime | None = None,
) -> Assessment:
    """Save the draft: ``answers`` maps item codes to (judgement, evidence, notes) — an empty judgement
    leaves the item to judge later —, ``actions`` the improvement actions of the items judged not met.
    With ``sign`` the writer signs it too (``sign_assessment``)."""
    now = now or timezone.now()
    assessment = _lock(assessment)
    _check_assessment_pair(assessment, actor)
    if assessment.state != S.DRAFT:
        raise ConflictError(_("Only a draft is changed; this assessment is already signed by a coordinator."))
    today = timezone.localtime(now).date()
    if assessed_on is None or assessed_on > today:
        raise AssessmentError(_("The assessment date cannot be in the future."))
    items = active_items()
    clean = _clean_answers(items, answers)
    clean_actions = _clean_actions(actions, clean, assessed_on)
    by_code = {item.code: item for item in items}
    assessment.assessed_on, assessment.summary, assessment.updated_at = (
        assessed_on,
        (summary or "").strip(),
        now,
    )
    assessment.save(update_fields=["assessed_on", "summary", "updated_at"])
    assessment.answers.all().delete()
    assessment.actions.all().delete()
    AssessmentAnswer.objects.bulk_create(
        AssessmentAnswer(
            assessment=assessment, item=by_code[code], judgement=j, evidence=evidence, notes=notes
        )
        for code, (j, evidence, notes) in clean.items()
    )
    ImprovementAction.objects.bulk_create(
        ImprovementAction(
            enterprise=assessment.enterprise,
            district_id=assessment.district_id,
            assessment=assessment,
            item=by_code[a.item_code],
            description=a.description,
            owner=a.owner,
            due_on=cast(datetime.date, a.due_on),  # every kept action has one (_clean_actions)
            status_changed_at=now,
        )
        for a in clean_actions
    )
    if sign:
        sign_assessment(assessment=assessment, actor=actor, now=now)
        assessment.refresh_from_db()
    return assessment


@transaction.atomic
def sign_assessment(
    *, assessment: Assessment, actor, now: datetime.datetime | None = None
) -> AssessmentSignature:
    """A coordinator of the current pair signs: the first signature fixes the content (the partner is
    asked to sign), the second completes the assessment — the enterprise is told and sees it, and the
    next assessment is due ``interval_months`` later."""
    now = now or timezone.now()
    assessment = _lock(assessment)
    _check_assessment_pair(assessment, actor)
    if not assessment.is_open:
        raise ConflictError(_("This assessment is no longer open for signatures."))
    if AssessmentSignature.objects.filter(assessment=assessment, signer=actor).exists():
        raise ConflictError(_("You have already signed this assessment."))
    items = active_items()
    answers = {
        a.item.code: (a.judgement, a.evidence, a.notes) for a in assessment.answers.select_related("item")
    }
    missing = [item.code for item in items if item.code not in answers]
    if missing:
        raise AssessmentError(
            _("Judge every item of the standard before signing; missing: %(codes)s.")
            % {"codes": ", ".join(missing)},
            item_codes=missing,
        )
    _clean_actions(
        [
            ActionInput(a.item.code, a.description, a.owner, a.due_on)
            for a in assessment.actions.select_related("item")
        ],
        answers,
        assessment.assessed_on,
    )
    signature = AssessmentSignature.objects.create(assessment=assessment, signer=actor, signed_at=now)
    signed = set(
        AssessmentSignature.objects.filter(assessment=assessment).values_list("signer_id", flat=True)
    )
    enterprise = assessment.enterprise
    url = reverse("compliance:assessment_detail", args=[assessment.pk])
    if assessment.coordinator_user_ids <= signed:
        _move(assessment, S.SIGNED)
        assessment.signed_at = now
        assessment.save(update_fields=["state", "signed_at"])
        ImprovementAction.objects.filter(assessment=assessment).update(status_changed_at=now)
        _set_schedule(enterprise, counts_from=timezone.localtime(now).date(), assessed=True)
        count = assessment.actions.count()
        notify(
            members(enterprise),
            verb="compliance_assessment",
            title=plural_text(
                "Customs' compliance assessment of your enterprise is signed: %(count)s improvement action",
                "Customs' compliance assessment of your enterprise is signed: %(count)s improvement actions",
                count,
            ),
            body=text("Answer each improvement action by its due date on the compliance page."),
            url=reverse("compliance:enterprise_home"),
            enterprise_id=enterprise.pk,
        )
    else:
        _move(assessment, S.AWAITING_PARTNER)
        assessment.save(update_fields=["state"])
        partner = (
            assessment.coordinator_b
            if assessment.coordinator_a.user_id == actor.pk
            else assessment.coordinator_a
        )
        notify(
            [partner.user],
            verb="compliance_assessment",
            title=text(
                "Please sign the compliance assessment of %(enterprise)s", enterprise=name_of(enterprise)
            ),
            url=url,
            enterprise_id=enterprise.pk,
        )
    return signature


def on_pair_changed(*, enterprise, changes, reason, actor) -> None:
    """The ``coordinators.pair_changed`` hook: the enterprise's unsigned assessment is cancelled (kept,
    for customs only); the new pair starts its own from it."""
    open_assessment = Assessment.objects.select_for_update().open().filter(enterprise=enterprise).first()
    if open_assessment is None:
        return
    _move(open_assessment, S.CANCELLED)
    open_assessment.save(update_fields=["state"])


# --- The enterprise answers; the pair reviews -----------------------------------------------------------


def _lock_action(action: ImprovementAction) -> ImprovementAction:
    return (
        ImprovementAction.objects.select_for_update(of=("self",))
        .select_related("assessment", "enterprise", "item")
        .get(pk=action.pk)
    )


@transaction.atomic
def respond_to_action(
    *, action: ImprovementAction, actor, answer: str, files=(), now: datetime.datetime | None = None
) -> ActionResponse:
    """A member of the enterprise (contact person or staff) answers an open or reopened action: what was
    done, with files. The pair is told."""
    now = now or timezone.now()
    action = _lock_action(action)
    if not is_member(actor, action.enterprise_id) or action.assessment.state != S.SIGNED:
        raise PermissionDeniedError(_("Only members of the enterprise answer its improvement actions."))
    if action.status not in OWED_STATUSES:
        raise ConflictError(_("This improvement action is not waiting for an answer."))
    body = (answer or "").strip()
    if not body:
        raise ActionError(_("Say what the enterprise did about this improvement action."))
    checked = uploads.check_uploads(files)
    response = ActionResponse.objects.create(action=action, author=actor, text=body, created_at=now)
    for item in checked:
        ActionFile.from_checked(item, uploaded_by=actor, response=response, uploaded_at=now)
    action.status, action.status_changed_at = ActionStatus.ANSWERED, now
    action.save(update_fields=["status", "status_changed_at"])
    pair = current_pair(action.enterprise)
    if pair is not None:
        notify(
            [pair.coordinator_a.user, pair.coordinator_b.user],
            verb="improvement_action",
            title=text(
                "%(enterprise)s answered the improvement action “%(action)s”",
                enterprise=name_of(action.enterprise),
                action=action.description[:60],
            ),
            body=body[:300],
            url=reverse("compliance:action_detail", args=[action.pk]),
            enterprise_id=action.enterprise_id,
        )
    return response


@transaction.atomic
def review_response(
    *,
    action: ImprovementAction,
    actor,
    decision: str,
    comment: str = "",
    due_on: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> ActionResponse:
    """The pair accepts the enterprise's answer (the action is done) or reopens the action with a comment
    and, if it wishes, a new due date (after today). The enterprise is told."""
    now = now or timezone.now()
    action = _lock_action(action)
    pair_member(actor, action.enterprise)
    if action.status != ActionStatus.ANSWERED:
        raise ConflictError(_("There is no answer to review on this improvement action."))
    response = action.responses.select_for_update().filter(review="").order_by("-created_at", "-id").first()
    if response is None:
        raise ConflictError(_("There is no answer to review on this improvement action."))
    comment = (comment or "").strip()
    if decision not in ActionResponse.Review.values:
        raise ActionError(_("Accept the answer or reopen the action."))
    if decision == ActionResponse.Review.REOPENED:
        if not comment:
            raise ActionError(_("Say why the action is reopened."))
        if due_on is not None and due_on <= timezone.localtime(now).date():
            raise ActionError(_("A new due date is after today."))
    response.review, response.review_comment = decision, comment
    response.reviewed_by, response.reviewed_at = actor, now
    response.save(update_fields=["review", "review_comment", "reviewed_by", "reviewed_at"])
    fields = ["status", "status_changed_at"]
    action.status, action.status_changed_at = decision, now
    if decision == ActionResponse.Review.REOPENED and due_on is not None:
        action.due_on, action.notice_step = due_on, ImprovementAction.Step.NONE
        fields += ["due_on", "notice_step"]
    action.save(update_fields=fields)
    params = {"action": action.description[:60]}
    notify(
        members(action.enterprise),
        verb="improvement_action",
        title=text("Customs accepted your answer to the improvement action “%(action)s”", **params)
        if decision == ActionResponse.Review.ACCEPTED
        else text("Customs reopened the improvement action “%(action)s”", **params),
        body=comment,
        url=reverse("compliance:action_detail", args=[action.pk]),
        enterprise_id=action.enterprise_id,
    )
    return response
