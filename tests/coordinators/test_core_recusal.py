"""Recusal (withdrawal): a recused coordinator is replaced at once, never assigned, never sees the
enterprise."""

import pytest

from coordinators import selectors, services
from coordinators.models import PairAssignment, Recusal, RecusalReason
from portal.exceptions import ConflictError, DomainError
from portal.scoping import can_see


def _recuse(world, coordinator, enterprise, reason=RecusalReason.FINANCIAL_INTEREST, text=""):
    return services.declare_recusal(
        coordinator=coordinator, enterprise=enterprise, reason=reason, reason_text=text, actor=world.manager
    )


def test_recusal_while_assigned_replaces_the_coordinator_and_keeps_the_partner(world):
    a, b = world.new_coordinator(), world.new_coordinator()
    enterprise = world.new_paired_enterprise(a, b)
    substitute = world.new_coordinator()
    outcome = _recuse(world, a, enterprise)
    assert outcome.new_pair is not None and not outcome.needs_new_pair
    assert {outcome.new_pair.coordinator_a, outcome.new_pair.coordinator_b} == {b, substitute}
    assert outcome.ended_pair.ended_on is not None
    assert outcome.ended_pair.end_reason == PairAssignment.EndReason.RECUSAL
    assert PairAssignment.objects.filter(enterprise=enterprise).count() == 2


def test_recusal_without_a_substitute_ends_the_pair_and_reports_the_enterprise(world):
    a, b = world.new_coordinator(), world.new_coordinator()
    enterprise = world.new_paired_enterprise(a, b)
    outcome = _recuse(world, a, enterprise)
    assert outcome.needs_new_pair and outcome.new_pair is None
    assert not PairAssignment.objects.active().filter(enterprise=enterprise).exists()
    assert enterprise in selectors.enterprises_needing_pair()
    assert not can_see(b.user, enterprise)


def test_recused_coordinator_never_sees_the_enterprise(world):
    a, b = world.new_coordinator(), world.new_coordinator()
    enterprise = world.new_paired_enterprise(a, b)
    world.new_coordinator()
    _recuse(world, a, enterprise)
    a.user.__dict__.pop("roles", None)
    assert not can_see(a.user, enterprise)


def test_recusal_of_an_unassigned_coordinator_is_recorded_without_touching_the_pair(world):
    a, b, c = world.new_coordinator(), world.new_coordinator(), world.new_coordinator()
    enterprise = world.new_paired_enterprise(a, b)
    outcome = _recuse(world, c, enterprise)
    assert outcome.ended_pair is None
    assert PairAssignment.objects.active().get(enterprise=enterprise).coordinator_a == a


def test_recusal_for_other_circumstances_needs_a_description(world):
    with pytest.raises(DomainError):
        _recuse(world, world.new_coordinator(), world.new_enterprise(), reason=RecusalReason.OTHER, text=" ")
    assert not Recusal.objects.exists()


def test_recusal_reason_must_be_one_of_the_listed(world):
    with pytest.raises(DomainError):
        _recuse(world, world.new_coordinator(), world.new_enterprise(), reason="bored")


def test_a_coordinator_withdraws_from_an_enterprise_once(world):
    a, enterprise = world.new_coordinator(), world.new_enterprise()
    _recuse(world, a, enterprise)
    with pytest.raises(ConflictError):
        _recuse(world, a, enterprise)
