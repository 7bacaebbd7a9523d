"""Every write to coordination requests: keyword-only arguments, one transaction,
``DomainError`` subclasses with translatable messages. Views, the API, the admin and Celery tasks call
these functions; statuses change only through ``states.transition``.
"""

from __future__ import annotations

import datetime
from typing import cast

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coordination import access, knowledge, sla
from coordination import search as full_text
from coordination.models import (
    OPEN_STATUSES,
    CoordinationRequest,
    PublishedAnswer,
    RequestAttachment,
    RequestHandler,
    RequestMessage,
    RequestStatus,
    RequestTransfer,
    RequestTransition,
    SavedFilter,
    ServiceType,
    SiteVisit,
    SiteVisitRecord,
    Urgency,
    VisitAction,
    VisitAttachment,
    VisitSignature,
)
from coordination.notifications import notify_message
from coordination.states import transition
from coordinators.models import Coordinator, PairAssignment
from portal import uploads
from portal.conf import tunable
from portal.exceptions import ConflictError, DomainError, PermissionDeniedError
from portal.messages import name_of, text
from portal.notifications import forget_enterprise, notify

S = RequestStatus
# A reply to the enterprise is possible in these statuses (internal notes always).
_REPLY_STATUSES = (S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.AWAITING_ENTERPRISE, S.RESOLVED)


class RequestError(DomainError):
    pass


class IdentityStillPresent(DomainError):
    """Publishing refused: the enterprise's name, USCC or customs code still appears in the text."""

    def __init__(self, leaks: list[str]):
        super().__init__(
            _(
                "The text still identifies the enterprise (%(terms)s). Remove it, or confirm that you publish it anyway."
            )
            % {"terms": ", ".join(leaks)}
        )
        self.leaks = leaks


def _lock(request: CoordinationRequest) -> CoordinationRequest:
    return (
        CoordinationRequest.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=request.pk)
    )


def _coordinator_of(user) -> Coordinator | None:
    return Coordinator.objects.filter(user=user).first() if user is not None else None


def _add_handler(request: CoordinationRequest, coordinator: Coordinator | None, reason: str, now) -> None:
    """Make ``coordinator`` an active handler (again, if they once handled it)."""
    if coordinator is None:
        return
    handler, created = RequestHandler.objects.get_or_create(
        request=request, coordinator=coordinator, defaults={"reason": reason, "added_at": now}
    )
    if not created and handler.ended_at is not None:
        handler.ended_at, handler.end_reason, handler.reason = None, "", reason
        handler.save(update_fields=["ended_at", "end_reason", "reason"])


def _store_files(
    request: CoordinationRequest, checked, *, author, message=None, internal=False, now=None
) -> list[RequestAttachment]:
    return [
        RequestAttachment.from_checked(
            item,
            uploaded_by=author,
            request=request,
            message=message,
            is_internal=internal,
            uploaded_at=now or timezone.now(),
        )
        for item in checked
    ]


def _system_message(
    request, author, message, now, *, from_customs: bool = False, internal: bool = False
) -> RequestMessage:
    """A line the system writes on the thread, rendered in each reader's language (``body`` keeps its
    text in the author's language for search); ``internal`` lines are for customs only."""
    created = RequestMessage.objects.create(
        request=request,
        author=author,
        from_customs=from_customs or internal,
        is_internal=internal,
        body=str(message),
        system_message=message.as_json(),
        created_at=now,
    )
    full_text.index_request(request.pk)
    return created


# --- Filing --------------------------------------------------------------------------------------


@transaction.atomic
def file_request(
    *,
    enterprise,
    author,
    service_type: str,
    subject: str,
    description: str,
    urgency: str = Urgency.NORMAL,
    files=(),
    now: datetime.datetime | None = None,
) -> CoordinationRequest:
    """An enterprise member files a request to its coordinators. The SLA targets of the service type
    start now; the enterprise's pair becomes the request's handlers; the pair is notified."""
    now = now or timezone.now()
    if not access.is_member(author, enterprise.pk):
        raise PermissionDeniedError(_("Only members of the enterprise may file its requests."))
    if service_type not in ServiceType.values:
        raise RequestError(_("Choose one of the seven services."))
    if urgency not in Urgency.values:
        raise RequestError(_("Choose an urgency."))
    subject, description = (subject or "").strip(), (description or "").strip()
    if not subject or not description:
        raise RequestError(_("A request needs a subject and a description."))
    if enterprise.rating_id is None or not enterprise.rating.gets_coordinators:
        raise RequestError(
            _(
                "Coordinators serve advanced-certified enterprises; please use the 12360 hotline or the online service hall."
            )
        )
    checked = uploads.check_uploads(files)
    first_due, resolution_due = sla.due_dates(service_type, now)
    request = CoordinationRequest.objects.create(
        enterprise=enterprise,
        service_type=service_type,
        subject=subject[:200],
        description=description,
        urgency=urgency,
        filed_by=author,
        filed_at=now,
        status_changed_at=now,
        first_office_id=enterprise.local_customs_id,
        responsible_office_id=enterprise.local_customs_id,
        first_response_due=first_due,
        resolution_due=resolution_due,
        next_due=first_due,
    )
    RequestTransition.objects.create(
        request=request, action="file", from_status="", to_status=S.SUBMITTED, actor=author, at=now
    )
    pair = PairAssignment.objects.filter(enterprise=enterprise, ended_on__isnull=True).first()
    if pair is not None:
        for coordinator_id in (pair.coordinator_a_id, pair.coordinator_b_id):
            RequestHandler.objects.create(
                request=request,
                coordinator_id=coordinator_id,
                reason=RequestHandler.Reason.PAIR,
                added_at=now,
            )
    _store_files(request, checked, author=author, now=now)
    full_text.index_request(request.pk)
    notify_message(
        request,
        actor=author,
        internal=False,
        title=text("New request #%(number)s: %(subject)s", number=request.pk, subject=subject[:60]),
        body=description[:500],
    )
    return request


