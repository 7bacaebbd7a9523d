"""Coordinator services: pair assignment and suggestion, recusal, disqualification
(docs/DOMAIN.md, "Coordinators"). Views, admin actions, the API and Celery tasks call these functions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from coordinators.models import (
    Coordinator,
    Disqualification,
    DisqualificationGround,
    PairAssignment,
    Recusal,
    RecusalReason,
)
from enterprises import scoping
from enterprises.models import Enterprise
from portal.exceptions import ConflictError, DomainError, PermissionDeniedError
from portal.roles import Role
from portal.scoping import grants_changed


class AssignmentError(DomainError):
    pass


def _active_pair_count(column: str) -> Subquery:
    return Subquery(
        PairAssignment.objects.filter(**{column: OuterRef("pk")}, ended_on__isnull=True)
        .order_by()
        .values(column)
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def with_workload(queryset):
    """Annotate ``enterprise_count``: the coordinator's active pair assignments (two subqueries, no loop)."""
    return queryset.annotate(
        enterprise_count=Coalesce(_active_pair_count("coordinator_a"), Value(0))
        + Coalesce(_active_pair_count("coordinator_b"), Value(0))
    )


def check_appointment(*, user, local_customs, certificate_number: str) -> None:
    """The rules of appointing a coordinator, without writing (the admin form shows them as errors)."""
    if not (certificate_number or "").strip():
        raise DomainError(
            _("A coordinator must hold the professional qualification for enterprise certification.")
        )
    if Coordinator.objects.filter(user=user).exists():
        raise ConflictError(_("%(user)s is already a coordinator.") % {"user": user})
    if user.local_customs_id not in (None, local_customs.pk):
        raise DomainError(_("%(user)s works at another local customs office.") % {"user": user})
    if user.memberships.filter(ended_at__isnull=True).exists():
        raise DomainError(
            _("%(user)s is a member of an enterprise and cannot be a coordinator.") % {"user": user}
        )


@transaction.atomic
def appoint_coordinator(
    *, user, local_customs, certificate_number: str, qualification_valid_until: datetime.date, actor=None
) -> Coordinator:
    """Make a customs officer of ``local_customs`` a coordinator (they hold the coordinator role)."""
    from django.contrib.auth.models import Group

    check_appointment(user=user, local_customs=local_customs, certificate_number=certificate_number)
    coordinator = Coordinator(
        user=user,
        local_customs=local_customs,
        certificate_number=certificate_number.strip(),
        qualification_valid_until=qualification_valid_until,
    )
    coordinator._history_user = actor  # type: ignore[attr-defined]
    coordinator.save()
    if user.local_customs_id is None:
        user.local_customs = local_customs
        user.save(update_fields=["local_customs"])
    user.groups.add(Group.objects.get(name=Role.COORDINATOR))
    user.__dict__.pop("roles", None)
    return coordinator


def assignable_for(enterprise, *, on: datetime.date | None = None):
    """Coordinators who may be assigned to ``enterprise``: its local customs, active, qualified, not recused."""
    return (
        Coordinator.objects.assignable(on)
        .filter(local_customs_id=enterprise.local_customs_id)
        .not_recused_from(enterprise)
    )


def suggest_pair(
    enterprise, *, on: datetime.date | None = None, keep: Coordinator | None = None
) -> list[Coordinator]:
    """The two assignable coordinators with the lowest current workload (or one partner for ``keep``)."""
    candidates = with_workload(assignable_for(enterprise, on=on)).select_related("user", "local_customs")
    if keep is not None:
        candidates = candidates.exclude(pk=keep.pk)
    needed = 1 if keep is not None else 2
    chosen = list(candidates.order_by("enterprise_count", "user__full_name", "pk")[:needed])
    if len(chosen) < needed:
        raise AssignmentError(
            _(
                "%(customs)s has too few assignable coordinators (active, qualified, not recused) for %(enterprise)s."
            )
            % {"customs": enterprise.local_customs, "enterprise": enterprise}
        )
    return chosen


def _check_assignable(enterprise, coordinator: Coordinator, on: datetime.date) -> None:
    if coordinator.local_customs.district_id != enterprise.district_id:
        raise AssignmentError(
            _(
                "%(c)s works in another customs district; coordinators serve the enterprises of their own district."
            )
            % {"c": coordinator}
        )
    if coordinator.status != Coordinator.Status.ACTIVE:
        raise AssignmentError(_("%(c)s is disqualified and cannot be assigned.") % {"c": coordinator})
    if not coordinator.is_qualified_on(on):
        raise AssignmentError(
            _(
                "%(c)s's qualification lapsed on %(date)s; a coordinator without a valid qualification cannot be assigned."
            )
            % {"c": coordinator, "date": coordinator.qualification_valid_until}
        )
    if Recusal.objects.filter(coordinator=coordinator, enterprise=enterprise).exists():
        raise AssignmentError(
            _("%(c)s has withdrawn (recused) from %(e)s.") % {"c": coordinator, "e": enterprise}
        )


