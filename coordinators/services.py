"""Coordinator services: pair assignment and suggestion, recusal, disqualification
(docs/DOMAIN.md, "Coordinators"). Views, admin actions, the API and Celery tasks call these functions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import cast

from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from coordinators.models import (
    Coordinator,
    Disqualification,
    DisqualificationGround,
    PairAssignment,
    QualificationNotice,
    Recusal,
    RecusalReason,
    Rotation,
    RotationPolicy,
)
from credit.services import add_months
from enterprises import scoping
from enterprises.models import Enterprise
from enterprises.selectors import members
from portal.escalation import management_department_staff
from portal.exceptions import ConflictError, DomainError, PermissionDeniedError
from portal.jobs import JobResult, default_batch_size, run_in_batches, today_or
from portal.messages import name_of, plural_text, text
from portal.notifications import notify
from portal.registry import hooks
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
    enterprise, *, on: datetime.date | None = None, keep: Coordinator | None = None, exclude=()
) -> list[Coordinator]:
    """The two assignable coordinators with the lowest current workload (or one partner for ``keep``);
    never one who served the enterprise within the cooling-off period (``recently_served``)."""
    candidates = (
        with_workload(assignable_for(enterprise, on=on))
        .exclude(pk__in=recently_served(enterprise, on or timezone.localdate()))
        .select_related("user", "local_customs")
    )
    if keep is not None:
        candidates = candidates.exclude(pk=keep.pk)
    if exclude:
        candidates = candidates.exclude(pk__in=[c.pk for c in exclude])
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


#: Hook run when coordinators stop serving an enterprise — its pair ends or one coordinator is replaced —
#: in the same transaction (portal.registry): ``enterprise``, ``changes`` (a list of (leaving coordinator,
#: substitute or None)), ``reason`` (a ``PairAssignment.EndReason`` value) and ``actor``. Coordination
#: requests hand the open work over (coordination.services.hand_over).
PAIR_CHANGED = "coordinators.pair_changed"


def _end_pair(pair: PairAssignment, *, reason: str, actor, on: datetime.date) -> None:
    pair.ended_on = max(on, pair.started_on)
    pair.end_reason = reason
    pair.ended_by = actor
    pair.save(update_fields=["ended_on", "end_reason", "ended_by"])
    for coordinator in (pair.coordinator_a, pair.coordinator_b):
        scoping.revoke(scoping.COORDINATE, coordinator.user, pair.enterprise)


def _announce_pair_change(
    enterprise, before: PairAssignment | None, after: PairAssignment | None, *, reason, actor
) -> dict:
    """Hand the work of the coordinators who leave to those who join (hook), and tell the enterprise who
    its coordinators are now. Returns what moved (the hooks' summaries merged: request and visit ids)."""
    old = list(before.coordinators) if before else []
    new = list(after.coordinators) if after else []
    new_ids = {c.pk for c in new}
    old_ids = {c.pk for c in old}
    leaving = [c for c in old if c.pk not in new_ids]
    joining = [c for c in new if c.pk not in old_ids]
    changes = [(out, joining[i] if i < len(joining) else None) for i, out in enumerate(leaving)]
    if not changes:
        return {}
    if reason != PairAssignment.EndReason.ROTATION:
        # A coordinator who leaves for another reason is no longer due to rotate out of this enterprise.
        Rotation.objects.filter(
            enterprise=enterprise, coordinator__in=leaving, status=Rotation.Status.DUE
        ).update(status=Rotation.Status.SET_ASIDE)
    moved: dict[str, list[int]] = {}
    for summary in hooks.run(
        PAIR_CHANGED, enterprise=enterprise, changes=changes, reason=reason, actor=actor
    ):
        for key, ids in (summary or {}).items():
            moved.setdefault(key, []).extend(ids)
    if after is not None:
        title = text(
            "Your coordinators are now %(a)s and %(b)s",
            a=str(after.coordinator_a),
            b=str(after.coordinator_b),
        )
    else:
        title = text("Your coordinator pair has ended; your local customs office handles your requests")
    notify(
        members(enterprise),
        verb="pair_changed",
        title=title,
        url=reverse("enterprises:home"),
        enterprise_id=enterprise.pk,
    )
    return moved


@transaction.atomic
def assign_pair(
    *,
    enterprise,
    coordinators: list[Coordinator] | tuple[Coordinator, Coordinator],
    actor=None,
    on: datetime.date | None = None,
    reason: str = PairAssignment.EndReason.REASSIGNED,
) -> PairAssignment:
    """Assign two distinct, assignable coordinators; the current pair (if any) ends in the same
    transaction (with ``reason``) and the open work moves to the new pair (``pair.handover``: what
    moved). A coordinator who joins must be free of the district's rotation rule (``joining_since``).
    ``actor`` must be allowed to (``_check_actor``: the district's officers and managers)."""
    _check_actor(actor, enterprise)
    return _assign_pair(enterprise=enterprise, coordinators=coordinators, actor=actor, on=on, reason=reason)


@transaction.atomic
def _assign_pair(
    *,
    enterprise,
    coordinators,
    actor,
    on: datetime.date | None,
    reason: str = PairAssignment.EndReason.REASSIGNED,
) -> PairAssignment:
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
    if current is not None and {current.coordinator_a_id, current.coordinator_b_id} == {a.pk, b.pk}:
        raise ConflictError(_("These two coordinators are already the enterprise's pair."))
    since = {
        c.pk: current.since_of(c)
        if current is not None and c.pk in (current.coordinator_a_id, current.coordinator_b_id)
        else joining_since(enterprise, c, on)
        for c in (a, b)
    }
    if current is not None:
        current.enterprise = enterprise
        _end_pair(current, reason=reason, actor=actor, on=on)
    pair = PairAssignment.objects.create(
        enterprise=enterprise,
        coordinator_a=a,
        coordinator_b=b,
        started_on=on,
        a_since=since[a.pk],
        b_since=since[b.pk],
        assigned_by=actor,
    )
    for coordinator in (a, b):
        scoping.grant(scoping.COORDINATE, coordinator.user, enterprise)
    pair.handover = _announce_pair_change(enterprise, current, pair, reason=reason, actor=actor)  # type: ignore[attr-defined]
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
        _announce_pair_change(pair.enterprise, pair, None, reason=reason, actor=actor)
    return pair


def replace_in_pair(
    pair: PairAssignment, *, leaving: Coordinator, reason: str, actor, on: datetime.date | None = None
) -> PairAssignment | None:
    """Replace only ``leaving`` in ``pair``: the partner stays and the least-loaded assignable colleague of
    the enterprise's office who is not recused joins (docs/DOMAIN.md, "Coordinators"). Without one the
    pair ends and None is returned (the enterprise then needs a new pair)."""
    on = on or timezone.localdate()
    partner = pair.coordinator_b if pair.coordinator_a_id == leaving.pk else pair.coordinator_a
    try:
        (substitute,) = suggest_pair(pair.enterprise, on=on, keep=partner, exclude=[leaving])
        return _assign_pair(  # the callers (recusal, disqualification, the qualification job) check the actor
            enterprise=pair.enterprise, coordinators=[partner, substitute], actor=actor, on=on, reason=reason
        )
    except AssignmentError:
        _end_pair(pair, reason=reason, actor=actor, on=on)
        _announce_pair_change(pair.enterprise, pair, None, reason=reason, actor=actor)
        return None


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
        # Not in the pair: they may still have handled a request or be on a visit of the enterprise.
        hooks.run(
            PAIR_CHANGED,
            enterprise=enterprise,
            changes=[(coordinator, None)],
            reason=PairAssignment.EndReason.RECUSAL,
            actor=actor,
        )
        return outcome
    outcome.new_pair = replace_in_pair(
        pair, leaving=coordinator, reason=PairAssignment.EndReason.RECUSAL, actor=actor
    )
    if outcome.new_pair is not None:
        substitute = next(
            c
            for c in outcome.new_pair.coordinators
            if c.pk not in {pair.coordinator_a_id, pair.coordinator_b_id}
        )
        outcome.message = _("%(s)s replaces %(c)s in the pair.") % {"s": substitute, "c": coordinator}
    else:
        outcome.needs_new_pair = True
        outcome.message = _("No substitute is available: %(e)s needs a new pair.") % {"e": enterprise}
    # assign_pair ended the pair through its own copy of the row: show the caller the stored state.
    pair.refresh_from_db(fields=["ended_on", "end_reason", "ended_by"])
    outcome.ended_pair = pair
    return outcome


@transaction.atomic
def disqualify(
    *, coordinator: Coordinator, ground: str, decided_on: datetime.date, decided_by, evidence: str
) -> Disqualification:
    """Disqualify a coordinator. In each of their pairs only they are replaced (the partner stays, a
    colleague of the same office joins by load, conflicts excluded — docs/DOMAIN.md, "Coordinators");
    the enterprises for which no substitute exists are listed as needing a new pair."""
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
    needing = [
        pair.enterprise_id
        for pair in pairs
        if replace_in_pair(
            pair, leaving=coordinator, reason=PairAssignment.EndReason.DISQUALIFICATION, actor=decided_by
        )
        is None
    ]
    decision.enterprises_needing_pair.set(needing)
    return decision


# --- Qualifications that lapse (daily job) ---------------------------------------------------------

QUALIFICATION_WARNING_DAYS = 30


def _lapsing(today: datetime.date):
    warned = QualificationNotice.objects.filter(
        coordinator=OuterRef("pk"),
        valid_until=OuterRef("qualification_valid_until"),
        kind=QualificationNotice.Kind.WARNING,
    )
    return Coordinator.objects.filter(
        status=Coordinator.Status.ACTIVE,
        qualification_valid_until__gte=today,
        qualification_valid_until__lte=today + datetime.timedelta(days=QUALIFICATION_WARNING_DAYS),
    ).exclude(Exists(warned))


def _lapsed(today: datetime.date):
    done = QualificationNotice.objects.filter(
        coordinator=OuterRef("pk"),
        valid_until=OuterRef("qualification_valid_until"),
        kind=QualificationNotice.Kind.LAPSED,
    )
    return Coordinator.objects.filter(
        status=Coordinator.Status.ACTIVE, qualification_valid_until__lt=today
    ).exclude(Exists(done))


def warn_lapsing_qualification(coordinator: Coordinator, *, today: datetime.date) -> bool:
    QualificationNotice.objects.create(
        coordinator=coordinator,
        valid_until=coordinator.qualification_valid_until,
        kind=QualificationNotice.Kind.WARNING,
        sent_on=today,
    )
    title = text(
        "The qualification of %(coordinator)s lapses on %(date)s",
        coordinator=str(coordinator),
        date=coordinator.qualification_valid_until,
    )
    body = text(
        "Renew it in time: a coordinator without a valid qualification is taken off their enterprises."
    )
    notify([coordinator.user], verb="qualification_lapsing", title=title, body=body)
    notify(
        management_department_staff(coordinator.local_customs.district_id),
        verb="qualification_lapsing",
        title=title,
        url=reverse("admin:coordinators_coordinator_change", args=[coordinator.pk]),
    )
    return True


def take_off_lapsed_coordinator(coordinator: Coordinator, *, today: datetime.date) -> bool:
    """A lapsed qualification makes the coordinator unassignable: they are replaced in every pair (the
    partner stays, a colleague joins), their open work moves, and the Management Department is told which
    enterprises still need a pair. Ending their appointment is the Management Department's decision
    (disqualification ground 6)."""
    QualificationNotice.objects.create(
        coordinator=coordinator,
        valid_until=coordinator.qualification_valid_until,
        kind=QualificationNotice.Kind.LAPSED,
        sent_on=today,
    )
    pairs = list(
        PairAssignment.objects.select_for_update()
        .select_related("coordinator_a__user", "coordinator_b__user", "enterprise")
        .active()
        .of_coordinator(coordinator)
    )
    needing = [
        pair.enterprise
        for pair in pairs
        if replace_in_pair(
            pair,
            leaving=coordinator,
            reason=PairAssignment.EndReason.QUALIFICATION_LAPSED,
            actor=None,
            on=today,
        )
        is None
    ]
    notify(
        management_department_staff(coordinator.local_customs.district_id),
        verb="qualification_lapsed",
        title=plural_text(
            "The qualification of %(coordinator)s lapsed on %(date)s: replaced in %(count)s pair",
            "The qualification of %(coordinator)s lapsed on %(date)s: replaced in %(count)s pairs",
            len(pairs) - len(needing),
            coordinator=str(coordinator),
            date=coordinator.qualification_valid_until,
        ),
        body=text("Still needing a pair: %(enterprises)s", enterprises="、".join(e.name_zh for e in needing))
        if needing
        else "",
        url=reverse("admin:coordinators_coordinator_change", args=[coordinator.pk]),
    )
    notify(
        [coordinator.user],
        verb="qualification_lapsed",
        title=text(
            "Your qualification lapsed on %(date)s: you were taken off your enterprises",
            date=coordinator.qualification_valid_until,
        ),
    )
    return True


def check_qualifications(*, today=None, batch_size=None, kill_point=None) -> JobResult:
    """Daily: warn of qualifications lapsing within 30 days; take lapsed coordinators off their pairs."""
    today = today_or(today)
    result = JobResult("qualifications")
    run_in_batches(
        _lapsing(today).select_related("user", "local_customs"),
        lambda c: warn_lapsing_qualification(c, today=today),
        result=result,
        batch_size=batch_size,
        kill_point=kill_point,
    )
    return run_in_batches(
        _lapsed(today).select_related("user", "local_customs"),
        lambda c: take_off_lapsed_coordinator(c, today=today),
        result=result,
        batch_size=batch_size,
        kill_point=kill_point,
    )


# --- Rotation (docs/DOMAIN.md, "Coordinators") -------------------------------------------------------


def rotation_policy(district_id: int) -> RotationPolicy | None:
    return RotationPolicy.objects.filter(district_id=district_id).first()


def _cooling_off_end(ended_on: datetime.date, policy: RotationPolicy | None) -> datetime.date:
    """Until when a service that ended on ``ended_on`` still counts (a shorter break does not restart it)."""
    if policy is None or not policy.cooling_off_months:
        return ended_on + datetime.timedelta(days=1)  # only an unbroken change of pair carries service
    return add_months(ended_on, policy.cooling_off_months)


def recently_served(enterprise, on: datetime.date) -> list[int]:
    """Coordinators whose service with ``enterprise`` ended within the cooling-off period before ``on``:
    never proposed to join it (a rotation brings fresh eyes; a short break does not restart the clock).
    Two queries (the policies, the enterprise's pair history)."""
    ids = {coordinator_id for coordinator_id, _e in _recent_service([enterprise.pk], on)}
    current = PairAssignment.objects.filter(enterprise_id=enterprise.pk, ended_on__isnull=True).values_list(
        "coordinator_a_id", "coordinator_b_id"
    )
    for a, b in current:
        ids.difference_update((a, b))  # the current pair's members are handled by ``keep``/``exclude``
    return sorted(ids)


def joining_since(enterprise, coordinator: Coordinator, on: datetime.date) -> datetime.date:
    """The service start of ``coordinator`` joining ``enterprise``'s pair on ``on``, or AssignmentError.

    DOMAIN notes (our reading): service carries over a break shorter than the cooling-off period; a
    coordinator who rotated out may not serve the enterprise again before the cooling-off period has
    passed; nobody joins whose carried service already reaches the district's longest service.
    """
    policy = rotation_policy(enterprise.district_id)
    if policy is not None and policy.cooling_off_months:
        rotated = (
            Rotation.objects.filter(
                enterprise=enterprise, coordinator=coordinator, status=Rotation.Status.DONE
            )
            .order_by("-decided_at")
            .values_list("decided_at", flat=True)
            .first()
        )
        if rotated is not None:
            until = add_months(timezone.localdate(rotated), policy.cooling_off_months)
            if on < until:
                raise AssignmentError(
                    _(
                        "%(c)s rotated out of %(e)s on %(date)s and may serve it again from %(until)s (cooling-off)."
                    )
                    % {"c": coordinator, "e": enterprise, "date": timezone.localdate(rotated), "until": until}
                )
    last = (
        PairAssignment.objects.filter(enterprise=enterprise, ended_on__isnull=False)
        .filter(Q(coordinator_a=coordinator) | Q(coordinator_b=coordinator))
        .order_by("-ended_on", "-id")
        .first()
    )
    since = on
    if last is not None and on < _cooling_off_end(cast(datetime.date, last.ended_on), policy):
        since = last.since_of(coordinator)
    if (
        policy is not None
        and policy.max_service_months
        and on >= add_months(since, policy.max_service_months)
    ):
        raise AssignmentError(
            _(
                "%(c)s has served %(e)s since %(since)s: the district's longest service of %(months)s months is reached."
            )
            % {"c": coordinator, "e": enterprise, "since": since, "months": policy.max_service_months}
        )
    return since


def list_rotations_due(*, today=None, batch_size=None, kill_point=None) -> JobResult:
    """Daily: list every coordinator who reaches their district's longest service with an enterprise
    within the policy's notice days, and tell the district's Management Department.

    Set-based: per district and side of the pair, one keyset query per batch of active pairs (the
    ``pair_active_*_since`` partial indexes) and one ``INSERT … ON CONFLICT DO NOTHING`` of the batch's
    rotations; one notification per district. Idempotent by the rotation's unique service key.
    """
    today = today_or(today)
    result = JobResult("rotations")
    batch_size = batch_size or default_batch_size()
    for policy in RotationPolicy.objects.filter(max_service_months__isnull=False).order_by("district_id"):
        months = cast(int, policy.max_service_months)
        cutoff = add_months(today + datetime.timedelta(days=policy.notice_days), -months)
        listed = 0
        for side in ("a", "b"):
            last_pk = 0
            while True:
                batch = list(
                    PairAssignment.objects.filter(
                        district_id=policy.district_id,
                        ended_on__isnull=True,
                        pk__gt=last_pk,
                        **{f"{side}_since__lte": cutoff},
                    )
                    .order_by("pk")
                    .values_list("pk", "enterprise_id", f"coordinator_{side}_id", f"{side}_since")[
                        :batch_size
                    ]
                )
                if not batch:
                    break
                last_pk = batch[-1][0]
                known = set(
                    Rotation.objects.filter(
                        enterprise_id__in=[row[1] for row in batch],
                        coordinator_id__in=[row[2] for row in batch],
                    ).values_list("enterprise_id", "coordinator_id", "serving_since")
                )
                fresh = [
                    Rotation(
                        enterprise_id=enterprise_id,
                        district_id=policy.district_id,
                        coordinator_id=coordinator_id,
                        serving_since=since,
                        limit_on=add_months(since, months),
                        listed_on=today,
                    )
                    for _pk, enterprise_id, coordinator_id, since in batch
                    if (enterprise_id, coordinator_id, since) not in known
                ]
                # A concurrent run may insert the same rotation: the unique key keeps one.
                Rotation.objects.bulk_create(fresh, ignore_conflicts=True)
                result.skipped += len(batch) - len(fresh)
                listed += len(fresh)
                if kill_point is not None:
                    kill_point(last_pk)
        if listed:
            result.processed += listed
            notify(
                management_department_staff(policy.district_id),
                verb="rotations_due",
                title=plural_text(
                    "%(count)s coordinator reaches the longest service with an enterprise within %(days)s days",
                    "%(count)s coordinators reach the longest service with an enterprise within %(days)s days",
                    listed,
                    days=policy.notice_days,
                ),
                url=reverse("supervision:rotations"),
                group=f"rotations:{policy.district_id}",
            )
    return result


@transaction.atomic
def rotate(
    *, rotation: Rotation, substitute: Coordinator, actor, on: datetime.date | None = None
) -> Rotation:
    """The manager confirms a rotation: ``substitute`` (same office, not recused, not the partner, no
    recent service with the enterprise) replaces the coordinator in the pair; the open requests,
    scheduled visits and internal notes move in this transaction (recorded in ``rotation.handover``);
    the enterprise, both coordinators and the substitute are told."""
    on = on or timezone.localdate()
    rotation = (
        Rotation.objects.select_for_update(of=("self",))
        .select_related("enterprise", "coordinator__user")
        .get(pk=rotation.pk)
    )
    if not actor.has_role(Role.MANAGER, Role.ADMINISTRATOR) or (
        not actor.has_role(Role.ADMINISTRATOR) and actor.district_id_for_scope != rotation.district_id
    ):
        raise PermissionDeniedError(_("Only the district's Management Department confirms a rotation."))
    if rotation.status != Rotation.Status.DUE:
        raise ConflictError(_("This rotation is no longer due."))
    enterprise, leaving = rotation.enterprise, rotation.coordinator
    pair = (
        PairAssignment.objects.select_for_update(of=("self",))
        .select_related("coordinator_a__user", "coordinator_b__user")
        .active()
        .of_coordinator(leaving)
        .filter(enterprise=enterprise)
        .first()
    )
    if pair is None:
        raise ConflictError(
            _("%(c)s no longer serves %(e)s: nothing to hand over.") % {"c": leaving, "e": enterprise}
        )
    partner = pair.partner_of(leaving)
    if substitute.pk in (leaving.pk, partner.pk):
        raise AssignmentError(_("Choose a colleague who is not already in the pair."))
    if substitute.local_customs_id != enterprise.local_customs_id:
        raise AssignmentError(
            _("%(c)s works at another office; the substitute comes from %(office)s.")
            % {"c": substitute, "office": enterprise.local_customs}
        )
    if substitute.pk in recently_served(enterprise, on):
        raise AssignmentError(
            _("%(c)s served %(e)s within the cooling-off period; choose a colleague who brings fresh eyes.")
            % {"c": substitute, "e": enterprise}
        )
    new_pair = assign_pair(
        enterprise=enterprise,
        coordinators=[partner, substitute],
        actor=actor,
        on=on,
        reason=PairAssignment.EndReason.ROTATION,
    )
    rotation.status = Rotation.Status.DONE
    rotation.substitute = substitute
    rotation.decided_by, rotation.decided_at = actor, timezone.now()
    rotation.handover = getattr(new_pair, "handover", {}) or {}
    rotation.save(update_fields=["status", "substitute", "decided_by", "decided_at", "handover"])
    requests = len(rotation.handover.get("requests", []))
    visits = len(rotation.handover.get("visits_moved", []))
    notify(
        [substitute.user],
        verb="rotation_handover",
        title=text(
            "You take over %(enterprise)s from %(leaving)s: %(requests)s open request(s), %(visits)s visit(s)",
            enterprise=name_of(enterprise),
            leaving=str(leaving),
            requests=requests,
            visits=visits,
        ),
        url=reverse("coordination:workspace"),
        enterprise_id=enterprise.pk,
    )
    notify(
        [leaving.user, partner.user],
        verb="rotation_handover",
        title=text(
            "%(leaving)s rotated out of %(enterprise)s; %(substitute)s takes over",
            leaving=str(leaving),
            enterprise=name_of(enterprise),
            substitute=str(substitute),
        ),
    )
    return rotation


@dataclass
class Replacement:
    """A rebalancing proposal for one pair: the overloaded coordinator leaves, ``substitute`` joins the
    partner (None when no colleague can take over: ``problem`` says why)."""

    pair: PairAssignment
    partner: Coordinator
    substitute: Coordinator | None
    problem: str = ""

    @property
    def proposed(self) -> list[Coordinator]:
        return [self.partner, self.substitute] if self.substitute else []


def _recent_service(enterprise_ids: list[int], on: datetime.date) -> set[tuple[int, int]]:
    """(coordinator id, enterprise id) of services that ended within their district's cooling-off
    period before ``on`` (two queries, whatever the number of enterprises)."""
    policies = {p.district_id: p for p in RotationPolicy.objects.all()}
    recent = set()
    for enterprise_id, district_id, a, b, ended_on in PairAssignment.objects.filter(
        enterprise_id__in=enterprise_ids, ended_on__isnull=False
    ).values_list("enterprise_id", "district_id", "coordinator_a_id", "coordinator_b_id", "ended_on"):
        if ended_on is not None and on < _cooling_off_end(ended_on, policies.get(district_id)):
            recent.update({(a, enterprise_id), (b, enterprise_id)})
    return recent


def propose_substitutes(leavers: list[tuple[PairAssignment, Coordinator]]) -> list[Replacement]:
    """For each (pair, leaving coordinator) propose a substitute for the leaving one only: the partner
    stays and the least-loaded assignable colleague of the enterprise's office joins (not recused, not
    the partner, no service with the enterprise within the cooling-off period); each proposal counts
    toward the load of the next, so eight enterprises don't all go to the same colleague. Four queries."""
    today = timezone.localdate()
    office_ids = {pair.enterprise.local_customs_id for pair, _ in leavers}
    leaving_ids = {c.pk for _, c in leavers}
    colleagues = list(
        with_workload(Coordinator.objects.assignable().filter(local_customs_id__in=office_ids))
        .exclude(pk__in=leaving_ids)
        .select_related("user", "local_customs")
    )
    enterprise_ids = [pair.enterprise_id for pair, _ in leavers]
    recused = set(
        Recusal.objects.filter(enterprise_id__in=enterprise_ids).values_list(
            "coordinator_id", "enterprise_id"
        )
    )
    recent = _recent_service(enterprise_ids, today)
    load = {c.pk: c.enterprise_count for c in colleagues}
    proposals = []
    for pair, leaving in leavers:
        partner = pair.partner_of(leaving)
        candidates = [
            c
            for c in colleagues
            if c.local_customs_id == pair.enterprise.local_customs_id
            and c.pk != partner.pk
            and (c.pk, pair.enterprise_id) not in recused
            and (c.pk, pair.enterprise_id) not in recent
        ]
        if not candidates:
            proposals.append(
                Replacement(pair, partner, None, _("No other assignable coordinator in this office."))
            )
            continue
        substitute = min(candidates, key=lambda c: (load[c.pk], c.user.full_name, c.pk))
        load[substitute.pk] += 1
        substitute.enterprise_count = load[substitute.pk]
        proposals.append(Replacement(pair, partner, substitute))
    return proposals


def propose_replacements(overloaded: Coordinator, pairs: list[PairAssignment]) -> list[Replacement]:
    """Rebalancing: replace only ``overloaded`` in each of ``pairs`` (``propose_substitutes``)."""
    return propose_substitutes([(pair, overloaded) for pair in pairs])