# --- Conversation --------------------------------------------------------------------------------


@transaction.atomic
def post_message(
    *, request: CoordinationRequest, author, body: str = "", internal: bool = False, files=(), now=None
) -> RequestMessage:
    """A reply (with files) on the thread. From the enterprise it restarts a paused clock; from customs it
    is the first response and moves an accepted request into progress. Internal notes are customs-only
    and change nothing else."""
    now = now or timezone.now()
    request = _lock(request)
    body = (body or "").strip()
    checked = uploads.check_uploads(files)
    if not body and not checked:
        raise RequestError(_("Write a message or attach a file."))
    from_customs = access.can(author, request, access.CUSTOMS)
    if not from_customs:
        access.check_can(author, request, access.ENTERPRISE)
        if internal:
            raise PermissionDeniedError(_("Only customs staff write internal notes."))
        if not request.is_open:
            raise ConflictError(_("This request is closed; reopen it to continue the conversation."))
    elif not internal and request.status not in _REPLY_STATUSES:
        raise ConflictError(
            _("This request is “%(status)s”; a reply is not possible now.")
            % {"status": request.get_status_display()}
        )
    message = RequestMessage.objects.create(
        request=request,
        author=author,
        from_customs=from_customs,
        body=body or _("(files attached)"),
        is_internal=internal and from_customs,
        created_at=now,
    )
    _store_files(request, checked, author=author, message=message, internal=message.is_internal, now=now)
    full_text.index_request(request.pk)
    if not message.is_internal:
        if from_customs:
            _customs_responded(request, author, now)
        elif request.status == S.AWAITING_ENTERPRISE:
            fields = sla.resume(request, now)
            transition(request, "provide_information", actor=author, note="", update_fields=fields, now=now)
    notify_message(
        request,
        actor=author,
        internal=message.is_internal,
        title=text(
            "New message on request #%(number)s: %(subject)s", number=request.pk, subject=request.subject[:60]
        ),
        body=message.body[:500],
    )
    return message


@transaction.atomic
def post_department_answer(
    *, request: CoordinationRequest, author, body: str, files=(), now=None
) -> RequestMessage:
    """A department's answer to a coordinator's referral, written on the request's thread as an
    internal note (customs only; the coordinator decides whether to pass it on to the enterprise).

    The author's right to answer (a liaison officer of the department the question was referred to) is
    checked by ``liaison.services.answer_referral``, this function's one caller."""
    now = now or timezone.now()
    request = _lock(request)
    body = (body or "").strip()
    checked = uploads.check_uploads(files)
    if not body:
        raise RequestError(_("Write the answer."))
    message = RequestMessage.objects.create(
        request=request,
        author=author,
        from_customs=True,
        kind=RequestMessage.Kind.DEPARTMENT_ANSWER,
        body=body,
        is_internal=True,
        created_at=now,
    )
    _store_files(request, checked, author=author, message=message, internal=True, now=now)
    notify_message(
        request,
        actor=author,
        internal=True,
        title=text(
            "New message on request #%(number)s: %(subject)s", number=request.pk, subject=request.subject[:60]
        ),
        body=body[:500],
    )
    return message


def _mark_first_response(request: CoordinationRequest, now) -> list[str]:
    if request.first_responded_at is None:
        request.first_responded_at = now
        return ["first_responded_at"]
    return []


def _customs_responded(request: CoordinationRequest, actor, now) -> None:
    coordinator = _coordinator_of(actor)
    if request.status == S.SUBMITTED:
        _accept(request, actor, coordinator, now)
    if request.status == S.ACCEPTED:
        transition(request, "start", actor=actor, now=now, update_fields=_mark_first_response(request, now))
    elif request.first_responded_at is None:
        request.first_responded_at = now
        request.next_due = request.compute_next_due()
        request.save(update_fields=["first_responded_at", "next_due"])


def _accept(request, actor, coordinator, now) -> None:
    # Accepting puts the request in the coordinator's hands; it is not a response to the enterprise, so
    # the first-response clock keeps running (docs/DOMAIN.md, "Coordination requests").
    fields = []
    if coordinator is not None and request.lead_id is None:
        request.lead = coordinator
        fields.append("lead")
    _add_handler(request, coordinator, RequestHandler.Reason.ACCEPTED, now)
    transition(request, "accept", actor=actor, now=now, update_fields=fields)