def _check_actor(actor, enterprise, *, coordinator: Coordinator | None = None) -> None:
    """Who may assign a pair or record a recusal: an administrator; a customs officer or manager of the
    enterprise's district; for a recusal also the coordinator who withdraws. ``actor=None`` is the
    system (the demo loader, jobs) — never a person's request."""
    if actor is None or actor.has_role(Role.ADMINISTRATOR):
        return
    if coordinator is not None and coordinator.user_id == actor.pk:
        return
    if not actor.has_role(Role.CUSTOMS_OFFICER, Role.MANAGER):
        raise PermissionDeniedError(_("Only customs officers and managers assign coordinators."))
    if actor.district_id_for_scope != enterprise.district_id:
        raise PermissionDeniedError(_("%(e)s is outside your customs district.") % {"e": enterprise})


def _end_pair(pair: PairAssignment, *, reason: str, actor, on: datetime.date) -> None:
    pair.ended_on = max(on, pair.started_on)
    pair.end_reason = reason
    pair.ended_by = actor
    pair.save(update_fields=["ended_on", "end_reason", "ended_by"])
    for coordinator in (pair.coordinator_a, pair.coordinator_b):
        scoping.revoke(scoping.COORDINATE, coordinator.user, pair.enterprise)


def assign_pair(
    *,
    enterprise,
    coordinators: list[Coordinator] | tuple[Coordinator, Coordinator],
    actor=None,
    on: datetime.date | None = None,
) -> PairAssignment:
    """Assign two distinct, assignable coordinators; the current pair (if any) ends in the same transaction.
    ``actor`` must be allowed to (``_check_actor``: the district's officers and managers)."""
    _check_actor(actor, enterprise)
    return _assign_pair(enterprise=enterprise, coordinators=coordinators, actor=actor, on=on)


@transaction.atomic
def _assign_pair(*, enterprise, coordinators, actor, on: datetime.date | None) -> PairAssignment:
    on = on or timezone.localdate()
    enterprise = (
        Enterprise.objects.select_for_update(of=("self",)).select_related("rating").get(pk=enterprise.pk)
    )
    if enterprise.rating is None or not enterprise.rating.gets_coordinators:
        raise AssignmentError(
            _("Coordinators serve advanced-certified enterprises only; %(e)s is not one.") % {"e": enterprise}
        )
    first, second = coordinators
    if first.pk == second.pk:
        raise AssignmentError(_("A pair needs two different coordinators."))
    locked = {
        c.pk: c
        for c in Coordinator.objects.select_for_update(of=("self",))
        .select_related("user", "local_customs")
        .filter(pk__in=[first.pk, second.pk])
    }
    a, b = sorted(locked.values(), key=lambda c: c.pk)
    for coordinator in (a, b):
        _check_assignable(enterprise, coordinator, on)
    current = (
        PairAssignment.objects.select_related("coordinator_a__user", "coordinator_b__user")
        .filter(enterprise=enterprise, ended_on__isnull=True)
        .first()
    )
    if current is not None:
        if {current.coordinator_a_id, current.coordinator_b_id} == {a.pk, b.pk}:
            raise ConflictError(_("These two coordinators are already the enterprise's pair."))
        current.enterprise = enterprise
        _end_pair(current, reason=PairAssignment.EndReason.REASSIGNED, actor=actor, on=on)
    pair = PairAssignment.objects.create(
        enterprise=enterprise, coordinator_a=a, coordinator_b=b, started_on=on, assigned_by=actor
    )
    for coordinator in (a, b):
        scoping.grant(scoping.COORDINATE, coordinator.user, enterprise)
    return pair


def assign_suggested_pair(*, enterprise, actor=None, on: datetime.date | None = None) -> PairAssignment:
    return assign_pair(
        enterprise=enterprise, coordinators=suggest_pair(enterprise, on=on), actor=actor, on=on
    )


def end_pair_for_enterprise(
    *, enterprise, reason: str, actor=None, on: datetime.date | None = None
) -> PairAssignment | None:
    on = on or timezone.localdate()
    pair = (
        PairAssignment.objects.select_for_update()
        .select_related("coordinator_a__user", "coordinator_b__user", "enterprise")
        .filter(enterprise=enterprise, ended_on__isnull=True)
        .first()
    )
    if pair is not None:
        _end_pair(pair, reason=reason, actor=actor, on=on)
    return pair


@dataclass
class RecusalOutcome:
    recusal: Recusal
    ended_pair: PairAssignment | None = None
    new_pair: PairAssignment | None = None
    needs_new_pair: bool = False
    message: str = ""


