"""The state machine of coordination requests: ONE table of allowed transitions and ONE function that
applies them. No other code assigns ``CoordinationRequest.status``.

submitted → accepted → in progress ⇄ awaiting enterprise → resolved → closed; rejected; withdrawn;
transferred (pending acceptance by the receiving office; first-consulting responsibility).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coordination import access
from coordination.models import CoordinationRequest, RequestStatus, RequestTransition
from coordination.notifications import notify_status_change
from portal.exceptions import ConflictError
from portal.messages import Text, label, text

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise
else:
    StrOrPromise = str

S = RequestStatus
ACTIVE = frozenset({S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS, S.AWAITING_ENTERPRISE})


@dataclass(frozen=True)
class Action:
    name: str
    sources: frozenset[str]
    target: str
    side: str  # who may take it: see coordination.access
    label: StrOrPromise
    needs_note: bool = False


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action("accept", frozenset({S.SUBMITTED}), S.ACCEPTED, access.CUSTOMS, gettext_lazy("Accept")),
        Action("start", frozenset({S.ACCEPTED}), S.IN_PROGRESS, access.CUSTOMS, gettext_lazy("Start work")),
        Action(
            "ask_information",
            frozenset({S.ACCEPTED, S.IN_PROGRESS}),
            S.AWAITING_ENTERPRISE,
            access.CUSTOMS,
            gettext_lazy("Ask the enterprise for information"),
            needs_note=True,
        ),
        Action(
            "provide_information",
            frozenset({S.AWAITING_ENTERPRISE}),
            S.IN_PROGRESS,
            access.ENTERPRISE,
            gettext_lazy("Provide information"),
        ),
        Action(
            "resolve",
            frozenset({S.ACCEPTED, S.IN_PROGRESS, S.AWAITING_ENTERPRISE}),
            S.RESOLVED,
            access.CUSTOMS,
            gettext_lazy("Resolve"),
            needs_note=True,
        ),
        Action(
            "confirm",
            frozenset({S.RESOLVED}),
            S.CLOSED,
            access.CONTACT_PERSON,
            gettext_lazy("Confirm resolution"),
        ),
        Action(
            "reopen",
            frozenset({S.RESOLVED, S.CLOSED}),
            S.IN_PROGRESS,
            access.CONTACT_PERSON,
            gettext_lazy("Reopen"),
            needs_note=True,
        ),
        Action(
            "reject",
            ACTIVE,
            S.REJECTED,
            access.CUSTOMS,
            gettext_lazy("Reject as outside scope"),
            needs_note=True,
        ),
        Action(
            "withdraw", ACTIVE | {S.TRANSFERRED}, S.WITHDRAWN, access.CONTACT_PERSON, gettext_lazy("Withdraw")
        ),
        Action(
            "transfer",
            frozenset({S.SUBMITTED, S.ACCEPTED, S.IN_PROGRESS}),
            S.TRANSFERRED,
            access.CUSTOMS,
            gettext_lazy("Transfer"),
            needs_note=True,
        ),
        Action(
            "accept_transfer",
            frozenset({S.TRANSFERRED}),
            S.ACCEPTED,
            access.RECEIVING,
            gettext_lazy("Accept the transfer"),
        ),
        Action(
            "decline_transfer",
            frozenset({S.TRANSFERRED}),
            S.IN_PROGRESS,
            access.RECEIVING,
            gettext_lazy("Decline the transfer"),
            needs_note=True,
        ),
        Action(
            "convert_to_appeal",
            ACTIVE,
            S.CLOSED,
            access.SYSTEM,
            gettext_lazy("Convert to an appeal"),
            needs_note=True,
        ),
    ]
}


def allowed(request: CoordinationRequest, action: str) -> bool:
    spec = ACTIONS.get(action)
    return spec is not None and request.status in spec.sources


def available_actions(request: CoordinationRequest, user) -> list[Action]:
    """The actions ``user`` may take on ``request`` now (for buttons and the API)."""
    sides: dict[str, bool] = {}
    result = []
    for spec in ACTIONS.values():
        if request.status not in spec.sources or spec.name in (
            "start",
            "provide_information",
            "convert_to_appeal",
        ):
            continue
        if spec.side not in sides:
            sides[spec.side] = access.can(user, request, spec.side)
        if sides[spec.side]:
            result.append(spec)
    return result


def transition(
    request: CoordinationRequest,
    action: str,
    *,
    actor,
    note: str = "",
    note_message: Text | None = None,
    update_fields: list[str] | None = None,
    now: datetime.datetime | None = None,
    check_actor: bool = True,
) -> RequestTransition:
    """Move ``request`` by ``action``: check the table and the actor, save, record, notify.

    Call inside the service's transaction with the request row locked. ``update_fields`` lists the
    other fields the service changed on ``request`` so they are saved with the status.
    """

    spec = ACTIONS.get(action)
    if spec is None:
        raise ConflictError(_("Unknown action “%(action)s”.") % {"action": action})
    if request.status not in spec.sources:
        raise ConflictError(
            _("This request is “%(status)s”; “%(action)s” is not possible now.")
            % {"status": request.get_status_display(), "action": spec.label}
        )
    if check_actor:
        access.check_can(actor, request, spec.side)
    if spec.needs_note and not note.strip() and note_message is None:
        raise ConflictError(_("Give a reason or summary for “%(action)s”.") % {"action": spec.label})
    now = now or timezone.now()
    from_status = request.status
    request.status = spec.target
    request.status_changed_at = now
    request.next_due = request.compute_next_due()
    request.save(update_fields=["status", "status_changed_at", "next_due", *(update_fields or [])])
    record = RequestTransition.objects.create(
        request=request,
        action=action,
        from_status=from_status,
        to_status=spec.target,
        actor=actor,
        at=now,
        note=note,
        note_message=note_message.as_json() if note_message is not None else None,
    )
    notify_status_change(
        request,
        actor=actor,
        title=text(
            "Request #%(number)s “%(subject)s”: %(status)s",
            number=request.pk,
            subject=request.subject[:60],
            status=label("request_status", spec.target),
        ),
        body=note,
    )
    return record