@transaction.atomic
def accept(*, request: CoordinationRequest, actor, now=None) -> CoordinationRequest:
    now = now or timezone.now()
    request = _lock(request)
    _accept(request, actor, _coordinator_of(actor), now)
    return request


@transaction.atomic
def assign(*, request: CoordinationRequest, actor, coordinator: Coordinator, now=None) -> CoordinationRequest:
    """Hand an open request to ``coordinator`` of the enterprise's pair (or one already handling it): it
    becomes the request's lead, shown as its assignee, and is told. Assigning is customs' internal
    organisation: the enterprise is not told and the clocks are not touched; an internal line on the
    thread records who assigned whom."""
    now = now or timezone.now()
    request = _lock(request)
    access.check_can(actor, request, access.CUSTOMS)
    if not request.is_open or request.status == S.TRANSFERRED:
        raise ConflictError(
            _("A request is assigned while it is open and not being transferred (now “%(status)s”).")
            % {"status": request.get_status_display()}
        )
    pair = PairAssignment.objects.filter(enterprise_id=request.enterprise_id, ended_on__isnull=True).first()
    within = {pair.coordinator_a_id, pair.coordinator_b_id} if pair else set()
    within |= set(
        RequestHandler.objects.filter(request=request, ended_at__isnull=True).values_list(
            "coordinator_id", flat=True
        )
    )
    if coordinator.pk not in within:
        raise RequestError(
            _("Assign the request within the enterprise's coordinator pair or to a coordinator handling it.")
        )
    if (
        not Coordinator.objects.assignable(timezone.localdate(now))
        .not_recused_from(request.enterprise_id)
        .filter(pk=coordinator.pk)
        .exists()
    ):
        raise RequestError(
            _("%(name)s cannot take the request: not active, not qualified or withdrawn from the enterprise.")
            % {"name": coordinator}
        )
    if request.lead_id == coordinator.pk:
        raise ConflictError(_("The request is already assigned to %(name)s.") % {"name": coordinator})
    request.lead = coordinator
    request.save(update_fields=["lead"])
    _add_handler(request, coordinator, RequestHandler.Reason.ASSIGNED, now)
    _system_message(
        request,
        actor,
        text("Assigned to %(name)s.", name=coordinator.user.display_name),
        now,
        internal=True,
    )
    notify(
        [coordinator.user] if coordinator.user_id != actor.pk else [],
        verb="request_assigned",
        title=text(
            "Request #%(number)s was assigned to you: %(subject)s",
            number=request.pk,
            subject=request.subject[:60],
        ),
        url=reverse("coordination:request_detail", args=[request.pk]),
        enterprise_id=request.enterprise_id,
    )
    return request


# --- Saved filters of the workspace ---------------------------------------------------------------

MAX_SAVED_FILTERS = 30


@transaction.atomic
def save_filter(*, user, name: str, query: str) -> SavedFilter:
    """Save (or replace, under the same name) a view of the workspace for ``user``."""
    name = (name or "").strip()[:60]
    query = (query or "").strip().lstrip("?")[:500]
    if not name:
        raise RequestError(_("Name the filter."))
    if not query:
        raise RequestError(_("Choose a filter to save first."))
    existing = SavedFilter.objects.select_for_update().filter(user=user)
    if existing.count() >= MAX_SAVED_FILTERS and not existing.filter(name=name).exists():
        raise RequestError(_("You have %(n)d saved filters; delete one first.") % {"n": MAX_SAVED_FILTERS})
    saved, _created = SavedFilter.objects.update_or_create(user=user, name=name, defaults={"query": query})
    return saved


@transaction.atomic
def delete_filter(*, user, saved: SavedFilter) -> None:
    if saved.user_id != user.pk:
        raise PermissionDeniedError(_("This filter is not yours."))
    saved.delete()


@transaction.atomic
def ask_for_information(
    *, request: CoordinationRequest, actor, question: str, now=None
) -> CoordinationRequest:
    """Ask the enterprise for information: posted on the thread; the SLA clock pauses until it answers."""
    now = now or timezone.now()
    request = _lock(request)
    if not question.strip():
        raise RequestError(_("Say what information you need."))
    access.check_can(actor, request, access.CUSTOMS)
    fields = _mark_first_response(request, now) + sla.pause(request, now)
    transition(request, "ask_information", actor=actor, note=question, update_fields=fields, now=now)
    RequestMessage.objects.create(
        request=request,
        author=actor,
        from_customs=True,
        kind=RequestMessage.Kind.INFORMATION_REQUEST,
        body=question.strip(),
        created_at=now,
    )
    full_text.index_request(request.pk)
    return request


