"""Pair assignment and suggestion (docs/DOMAIN.md, "Coordinators")."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from coordinators import services
from coordinators.models import Coordinator, PairAssignment, RecusalReason
from portal.exceptions import ConflictError
from portal.scoping import can_see


def test_pair_is_stored_in_id_order_and_grants_both_access(world):
    a, b = world.new_coordinator(), world.new_coordinator()
    enterprise = world.new_enterprise()
    pair = services.assign_pair(enterprise=enterprise, coordinators=[b, a], actor=world.manager)
    assert (pair.coordinator_a, pair.coordinator_b) == (a, b)
    assert can_see(a.user, enterprise) and can_see(b.user, enterprise)


def test_pair_needs_two_distinct_coordinators(world):
    a = world.new_coordinator()
    with pytest.raises(services.AssignmentError, match="two different"):
        services.assign_pair(enterprise=world.new_enterprise(), coordinators=[a, a])


def test_disqualified_coordinator_is_not_assignable(world):
    a, b = world.new_coordinator(), world.new_coordinator(status=Coordinator.Status.DISQUALIFIED)
    with pytest.raises(services.AssignmentError, match="disqualified"):
        services.assign_pair(enterprise=world.new_enterprise(), coordinators=[a, b])


def test_coordinator_with_a_lapsed_qualification_is_not_assignable(world):
    lapsed = world.new_coordinator(
        qualification_valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(services.AssignmentError, match="qualification lapsed"):
        services.assign_pair(
            enterprise=world.new_enterprise(), coordinators=[world.new_coordinator(), lapsed]
        )


def test_qualification_valid_until_today_is_still_assignable(world):
    today = world.new_coordinator(qualification_valid_until=timezone.localdate())
    assert services.assign_pair(
        enterprise=world.new_enterprise(), coordinators=[world.new_coordinator(), today]
    )


def test_recused_coordinator_cannot_be_assigned(world):
    a, b = world.new_coordinator(), world.new_coordinator()
    enterprise = world.new_enterprise()
    services.declare_recusal(
        coordinator=a, enterprise=enterprise, reason=RecusalReason.KINSHIP, actor=world.manager
    )
    with pytest.raises(services.AssignmentError, match="recused"):
        services.assign_pair(enterprise=enterprise, coordinators=[a, b])


def test_coordinator_of_another_district_cannot_be_assigned(world):
    foreign = world.new_coordinator(office=world.foreign_office)
    with pytest.raises(services.AssignmentError, match="another customs district"):
        services.assign_pair(
            enterprise=world.new_enterprise(), coordinators=[world.new_coordinator(), foreign]
        )


@pytest.mark.parametrize("code", ["certified", "regular", "untrustworthy"])
def test_only_enterprises_whose_rating_gets_coordinators_get_a_pair(world, code):
    with pytest.raises(services.AssignmentError, match="advanced-certified"):
        services.assign_pair(
            enterprise=world.new_enterprise(code),
            coordinators=[world.new_coordinator(), world.new_coordinator()],
        )


def test_enterprise_without_rating_gets_no_pair(world):
    from tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory(local_customs=world.office)
    with pytest.raises(services.AssignmentError):
        services.assign_pair(
            enterprise=enterprise, coordinators=[world.new_coordinator(), world.new_coordinator()]
        )


def test_reassigning_ends_the_old_pair_and_keeps_its_history(world):
    a, b, c, d = (world.new_coordinator() for _ in range(4))
    enterprise = world.new_paired_enterprise(a, b)
    new = services.assign_pair(enterprise=enterprise, coordinators=[c, d], actor=world.manager)
    pairs = PairAssignment.objects.filter(enterprise=enterprise)
    assert pairs.count() == 2
    old = pairs.exclude(pk=new.pk).get()
    assert old.ended_on == timezone.localdate() and old.end_reason == PairAssignment.EndReason.REASSIGNED
    assert pairs.active().get() == new
    assert not can_see(a.user, enterprise)
    assert can_see(c.user, enterprise)


def test_failed_reassignment_leaves_the_old_pair_in_place(world):
    a, b = world.new_coordinator(), world.new_coordinator()
    enterprise = world.new_paired_enterprise(a, b)
    lapsed = world.new_coordinator(
        qualification_valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(services.AssignmentError):
        services.assign_pair(enterprise=enterprise, coordinators=[world.new_coordinator(), lapsed])
    active = PairAssignment.objects.active().get(enterprise=enterprise)
    assert {active.coordinator_a, active.coordinator_b} == {a, b}


def test_assigning_the_same_pair_again_is_a_conflict(world):
    a, b = world.new_coordinator(), world.new_coordinator()
    enterprise = world.new_paired_enterprise(a, b)
    with pytest.raises(ConflictError):
        services.assign_pair(enterprise=enterprise, coordinators=[b, a])


def test_database_allows_one_active_pair_per_enterprise(world):
    a, b, c, d = (world.new_coordinator() for _ in range(4))
    enterprise = world.new_paired_enterprise(a, b)
    with pytest.raises(IntegrityError), transaction.atomic():
        PairAssignment.objects.create(
            enterprise=enterprise,
            coordinator_a=c,
            coordinator_b=d,
            started_on=timezone.localdate(),
            a_since=timezone.localdate(),
            b_since=timezone.localdate(),
        )


def test_database_requires_coordinator_a_below_coordinator_b(world):
    a, b = world.new_coordinator(), world.new_coordinator()
    enterprise = world.new_enterprise()
    for first, second in ((b, a), (a, a)):
        with pytest.raises(IntegrityError), transaction.atomic():
            PairAssignment.objects.create(
                enterprise=enterprise,
                coordinator_a=first,
                coordinator_b=second,
                started_on=timezone.localdate(),
                a_since=timezone.localdate(),
                b_since=timezone.localdate(),
            )


def test_suggest_pair_picks_the_two_lowest_workload_assignable_coordinators_of_the_local_customs(world):
    busy, idle_1, idle_2, medium = (world.new_coordinator() for _ in range(4))
    world.new_coordinator(office=world.other_office)  # idle but of another local customs
    world.new_coordinator(status=Coordinator.Status.DISQUALIFIED)
    world.new_coordinator(qualification_valid_until=timezone.localdate() - datetime.timedelta(days=3))
    for _ in range(2):
        world.new_paired_enterprise(busy, medium)
    world.new_paired_enterprise(
        busy, world.new_coordinator(office=world.office, status=Coordinator.Status.ACTIVE)
    )
    # busy: 3, medium: 2, the helper above: 1, idle_1/idle_2: 0
    suggestion = services.suggest_pair(world.new_enterprise())
    assert set(suggestion) == {idle_1, idle_2}


def test_suggest_pair_skips_a_recused_coordinator(world):
    idle, recused, busy = world.new_coordinator(), world.new_coordinator(), world.new_coordinator()
    world.new_paired_enterprise(busy, world.new_coordinator())
    enterprise = world.new_enterprise()
    services.declare_recusal(
        coordinator=recused, enterprise=enterprise, reason=RecusalReason.KINSHIP, actor=world.manager
    )
    suggestion = services.suggest_pair(enterprise)
    assert recused not in suggestion and idle in suggestion


def test_suggest_pair_says_so_when_too_few_are_assignable(world):
    world.new_coordinator()
    with pytest.raises(services.AssignmentError, match="too few"):
        services.suggest_pair(world.new_enterprise())


def test_assign_suggested_pair_assigns_the_suggestion(world):
    a, b = world.new_coordinator(), world.new_coordinator()
    pair = services.assign_suggested_pair(enterprise=world.new_enterprise(), actor=world.manager)
    assert {pair.coordinator_a, pair.coordinator_b} == {a, b}


def test_workload_counts_active_pairs_in_sql(world):
    a, b = world.new_coordinator(), world.new_coordinator()
    world.new_paired_enterprise(a, b)
    world.new_paired_enterprise(a, world.new_coordinator())
    counts = dict(
        services.with_workload(Coordinator.objects.filter(pk__in=[a.pk, b.pk])).values_list(
            "pk", "enterprise_count"
        )
    )
    assert counts == {a.pk: 2, b.pk: 1}
