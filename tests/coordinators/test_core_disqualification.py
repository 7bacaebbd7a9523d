"""Disqualification: decided by the Management Department on one of seven grounds; ends every
assignment and lists the enterprises that need a new pair."""

import datetime

import pytest
from django.utils import timezone

from coordinators import services
from coordinators.models import Coordinator, DisqualificationGround, PairAssignment
from portal.exceptions import ConflictError, DomainError, PermissionDeniedError
from portal.roles import Role
from tests.factories import UserFactory, customs_user


def _disqualify(coordinator, by, ground=DisqualificationGround.NEGLECT_OR_DELAY, **kwargs):
    return services.disqualify(
        coordinator=coordinator,
        ground=ground,
        decided_on=kwargs.pop("decided_on", timezone.localdate()),
        decided_by=by,
        evidence=kwargs.pop("evidence", "督办单 2026-031"),
    )


def test_there_are_seven_grounds():
    assert len(DisqualificationGround.values) == 7


@pytest.mark.parametrize("ground", DisqualificationGround.values)
def test_each_ground_disqualifies(world, ground):
    coordinator = world.new_coordinator()
    decision = _disqualify(coordinator, world.manager, ground=ground)
    coordinator.refresh_from_db()
    assert coordinator.status == Coordinator.Status.DISQUALIFIED and decision.ground == ground


def test_an_unknown_ground_is_refused(world):
    with pytest.raises(DomainError):
        _disqualify(world.new_coordinator(), world.manager, ground="dislike")


def test_only_a_manager_disqualifies(world):
    with pytest.raises(PermissionDeniedError):
        _disqualify(world.new_coordinator(), world.officer)


def test_administrator_may_disqualify(world):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    coordinator = world.new_coordinator()
    decision = _disqualify(coordinator, admin)
    coordinator.refresh_from_db()
    assert coordinator.status == Coordinator.Status.DISQUALIFIED
    assert decision.decided_by == admin


def test_manager_of_another_district_cannot_disqualify(world):
    foreign_manager = customs_user(Role.MANAGER, world.foreign_office)
    with pytest.raises(PermissionDeniedError):
        _disqualify(world.new_coordinator(), foreign_manager)


def test_disqualification_replaces_only_the_disqualified_coordinator_in_each_pair(world):
    office = world.other_office
    a, b, c, idle = (world.new_coordinator(office=office) for _ in range(4))
    first = world.new_paired_enterprise(a, b, office=office)
    second = world.new_paired_enterprise(a, c, office=office)
    untouched = world.new_paired_enterprise(b, c, office=office)
    decision = _disqualify(a, world.manager)
    assert not PairAssignment.objects.active().of_coordinator(a).exists()
    # The partner stays; the least-loaded colleague of the office (idle) joins; nobody needs a new pair.
    assert set(PairAssignment.objects.active().get(enterprise=first).coordinators) == {b, idle}
    assert set(PairAssignment.objects.active().get(enterprise=second).coordinators) == {c, idle}
    assert not decision.enterprises_needing_pair.exists()
    ended = PairAssignment.objects.filter(enterprise__in=[first, second], ended_on__isnull=False)
    assert set(ended.values_list("end_reason", flat=True)) == {PairAssignment.EndReason.DISQUALIFICATION}
    assert set(PairAssignment.objects.active().get(enterprise=untouched).coordinators) == {b, c}


def test_disqualification_lists_the_enterprises_for_which_no_substitute_exists(world):
    office = world.other_office
    a, b = world.new_coordinator(office=office), world.new_coordinator(office=office)
    first = world.new_paired_enterprise(a, b, office=office)
    second = world.new_paired_enterprise(a, b, office=office)
    decision = _disqualify(a, world.manager)
    assert set(decision.enterprises_needing_pair.all()) == {first, second}
    assert not PairAssignment.objects.active().filter(enterprise__in=[first, second]).exists()


def test_disqualified_coordinator_is_no_longer_suggested(world):
    a, b, c = world.new_coordinator(), world.new_coordinator(), world.new_coordinator()
    _disqualify(a, world.manager)
    assert a not in services.suggest_pair(world.new_enterprise())
    assert set(services.suggest_pair(world.new_enterprise())) == {b, c}


def test_disqualification_needs_evidence_and_a_past_date(world):
    with pytest.raises(DomainError):
        _disqualify(world.new_coordinator(), world.manager, evidence=" ")
    with pytest.raises(DomainError):
        _disqualify(
            world.new_coordinator(),
            world.manager,
            decided_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_a_coordinator_is_disqualified_once(world):
    coordinator = world.new_coordinator()
    _disqualify(coordinator, world.manager)
    with pytest.raises(ConflictError):
        _disqualify(coordinator, world.manager)