@transaction.atomic
def resolve(*, request: CoordinationRequest, actor, summary: str, now=None) -> CoordinationRequest:
    now = now or timezone.now()
    request = _lock(request)
    summary = (summary or "").strip()
    if not summary:
        raise RequestError(_("Write a summary of the resolution."))
    access.check_can(actor, request, access.CUSTOMS)
    fields = sla.resume(request, now) + _mark_first_response(request, now)
    request.resolved_at = now
    request.resolution_summary = summary
    _add_handler(request, _coordinator_of(actor), RequestHandler.Reason.SUBSTITUTE, now)
    transition(
        request,
        "resolve",
        actor=actor,
        note=summary,
        update_fields=[*fields, "resolved_at", "resolution_summary"],
        now=now,
    )
    RequestMessage.objects.create(
        request=request,
        author=actor,
        from_customs=True,
        kind=RequestMessage.Kind.RESOLUTION,
        body=summary,
        created_at=now,
    )
    full_text.index_request(request.pk)
    return request


@transaction.atomic
def reject(*, request: CoordinationRequest, actor, reason: str, now=None) -> CoordinationRequest:
    """Reject as outside the coordinators' scope, with a reason the enterprise sees."""
    now = now or timezone.now()
    request = _lock(request)
    access.check_can(actor, request, access.CUSTOMS)
    fields = _mark_first_response(request, now)
    request.closed_at = now
    transition(
        request,
        "reject",
        actor=actor,
        note=(reason or "").strip(),
        update_fields=[*fields, "closed_at"],
        now=now,
    )
    return request


@transaction.atomic
def withdraw(*, request: CoordinationRequest, actor, reason: str = "", now=None) -> CoordinationRequest:
    """The contact person withdraws the request (staff may not: see ``access``)."""
    now = now or timezone.now()
    request = _lock(request)
    access.check_can(actor, request, access.CONTACT_PERSON)
    request.closed_at = now
    fields = ["closed_at"]
    if request.status == S.TRANSFERRED:
        fields += _close_pending_transfer(
            request, actor, RequestTransfer.Outcome.DECLINED, _("Withdrawn by the enterprise."), now
        )
    transition(request, "withdraw", actor=actor, note=(reason or "").strip(), update_fields=fields, now=now)
    return request


@transaction.atomic
def confirm_resolution(
    *, request: CoordinationRequest, actor, rating: int, comment: str = "", now=None
) -> CoordinationRequest:
    """The contact person confirms the resolution and rates the service (1–5)."""
    now = now or timezone.now()
    request = _lock(request)
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise RequestError(_("Rate the service from 1 to 5."))
    request.rating = rating
    request.rating_comment = (comment or "").strip()
    request.closed_at = now
    transition(
        request,
        "confirm",
        actor=actor,
        note=request.rating_comment,
        update_fields=["rating", "rating_comment", "closed_at"],
        now=now,
    )
    return request


@transaction.atomic
def reopen(*, request: CoordinationRequest, actor, reason: str, now=None) -> CoordinationRequest:
    """The contact person reopens a resolved (or confirmed) request within the reopen window."""
    now = now or timezone.now()
    request = _lock(request)
    access.check_can(actor, request, access.CONTACT_PERSON)
    until = request.reopen_until
    if until is None or now > until:
        window = int(tunable("REOPEN_WINDOW_DAYS"))
        raise ConflictError(
            ngettext(
                "A request can be reopened within %(days)s day of its resolution.",
                "A request can be reopened within %(days)s days of its resolution.",
                window,
            )
            % {"days": window}
        )
    fields = sla.restart_resolution_clock(request, now)
    request.closed_at = None
    request.rating = None
    request.rating_comment = ""
    transition(
        request,
        "reopen",
        actor=actor,
        note=(reason or "").strip(),
        update_fields=[*fields, "closed_at", "rating", "rating_comment"],
        now=now,
    )
    return request


# --- First-consulting responsibility: transfers ---------------------------------------------------


@transaction.atomic
def transfer(
    *, request: CoordinationRequest, actor, reason: str, to_office=None, to_department=None, now=None
) -> RequestTransfer:
    """Transfer to another local customs office or a department. The current office stays responsible
    (shown on the request) until the receiving one accepts; nothing is dropped."""
    now = now or timezone.now()
    request = _lock(request)
    if (to_office is None) == (to_department is None):
        raise RequestError(_("Choose either a local customs office or a department to transfer to."))
    if (
        to_office is not None
        and to_office.pk == request.responsible_office_id
        and not request.responsible_department_id
    ):
        raise RequestError(_("The request is already with this office."))
    if to_department is not None and to_department.pk == request.responsible_department_id:
        raise RequestError(_("The request is already with this department."))
    if not (reason or "").strip():
        raise RequestError(_("Give the reason for the transfer."))
    access.check_can(actor, request, access.CUSTOMS)
    RequestTransfer.objects.create(
        request=request,
        from_office_id=request.responsible_office_id,
        from_department_id=request.responsible_department_id,
        to_office=to_office,
        to_department=to_department,
        reason=reason.strip(),
        requested_by=actor,
        requested_at=now,
    )
    request.pending_office = to_office
    request.pending_department = to_department
    # A transfer is between customs offices, not a response to the enterprise: the clocks keep running.
    fields = ["pending_office", "pending_department"]
    target = to_office or to_department
    transition(
        request,
        "transfer",
        actor=actor,
        note=reason.strip(),
        note_message=text("Transferred to %(target)s", target=name_of(target)),
        update_fields=fields,
        now=now,
    )
    return RequestTransfer.objects.get(request=request, outcome=RequestTransfer.Outcome.PENDING)


