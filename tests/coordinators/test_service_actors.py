"""The coordinator services check who acts, as ``disqualify`` does: a pair is assigned and a recusal
recorded by the district's officers and managers (or an administrator; a recusal also by the
coordinator who withdraws) — never by an enterprise, another coordinator or another district."""

from __future__ import annotations

import pytest

from coordinators import services
from coordinators.models import PairAssignment, Recusal, RecusalReason
from portal.exceptions import PermissionDeniedError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _outsiders(world):
    return {
        "contact": world.contact,
        "coordinator": world.spare.user,
        "foreign officer": world.foreign_officer,
        "foreign manager": world.other_manager,
    }


def test_assign_pair_refuses_actors_outside_the_district(world):
    a, b = world.new_coordinator(), world.new_coordinator()
    enterprise = world.new_enterprise()
    for name, actor in _outsiders(world).items():
        with pytest.raises(PermissionDeniedError):
            services.assign_pair(enterprise=enterprise, coordinators=[a, b], actor=actor)
        assert not PairAssignment.objects.filter(enterprise=enterprise).exists(), name
    assert services.assign_pair(enterprise=enterprise, coordinators=[a, b], actor=world.officer).pk


def test_declare_recusal_refuses_actors_outside_the_district(world):
    enterprise, coordinator = world.enterprise, world.coordinator
    for name, actor in _outsiders(world).items():
        with pytest.raises(PermissionDeniedError):
            services.declare_recusal(
                coordinator=coordinator, enterprise=enterprise, reason=RecusalReason.KINSHIP, actor=actor
            )
        assert not Recusal.objects.exists(), name


@pytest.mark.parametrize("who", ["self", "officer", "administrator"])
def test_the_coordinator_themself_the_districts_officer_or_an_administrator_may_record_it(world, who):
    actor = {
        "self": lambda: world.coordinator.user,
        "officer": lambda: world.officer,
        "administrator": lambda: UserFactory(is_superuser=True, is_staff=True),
    }[who]()
    outcome = services.declare_recusal(
        coordinator=world.coordinator, enterprise=world.enterprise, reason=RecusalReason.KINSHIP, actor=actor
    )
    assert outcome.recusal.pk
