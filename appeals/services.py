"""Appeal services: filing, triage (assign, decide, forward), disqualification from an integrity-channel
appeal, conversion of a coordination request. The admin, the portal, the API and the jobs call these.

The state machine is data (``TRANSITIONS``) plus one function (``_transition``) that checks the move,
records an ``AppealEvent`` and keeps the row's simple-history record. Notices never reach anyone who may
not see the appeal (``appeals.permissions``): integrity-channel notices go only to the Management
Department and the filing enterprise.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from appeals.access import can_triage, management_district_id
from appeals.models import Appeal, AppealAttachment, AppealEvent, AppealOutcome, AppealStatus, AppealType
from coordination.models import ServiceType
from coordination.services import mark_converted_to_appeal
from coordinators.models import Coordinator, PairAssignment
from coordinators.services import disqualify
from credit.models import CreditEventReason
from credit.services import record_credit_event
from enterprises.models import Enterprise, Membership
from enterprises.selectors import members
from portal import uploads
from portal.conf import appeal_deadline_working_days
from portal.escalation import management_department_staff
from portal.exceptions import ConflictError, DomainError, PermissionDeniedError
from portal.messages import label, name_of, stored, text
from portal.notifications import notify
from portal.roles import Role
from portal.scoping import can_see
from portal.workdays import deadline

if TYPE_CHECKING:
    from coordinators.models import Coordinator

# (from status, action) -> to status. The one table of allowed moves.
TRANSITIONS: dict[tuple[str, str], str] = {
    (AppealStatus.SUBMITTED, "assign"): AppealStatus.IN_REVIEW,
    (AppealStatus.IN_REVIEW, "assign"): AppealStatus.IN_REVIEW,
    (AppealStatus.FORWARDED, "assign"): AppealStatus.FORWARDED,
    (AppealStatus.SUBMITTED, "decide"): AppealStatus.DECIDED,
    (AppealStatus.IN_REVIEW, "decide"): AppealStatus.DECIDED,
    (AppealStatus.FORWARDED, "decide"): AppealStatus.DECIDED,
    (AppealStatus.SUBMITTED, "forward"): AppealStatus.FORWARDED,
    (AppealStatus.IN_REVIEW, "forward"): AppealStatus.FORWARDED,
}
ACTION_LABELS = {
    "assign": gettext_lazy("assigned"),
    "decide": gettext_lazy("decided"),
    "forward": gettext_lazy("forwarded"),
}
EVENT_KIND = {
    "assign": AppealEvent.Kind.ASSIGNED,
    "decide": AppealEvent.Kind.DECIDED,
    "forward": AppealEvent.Kind.FORWARDED,
}


class AppealError(DomainError):
    pass


def _enterprise_users(appeal: Appeal):

    return members(appeal.enterprise)


def _officer_url(appeal: Appeal) -> str:
    return reverse("admin:appeals_appeal_change", args=[appeal.pk])


def _portal_url(appeal: Appeal) -> str:
    return reverse("appeals:detail", args=[appeal.pk])


def triage_recipients(appeal: Appeal) -> list:
    """Who hears of a new or overdue appeal on the customs side: the integrity channel goes to the
    Management Department only; other appeals to the local customs' leader (or, without one, the
    Management Department)."""
    if appeal.is_integrity_channel or not appeal.local_customs.leader_id:
        staff = list(management_department_staff(appeal.district_id))
    else:
        staff = [appeal.local_customs.leader]
    return [user for user in staff if _may_be_told(user, appeal)]


def _may_be_told(user, appeal: Appeal) -> bool:
    return not (appeal.is_integrity_channel and appeal.coordinator and appeal.coordinator.user_id == user.pk)


# --- Filing ---------------------------------------------------------------------------------------------


def conduct_coordinators(enterprise):
    """The coordinators an enterprise can complain about: those of its past and present pairs."""

    pairs = PairAssignment.objects.filter(enterprise=enterprise)
    ids = set(pairs.values_list("coordinator_a_id", flat=True)) | set(
        pairs.values_list("coordinator_b_id", flat=True)
    )
    return Coordinator.objects.filter(pk__in=ids).select_related("user")


@transaction.atomic
def file_appeal(
    *,
    enterprise: Enterprise,
    author,
    appeal_type: str,
    subject: str,
    grounds: str,
    decision_reference: str = "",
    credit_event=None,
    abnormal_entry=None,
    coordinator=None,
    attachments: Iterable = (),
    filed_by_coordinator: bool = False,
    source_request_id: int | None = None,
) -> Appeal:
    """An enterprise (its contact person or staff) files an appeal; nothing is saved if any part is wrong."""
    if (
        not filed_by_coordinator
        and not Membership.objects.filter(enterprise=enterprise, user=author, ended_at__isnull=True).exists()
    ):
        raise PermissionDeniedError(_("Only the enterprise's contact person or staff may file its appeals."))
    if appeal_type not in AppealType.values:
        raise AppealError(_("Choose the kind of decision you appeal against."))
    if not subject.strip() or not grounds.strip():
        raise AppealError(_("State the subject and the grounds of the appeal."))
    if appeal_type == AppealType.COORDINATOR_CONDUCT:
        if coordinator is None or not conduct_coordinators(enterprise).filter(pk=coordinator.pk).exists():
            raise AppealError(_("Name the coordinator concerned: one who serves or served your enterprise."))
    else:
        coordinator = None
    if credit_event is not None and credit_event.enterprise_id != enterprise.pk:
        raise AppealError(_("That credit decision is not your enterprise's."))
    if abnormal_entry is not None and abnormal_entry.enterprise_id != enterprise.pk:
        raise AppealError(_("That abnormal-list entry is not your enterprise's."))
    checked = uploads.check_uploads(attachments)
    now = timezone.now()
    appeal = Appeal.objects.create(
        enterprise=enterprise,
        district_id=enterprise.district_id,
        local_customs_id=enterprise.local_customs_id,
        appeal_type=appeal_type,
        subject=subject.strip(),
        grounds=grounds.strip(),
        decision_reference=decision_reference.strip(),
        credit_event=credit_event if appeal_type == AppealType.CREDIT_DECISION else None,
        abnormal_entry=abnormal_entry if appeal_type == AppealType.ABNORMAL_LIST else None,
        coordinator=coordinator,
        filed_by=author,
        filed_at=now,
        due_at=deadline(now, appeal_deadline_working_days(appeal_type)),
        source_request_id=source_request_id,
    )
    for item in checked:
        AppealAttachment.from_checked(item, uploaded_by=author, appeal=appeal)
    AppealEvent.objects.create(
        appeal=appeal, kind=AppealEvent.Kind.FILED, to_status=appeal.status, actor=author, at=now
    )
    appeal = Appeal.objects.select_related("local_customs__leader", "coordinator", "enterprise").get(
        pk=appeal.pk
    )
    notify(
        triage_recipients(appeal),
        verb="appeal_filed",
        title=text("New appeal #%(pk)s: %(subject)s", pk=appeal.pk, subject=appeal.subject),
        body=text("%(type)s", type=label("appeal_type", appeal.appeal_type)),
        url=_officer_url(appeal),
    )
    return appeal


# --- Triage -----------------------------------------------------------------------------------------------


def _locked(appeal: Appeal) -> Appeal:
    return (
        Appeal.objects.select_for_update(of=("self",))
        .select_related("enterprise", "local_customs__leader", "coordinator")
        .get(pk=appeal.pk)
    )


def _transition(appeal: Appeal, action: str, *, actor, note: str = "", note_message=None) -> Appeal:
    to_status = TRANSITIONS.get((appeal.status, action))
    if to_status is None:
        raise ConflictError(
            _("An appeal that is “%(status)s” cannot be %(action)s.")
            % {"status": appeal.get_status_display(), "action": ACTION_LABELS[action]}
        )
    from_status = appeal.status
    appeal.status = to_status
    appeal._history_user = actor  # type: ignore[attr-defined]
    appeal.save()
    AppealEvent.objects.create(
        appeal=appeal,
        kind=EVENT_KIND[action],
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        note=note,
        note_message=stored(note_message) if note_message is not None else None,
    )
    return appeal


def _require_triage(actor, appeal: Appeal) -> None:
    if not can_triage(actor, appeal):
        raise PermissionDeniedError(_("You may not handle this appeal."))


@transaction.atomic
def assign_appeal(*, appeal: Appeal, officer, actor) -> Appeal:
    """Give the appeal to an officer who may handle it (for the integrity channel: the Management Department)."""
    appeal = _locked(appeal)
    _require_triage(actor, appeal)
    if not can_triage(officer, appeal):
        raise AppealError(_("%(officer)s may not handle this appeal.") % {"officer": officer})
    if appeal.assigned_to_id == officer.pk:
        raise ConflictError(_("The appeal is already assigned to %(officer)s.") % {"officer": officer})
    appeal.assigned_to = officer
    appeal = _transition(appeal, "assign", actor=actor, note=str(officer))
    notify(
        [officer],
        verb="appeal_assigned",
        title=text("Appeal #%(pk)s assigned to you: %(subject)s", pk=appeal.pk, subject=appeal.subject),
        url=_officer_url(appeal),
    )
    return appeal


@transaction.atomic
def decide_appeal(*, appeal: Appeal, outcome: str, reasons: str, actor) -> Appeal:
    """Decide (upheld, partly upheld, rejected) or forward to the Management Department, with reasons."""
    appeal = _locked(appeal)
    _require_triage(actor, appeal)
    if outcome not in AppealOutcome.values:
        raise AppealError(_("Choose a decision."))
    if not reasons.strip():
        raise AppealError(_("State the reasons for the decision: the enterprise will read them."))
    if outcome == AppealOutcome.FORWARDED:
        if appeal.is_integrity_channel:
            raise ConflictError(_("Appeals about a coordinator are already with the Management Department."))
        appeal = _transition(appeal, "forward", actor=actor, note=reasons.strip())
        appeal.assigned_to = None
        appeal.save(update_fields=["assigned_to"])
        notify(
            [u for u in management_department_staff(appeal.district_id) if u.pk != actor.pk],
            verb="appeal_forwarded",
            title=text("Appeal #%(pk)s forwarded to the Management Department", pk=appeal.pk),
            body=reasons.strip(),
            url=_officer_url(appeal),
        )
        title = text("Your appeal #%(pk)s was forwarded to the Management Department", pk=appeal.pk)
    else:
        appeal.outcome, appeal.decision_reasons = outcome, reasons.strip()
        appeal.decided_by, appeal.decided_at = actor, timezone.now()
        appeal = _transition(
            appeal,
            "decide",
            actor=actor,
            note=reasons.strip(),
            note_message=text("%(outcome)s", outcome=label("appeal_outcome", outcome)),
        )
        title = text(
            "Decision on your appeal #%(pk)s: %(outcome)s",
            pk=appeal.pk,
            outcome=label("appeal_outcome", outcome),
        )
    notify(
        _enterprise_users(appeal),
        verb="appeal_decided",
        title=title,
        body=reasons.strip(),
        url=_portal_url(appeal),
    )
    return appeal


@transaction.atomic
def disqualify_from_appeal(
    *, appeal: Appeal, ground: str, evidence: str, actor, decided_on: datetime.date | None = None
):
    """The Management Department disqualifies the coordinator an integrity-channel appeal is about."""

    appeal = _locked(appeal)
    if not appeal.is_integrity_channel:
        raise AppealError(_("Only an appeal about a coordinator's conduct can lead to a disqualification."))
    if management_district_id(actor) != appeal.district_id:
        raise PermissionDeniedError(_("Only the Management Department decides a disqualification."))
    if appeal.disqualification_id:
        raise ConflictError(_("This appeal already led to a disqualification."))
    decision = disqualify(
        coordinator=cast("Coordinator", appeal.coordinator),  # an integrity-channel appeal names one
        ground=ground,
        decided_on=decided_on or timezone.localdate(),
        decided_by=actor,
        evidence=evidence,
    )
    appeal.disqualification = decision
    appeal._history_user = actor  # type: ignore[attr-defined]
    appeal.save(update_fields=["disqualification"])
    AppealEvent.objects.create(
        appeal=appeal,
        kind=AppealEvent.Kind.DISQUALIFICATION,
        actor=actor,
        note=evidence.strip(),
        note_message=stored(text("%(ground)s", ground=label("disqualification_ground", ground))),
    )
    return decision


@transaction.atomic
def correct_credit_decision(
    *,
    appeal: Appeal,
    to_rating,
    effective_date: datetime.date,
    reasons: str,
    actor,
):
    """Record the credit event that corrects the decision an upheld credit appeal found wrong.

    DOMAIN notes: only an appeal against a credit decision that was upheld or partly upheld leads to a
    correction, once (idempotent by the appeal); the officer must be one who may triage the appeal *and*
    record credit events. The correction goes through ``credit.services.record_credit_event`` like every
    rating change (regime, date order, abnormal-list bar), except that the bars the corrected decision
    itself started (gift rule, re-apply) do not stand in its way. The enterprise is told.
    """
    appeal = _locked(appeal)
    _require_triage(actor, appeal)
    if not actor.has_perm("credit.add_creditevent"):
        raise PermissionDeniedError(_("You may not record credit events."))
    if appeal.correcting_event_id:
        raise ConflictError(_("The correcting credit event of this appeal is already recorded."))
    if not appeal.awaits_credit_correction:
        raise AppealError(
            _("Only an upheld or partly upheld appeal against a credit decision leads to a correction.")
        )
    if not reasons.strip():
        raise AppealError(_("State the reasons for the correction: the enterprise will read them."))
    event = record_credit_event(
        enterprise=appeal.enterprise,
        to_rating=to_rating,
        effective_date=effective_date,
        reason=CreditEventReason.APPEAL_CORRECTION,
        reason_text=reasons.strip(),
        reason_message=text("Appeal #%(pk)s upheld", pk=appeal.pk),
        evidence=appeal.decision_reasons,
        actor=actor,
        source_key=f"appeal:{appeal.pk}",
        corrects=appeal.credit_event,
    )
    appeal.correcting_event = event
    appeal._history_user = actor  # type: ignore[attr-defined]
    appeal.save(update_fields=["correcting_event"])
    AppealEvent.objects.create(
        appeal=appeal,
        kind=AppealEvent.Kind.CREDIT_CORRECTION,
        actor=actor,
        note=reasons.strip(),
        note_message=stored(
            text(
                "Rating corrected to %(rating)s from %(date)s",
                rating=name_of(event.to_rating),
                date=event.effective_date,
            )
        ),
    )
    notify(
        _enterprise_users(appeal),
        verb="appeal_credit_corrected",
        title=text(
            "Your credit rating was corrected after appeal #%(pk)s: %(rating)s from %(date)s",
            pk=appeal.pk,
            rating=name_of(event.to_rating),
            date=event.effective_date,
        ),
        body=reasons.strip(),
        url=_portal_url(appeal),
        enterprise_id=appeal.enterprise_id,
    )
    return event


def is_triage_staff(user) -> bool:
    return user.has_role(Role.CUSTOMS_OFFICER, Role.MANAGER, Role.ADMINISTRATOR)


# --- From a coordination request (service 2: hearing and reporting reasonable appeals) --------------------


@transaction.atomic
def appeal_from_request(*, request, actor, appeal_type: str, note: str = "") -> Appeal:
    """Turn an "appeals" coordination request into an appeal filed in the enterprise's name (the author of
    the request); the request is closed as converted. Complaints about a coordinator are refused here:
    the enterprise files those itself, so that no coordinator handles them (integrity channel)."""

    if not actor.is_customs_staff or not can_see(actor, request):
        raise PermissionDeniedError(_("You may not convert this request."))
    if request.service_type != ServiceType.APPEALS:
        raise AppealError(_("Only a request for hearing an appeal can become an appeal."))
    if appeal_type == AppealType.COORDINATOR_CONDUCT:
        raise AppealError(
            _(
                "An appeal about a coordinator is filed by the enterprise itself, directly to the Management Department."
            )
        )
    if request.converted_appeal_id or Appeal.objects.filter(source_request_id=request.pk).exists():
        raise ConflictError(_("This request was already converted to an appeal."))
    appeal = file_appeal(
        enterprise=request.enterprise,
        author=request.filed_by,
        appeal_type=appeal_type,
        subject=request.subject,
        grounds=request.description,
        filed_by_coordinator=True,
        source_request_id=request.pk,
    )
    AppealEvent.objects.filter(appeal=appeal, kind=AppealEvent.Kind.FILED).update(
        note_message=stored(
            text(
                "From coordination request #%(pk)s, converted by %(actor)s.", pk=request.pk, actor=str(actor)
            )
        )
    )
    mark_converted_to_appeal(request=request, actor=actor, appeal_id=appeal.pk, note=note)
    return appeal