def _close_pending_transfer(request, actor, outcome, note, now) -> list[str]:
    RequestTransfer.objects.filter(request=request, outcome=RequestTransfer.Outcome.PENDING).update(
        outcome=outcome, decided_by=actor, decided_at=now, decision_note=note
    )
    request.pending_office = None
    request.pending_department = None
    return ["pending_office", "pending_department"]


@transaction.atomic
def accept_transfer(*, request: CoordinationRequest, actor, now=None) -> CoordinationRequest:
    """The receiving office or department accepts: from now on it is responsible."""
    now = now or timezone.now()
    request = _lock(request)
    access.check_can(actor, request, access.RECEIVING)
    request.responsible_office_id = request.pending_office_id or request.responsible_office_id
    request.responsible_department_id = request.pending_department_id
    fields = ["responsible_office", "responsible_department"]
    fields += _close_pending_transfer(request, actor, RequestTransfer.Outcome.ACCEPTED, "", now)
    # From now on exactly one office acts: the receiving one. The handlers of the office that gave the
    # request away stop handling it (their rows are ended, the history stays).
    RequestHandler.objects.filter(request=request, ended_at__isnull=True).update(
        ended_at=now, end_reason=RequestHandler.EndReason.TRANSFERRED
    )
    coordinator = _coordinator_of(actor)
    request.lead = coordinator
    fields.append("lead")
    _add_handler(request, coordinator, RequestHandler.Reason.SUBSTITUTE, now)
    # The actor was checked above, before the pending target was cleared.
    transition(request, "accept_transfer", actor=actor, update_fields=fields, now=now, check_actor=False)
    return request


@transaction.atomic
def decline_transfer(*, request: CoordinationRequest, actor, reason: str, now=None) -> CoordinationRequest:
    """The receiving side declines; the request stays with (returns to) the responsible office."""
    now = now or timezone.now()
    request = _lock(request)
    access.check_can(actor, request, access.RECEIVING)
    if not (reason or "").strip():
        raise RequestError(_("Give the reason for declining the transfer."))
    fields = _close_pending_transfer(request, actor, RequestTransfer.Outcome.DECLINED, reason.strip(), now)
    transition(
        request,
        "decline_transfer",
        actor=actor,
        note=reason.strip(),
        update_fields=fields,
        now=now,
        check_actor=False,
    )
    return request


# --- Appeals (called by the appeals app) ----------------------------------------------------------


@transaction.atomic
def mark_converted_to_appeal(
    *, request: CoordinationRequest, actor, appeal_id: int, note: str = "", now=None
) -> CoordinationRequest:
    """Close an open request because it became appeal ``appeal_id`` (for the appeals app to call in
    its own transaction). The request keeps its thread; the transition note says where it went."""
    now = now or timezone.now()
    request = _lock(request)
    if request.converted_appeal_id is not None:
        raise ConflictError(_("This request was already converted to an appeal."))
    request.converted_appeal_id = appeal_id
    request.closed_at = now
    transition(
        request,
        "convert_to_appeal",
        actor=actor,
        note=note.strip(),
        note_message=text("Converted to appeal #%(appeal)s.", appeal=appeal_id),
        update_fields=["converted_appeal_id", "closed_at", *_mark_first_response(request, now)],
        now=now,
    )
    return request


# --- Site visits ---------------------------------------------------------------------------------


@transaction.atomic
def request_site_visit(*, request: CoordinationRequest, actor, note: str, now=None) -> CoordinationRequest:
    """The contact person asks the coordinators to visit the premises."""
    now = now or timezone.now()
    request = _lock(request)
    access.check_can(actor, request, access.CONTACT_PERSON)
    if not request.is_open:
        raise ConflictError(_("A site visit can be asked for on an open request only."))
    if request.site_visit_requested_at is not None:
        raise ConflictError(_("A site visit was already asked for on this request."))
    request.site_visit_requested_at = now
    request.save(update_fields=["site_visit_requested_at"])
    _system_message(
        request, actor, text("Site visit requested: %(note)s", note=(note or "").strip() or "—"), now
    )
    notify_message(
        request,
        actor=actor,
        internal=False,
        title=text("Site visit requested on request #%(number)s", number=request.pk),
        body=note,
    )
    return request