@transaction.atomic
def declare_recusal(
    *, coordinator: Coordinator, enterprise, reason: str, reason_text: str = "", actor
) -> RecusalOutcome:
    """Record a coordinator's withdrawal; if they are in the enterprise's pair, replace them at once.

    The partner stays; the substitute is the least-loaded assignable colleague. If none exists the pair
    ends and the enterprise is reported as needing a new pair. ``actor`` must be allowed to
    (``_check_actor``: the coordinator themself, or the district's officers and managers).
    """
    _check_actor(actor, enterprise, coordinator=coordinator)
    if reason not in RecusalReason.values:
        raise DomainError(_("Choose the reason for the withdrawal."))
    if reason == RecusalReason.OTHER and not reason_text.strip():
        raise DomainError(_("Describe the circumstances when the reason is “other”."))
    if Recusal.objects.filter(coordinator=coordinator, enterprise=enterprise).exists():
        raise ConflictError(
            _("%(c)s has already withdrawn from %(e)s.") % {"c": coordinator, "e": enterprise}
        )
    recusal = Recusal.objects.create(
        coordinator=coordinator,
        enterprise=enterprise,
        reason=reason,
        reason_text=reason_text,
        declared_by=actor,
    )
    scoping.revoke(scoping.COORDINATE, coordinator.user, enterprise)
    grants_changed()  # the recusal itself narrows the coordinator's scope
    outcome = RecusalOutcome(recusal=recusal)
    pair = (
        PairAssignment.objects.select_for_update()
        .select_related("coordinator_a__user", "coordinator_b__user", "enterprise")
        .filter(enterprise=enterprise, ended_on__isnull=True)
        .filter(Q(coordinator_a=coordinator) | Q(coordinator_b=coordinator))
        .first()
    )
    if pair is None:
        return outcome
    partner = pair.coordinator_b if pair.coordinator_a_id == coordinator.pk else pair.coordinator_a
    today = timezone.localdate()
    try:
        (substitute,) = suggest_pair(enterprise, on=today, keep=partner)
        outcome.new_pair = _assign_pair(  # the actor was checked for the recusal itself
            enterprise=enterprise, coordinators=[partner, substitute], actor=actor, on=today
        )
        outcome.message = _("%(s)s replaces %(c)s in the pair.") % {"s": substitute, "c": coordinator}
    except AssignmentError:
        _end_pair(pair, reason=PairAssignment.EndReason.RECUSAL, actor=actor, on=today)
        outcome.needs_new_pair = True
        outcome.message = _("No substitute is available: %(e)s needs a new pair.") % {"e": enterprise}
    else:
        PairAssignment.objects.filter(pk=pair.pk).update(end_reason=PairAssignment.EndReason.RECUSAL)
        # assign_pair ended the pair through its own copy of the row: show the caller the stored state.
        pair.refresh_from_db(fields=["ended_on", "end_reason", "ended_by"])
    outcome.ended_pair = pair
    return outcome


@transaction.atomic
def disqualify(
    *, coordinator: Coordinator, ground: str, decided_on: datetime.date, decided_by, evidence: str
) -> Disqualification:
    """Disqualify a coordinator: ends all their assignments and lists the enterprises needing a new pair."""
    if not decided_by.has_role(Role.MANAGER, Role.ADMINISTRATOR):
        raise PermissionDeniedError(_("Only the Management Department decides a disqualification."))
    if ground not in DisqualificationGround.values:
        raise DomainError(_("Choose one of the seven grounds for disqualification."))
    if not evidence.strip():
        raise DomainError(_("State the evidence for the disqualification."))
    coordinator = (
        Coordinator.objects.select_for_update(of=("self",))
        .select_related("user", "local_customs")
        .get(pk=coordinator.pk)
    )
    if (
        not decided_by.has_role(Role.ADMINISTRATOR)
        and decided_by.district_id_for_scope != coordinator.local_customs.district_id
    ):
        raise PermissionDeniedError(_("%(c)s works in another customs district.") % {"c": coordinator})
    if coordinator.status == Coordinator.Status.DISQUALIFIED:
        raise ConflictError(_("%(c)s is already disqualified.") % {"c": coordinator})
    if decided_on > timezone.localdate():
        raise DomainError(_("The decision date cannot be in the future."))
    coordinator.status = Coordinator.Status.DISQUALIFIED
    coordinator._history_user = decided_by  # type: ignore[attr-defined]
    coordinator.save(update_fields=["status"])
    decision = Disqualification.objects.create(
        coordinator=coordinator,
        ground=ground,
        decided_on=decided_on,
        decided_by=decided_by,
        evidence=evidence,
    )
    pairs = list(
        PairAssignment.objects.select_for_update()
        .select_related("coordinator_a__user", "coordinator_b__user", "enterprise")
        .active()
        .of_coordinator(coordinator)
    )
    for pair in pairs:
        _end_pair(
            pair, reason=PairAssignment.EndReason.DISQUALIFICATION, actor=decided_by, on=timezone.localdate()
        )
    decision.enterprises_needing_pair.set([pair.enterprise_id for pair in pairs])
    return decision