@transaction.atomic
def schedule_site_visit(
    *,
    request: CoordinationRequest,
    actor,
    coordinators,
    scheduled_for: datetime.datetime,
    place: str,
    purpose: str,
) -> SiteVisit:
    """Schedule a visit to the enterprise's premises. DOMAIN rule: coordinators work at an enterprise's
    premises in pairs — two distinct coordinators, each assignable (active, qualified on the visit date)
    and not recused from the enterprise (the pair, or a substitute)."""
    request = _lock(request)
    access.check_can(actor, request, access.CUSTOMS)
    enterprise = request.enterprise
    ids = {c.pk for c in coordinators if c is not None}
    if len(ids) != 2:
        raise RequestError(_("A site visit needs two different coordinators."))
    if scheduled_for <= timezone.now():
        raise RequestError(_("Schedule the visit in the future."))
    if not (place or "").strip() or not (purpose or "").strip():
        raise RequestError(_("Give the place and the purpose of the visit."))
    on = timezone.localtime(scheduled_for).date()
    eligible = list(
        Coordinator.objects.assignable(on)
        .not_recused_from(enterprise)
        .filter(pk__in=ids)
        .select_related("user")
    )
    if len(eligible) != 2:
        refused = ", ".join(
            str(c)
            for c in Coordinator.objects.filter(pk__in=ids - {c.pk for c in eligible}).select_related("user")
        )
        raise RequestError(
            _(
                "%(names)s cannot visit: a coordinator must be active, qualified on the visit date and not recused from the enterprise."
            )
            % {"names": refused}
        )
    a, b = sorted(eligible, key=lambda c: c.pk)
    visit = SiteVisit.objects.create(
        request=request,
        enterprise=enterprise,
        coordinator_a=a,
        coordinator_b=b,
        scheduled_for=scheduled_for,
        place=place.strip(),
        purpose=purpose.strip(),
        scheduled_by=actor,
    )
    message = text(
        "Site visit scheduled for %(when)s at %(place)s by %(a)s and %(b)s. Purpose: %(purpose)s",
        when=scheduled_for,
        place=visit.place,
        a=str(a),
        b=str(b),
        purpose=visit.purpose,
    )
    _system_message(request, actor, message, timezone.now(), from_customs=True)
    notify_message(
        request,
        actor=actor,
        internal=False,
        title=text(
            "Site visit scheduled on request #%(number)s: %(when)s", number=request.pk, when=scheduled_for
        ),
        body=visit.purpose,
    )
    return visit


@transaction.atomic
def record_site_visit(
    *,
    visit: SiteVisit,
    actor,
    attendees: str,
    findings: str,
    actions=(),
    files=(),
    now: datetime.datetime | None = None,
) -> SiteVisitRecord:
    """One of the visit's coordinators writes what happened, on or after the visit's date (never
    before): who attended, the findings, follow-up actions with owners and due dates, files. Writing it
    is the writer's confirmation; the partner confirms next, then the contact person acknowledges or
    disputes it (``sign_visit_record``)."""
    now = now or timezone.now()
    visit = (
        SiteVisit.objects.select_for_update(of=("self",))
        .select_related("coordinator_a__user", "coordinator_b__user", "enterprise")
        .get(pk=visit.pk)
    )
    if visit.status != SiteVisit.Status.SCHEDULED:
        raise ConflictError(_("This visit is already recorded or cancelled."))
    if actor.pk not in (visit.coordinator_a.user_id, visit.coordinator_b.user_id):
        raise PermissionDeniedError(_("Only the two coordinators who visit write the record."))
    visit_day = timezone.localtime(visit.scheduled_for).date()
    if timezone.localtime(now).date() < visit_day:
        raise RequestError(
            _("A visit is recorded on or after its date (%(date)s).") % {"date": visit_day.isoformat()}
        )
    attendees, findings = (attendees or "").strip(), (findings or "").strip()
    if not attendees or not findings:
        raise RequestError(_("Write who attended and what was found."))
    clean_actions = []
    for action in actions:
        description = (action.get("description") or "").strip()
        if not description:
            continue
        if action.get("owner") not in VisitAction.Owner.values or not action.get("due_on"):
            raise RequestError(_("Give every follow-up action an owner and a due date."))
        if action["due_on"] < visit_day:
            raise RequestError(_("A follow-up action is due after the visit, not before it."))
        clean_actions.append(
            VisitAction(description=description[:300], owner=action["owner"], due_on=action["due_on"])
        )
    checked = uploads.check_uploads(files)
    record = SiteVisitRecord.objects.create(
        visit=visit, attendees=attendees, findings=findings, written_by=actor, written_at=now
    )
    for action in clean_actions:
        action.record = record
    VisitAction.objects.bulk_create(clean_actions)
    for item in checked:
        VisitAttachment.from_checked(item, uploaded_by=actor, record=record)
    VisitSignature.objects.create(
        record=record, signer=actor, decision=VisitSignature.Decision.CONFIRMED, signed_at=now
    )
    visit.status = SiteVisit.Status.DONE
    visit.save(update_fields=["status"])
    partner = visit.coordinator_b if visit.coordinator_a.user_id == actor.pk else visit.coordinator_a
    notify(
        [partner.user],
        verb="visit_record",
        title=text("Confirm the record of the site visit of %(when)s", when=visit.scheduled_for),
        url=reverse("coordination:visit_detail", args=[visit.pk]),
        enterprise_id=visit.enterprise_id,
    )
    return record


@transaction.atomic
def sign_visit_record(
    *, record: SiteVisitRecord, actor, decision: str, comment: str = "", now=None
) -> VisitSignature:
    """Co-sign a visit record: each coordinator of the visit confirms it; then the enterprise's contact
    person acknowledges it or disputes it with a comment. A signature is never changed."""
    now = now or timezone.now()
    record = (
        SiteVisitRecord.objects.select_for_update(of=("self",))
        .select_related("visit__coordinator_a", "visit__coordinator_b", "visit__enterprise")
        .get(pk=record.pk)
    )
    comment = (comment or "").strip()
    if record.signature_of(actor) is not None:
        raise ConflictError(_("You have already signed this record."))
    if actor.pk in record.coordinator_user_ids:
        if decision != VisitSignature.Decision.CONFIRMED:
            raise RequestError(_("A coordinator of the visit confirms its record."))
    elif access.is_contact_person(actor, record.visit.enterprise_id):
        if decision not in (VisitSignature.Decision.ACKNOWLEDGED, VisitSignature.Decision.DISPUTED):
            raise RequestError(_("Acknowledge the record, or dispute it with a comment."))
        if not record.confirmed_by_both:
            raise ConflictError(_("The enterprise signs once both coordinators have confirmed the record."))
        if decision == VisitSignature.Decision.DISPUTED and not comment:
            raise RequestError(_("Say what you dispute in the record."))
    else:
        raise PermissionDeniedError(
            _("Only the visit's coordinators and the enterprise's contact person sign.")
        )
    signature = VisitSignature.objects.create(
        record=record, signer=actor, decision=decision, comment=comment, signed_at=now
    )
    record = (
        SiteVisitRecord.objects.prefetch_related("signatures")
        .select_related("visit__coordinator_a__user", "visit__coordinator_b__user")
        .get(pk=record.pk)
    )
    url = reverse("coordination:visit_detail", args=[record.visit_id])
    if decision == VisitSignature.Decision.CONFIRMED and record.confirmed_by_both:
        notify(
            [access.contact_person_of(record.visit.enterprise_id)],
            verb="visit_record",
            title=text(
                "Please acknowledge the record of the site visit of %(when)s", when=record.visit.scheduled_for
            ),
            url=url,
            enterprise_id=record.visit.enterprise_id,
        )
    elif decision != VisitSignature.Decision.CONFIRMED:
        notify(
            [record.visit.coordinator_a.user, record.visit.coordinator_b.user],
            verb="visit_record",
            title=text(
                "The enterprise acknowledged the record of the site visit of %(when)s",
                when=record.visit.scheduled_for,
            )
            if decision == VisitSignature.Decision.ACKNOWLEDGED
            else text(
                "The enterprise disputes the record of the site visit of %(when)s",
                when=record.visit.scheduled_for,
            ),
            body=comment,
            url=url,
            enterprise_id=record.visit.enterprise_id,
        )
    return signature


# --- Published answers ---------------------------------------------------------------------------


@transaction.atomic
def publish_answer(
    *,
    request: CoordinationRequest,
    actor,
    title: str,
    question: str,
    answer: str,
    publish_despite_identity: bool = False,
) -> PublishedAnswer:
    """Publish a resolved request as a question and answer for all enterprises, identity removed.
    Refused with ``IdentityStillPresent`` while the enterprise's name, USCC or customs code appears in
    the text, unless the coordinator confirms (e.g. a public company named on purpose)."""
    request = _lock(request)
    access.check_can(actor, request, access.CUSTOMS)
    if request.status not in (S.RESOLVED, S.CLOSED) or request.resolved_at is None:
        raise ConflictError(_("Only a resolved request can be published."))
    if PublishedAnswer.objects.filter(source_request=request).exists():
        raise ConflictError(_("This request is already published."))
    title, question, answer = (title or "").strip(), (question or "").strip(), (answer or "").strip()
    if not (title and question and answer):
        raise RequestError(_("A published answer needs a title, a question and an answer."))
    leaks = knowledge.identity_leaks(request.enterprise, title, question, answer)
    if leaks and not publish_despite_identity:
        raise IdentityStillPresent(leaks)
    answer_row = PublishedAnswer.objects.create(
        source_request=request,
        service_type=request.service_type,
        title=title[:200],
        question=question,
        answer=answer,
        search_text=knowledge.search_text(title, question, answer),
        published_by=actor,
    )
    full_text.index_answer(answer_row.pk)
    return answer_row


@transaction.atomic
def publish_general_answer(
    *, actor, service_type: str, title: str, question: str, answer: str
) -> PublishedAnswer:
    """Publish a question and answer not drawn from one request (e.g. a frequently asked question
    collected by the Management Department)."""
    if not actor.is_customs_staff:
        raise PermissionDeniedError(_("Only customs staff publish answers."))
    if service_type not in ServiceType.values:
        raise RequestError(_("Choose one of the seven services."))
    title, question, answer = (title or "").strip(), (question or "").strip(), (answer or "").strip()
    if not (title and question and answer):
        raise RequestError(_("A published answer needs a title, a question and an answer."))
    answer_row = PublishedAnswer.objects.create(
        service_type=service_type,
        title=title[:200],
        question=question,
        answer=answer,
        search_text=knowledge.search_text(title, question, answer),
        published_by=actor,
    )
    full_text.index_answer(answer_row.pk)
    return answer_row


# --- When a coordinator stops serving an enterprise -----------------------------------------------

HANDLER_END_REASONS = {
    "recusal": RequestHandler.EndReason.RECUSAL,
    "disqualification": RequestHandler.EndReason.DISQUALIFICATION,
    "qualification_lapsed": RequestHandler.EndReason.QUALIFICATION_LAPSED,
    "rotation": RequestHandler.EndReason.ROTATION,
}


@transaction.atomic
def hand_over(
    *, enterprise, leaving: Coordinator, substitute: Coordinator | None, reason: str, actor=None, now=None
) -> dict[str, list[int]]:
    """Move the open work of ``enterprise`` from ``leaving`` to ``substitute`` (or to nobody) in one
    transaction (DOMAIN note: ownership follows the rules): ``leaving`` stops handling its open requests
    (and leading them), is taken off its scheduled site visits — replaced by ``substitute`` when they may
    visit, else the visit is cancelled and everyone is told — and loses what the bell told them about
    the enterprise. Called through the ``coordinators.pair_changed`` hook. Returns what moved: the open
    requests ``leaving`` handled (their internal notes go with them) and the visits moved or cancelled."""
    now = now or timezone.now()
    end_reason = HANDLER_END_REASONS.get(reason, RequestHandler.EndReason.REPLACED)
    open_ids = list(
        CoordinationRequest.objects.filter(enterprise=enterprise, status__in=OPEN_STATUSES).values_list(
            "pk", flat=True
        )
    )
    handled = list(
        RequestHandler.objects.filter(
            request_id__in=open_ids, coordinator=leaving, ended_at__isnull=True
        ).values_list("request_id", flat=True)
    )
    RequestHandler.objects.filter(request_id__in=handled, coordinator=leaving).update(
        ended_at=now, end_reason=end_reason
    )
    if substitute is not None and handled:
        RequestHandler.objects.bulk_create(
            [
                RequestHandler(
                    request_id=pk,
                    coordinator=substitute,
                    reason=RequestHandler.Reason.SUBSTITUTE,
                    added_at=now,
                )
                for pk in handled
            ],
            ignore_conflicts=True,
        )
        RequestHandler.objects.filter(request_id__in=handled, coordinator=substitute).update(
            ended_at=None, end_reason=""
        )
    CoordinationRequest.objects.filter(pk__in=open_ids, lead=leaving).update(lead=substitute)
    moved: dict[str, list[int]] = {"requests": sorted(handled), "visits_moved": [], "visits_cancelled": []}
    for visit in (
        SiteVisit.objects.select_for_update(of=("self",))
        .filter(enterprise=enterprise, status=SiteVisit.Status.SCHEDULED)
        .filter(Q(coordinator_a=leaving) | Q(coordinator_b=leaving))
        .select_related("coordinator_a__user", "coordinator_b__user")
    ):
        kept = _take_off_visit(visit, leaving=leaving, substitute=substitute, actor=actor, now=now)
        moved["visits_moved" if kept else "visits_cancelled"].append(visit.pk)
    forget_enterprise([leaving.user_id], enterprise.pk)
    return moved


def _take_off_visit(
    visit: SiteVisit, *, leaving: Coordinator, substitute: Coordinator | None, actor, now
) -> bool:
    """Replace ``leaving`` on the visit by ``substitute`` when they may visit (True), else cancel it."""
    partner = cast(
        Coordinator, visit.coordinator_b if visit.coordinator_a_id == leaving.pk else visit.coordinator_a
    )
    on = timezone.localtime(visit.scheduled_for).date()
    may_visit = (
        substitute is not None
        and substitute.pk != partner.pk
        and Coordinator.objects.assignable(on)
        .not_recused_from(visit.enterprise_id)
        .filter(pk=substitute.pk)
        .exists()
    )
    if may_visit and substitute is not None:
        first, second = sorted([partner, substitute], key=lambda c: c.pk)
        visit.coordinator_a, visit.coordinator_b = first, second
        visit.save(update_fields=["coordinator_a", "coordinator_b"])
        message = text(
            "%(new)s replaces %(old)s on the site visit of %(when)s.",
            new=str(substitute),
            old=str(leaving),
            when=visit.scheduled_for,
        )
    else:
        visit.status = SiteVisit.Status.CANCELLED
        visit.save(update_fields=["status"])
        message = text(
            "The site visit of %(when)s is cancelled: %(old)s no longer serves the enterprise. Your coordinators will propose a new date.",
            when=visit.scheduled_for,
            old=str(leaving),
        )
    if visit.request_id is not None:
        request = cast(CoordinationRequest, visit.request)
        _system_message(request, actor or leaving.user, message, now, from_customs=True)
        notify_message(request, actor=None, internal=False, title=message)
    return bool(may_visit)


def on_pair_changed(*, enterprise, changes, reason, actor) -> dict[str, list[int]]:
    """The ``coordinators.pair_changed`` hook (registered in ``CoordinationConfig.ready``)."""
    moved: dict[str, list[int]] = {}
    for leaving, substitute in changes:
        summary = hand_over(
            enterprise=enterprise, leaving=leaving, substitute=substitute, reason=reason, actor=actor
        )
        for key, ids in summary.items():
            moved.setdefault(key, []).extend(ids)
    return moved
