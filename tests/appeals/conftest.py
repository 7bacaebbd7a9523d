"""A small customs world for the appeals tests: one district with its Management Department, a local
customs office with a leader, an officer, a paired advanced-certified enterprise with its contact person,
and a second enterprise (another district)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from appeals import services
from portal.models import User
from portal.roles import Role
from tests.factories import LocalCustomsFactory, customs_user, management_manager, member, paired_enterprise


@dataclass
class AppealWorld:
    enterprise: object
    contact: User
    coordinator: object
    partner: object
    leader: User
    officer: User
    manager: User
    other_enterprise: object
    other_contact: User
    other_manager: User

    def file(self, appeal_type="credit_decision", **kwargs):
        defaults = {
            "subject": "Rating downgraded without notice",
            "grounds": "We were not heard before the decision.",
        }
        if appeal_type == "coordinator_conduct":
            kwargs.setdefault("coordinator", self.coordinator)
        return services.file_appeal(
            enterprise=self.enterprise, author=self.contact, appeal_type=appeal_type, **{**defaults, **kwargs}
        )


@pytest.fixture
def world(db):
    enterprise, coordinator, partner = paired_enterprise()
    office = enterprise.local_customs
    leader = customs_user(Role.CUSTOMS_OFFICER, office)
    office.leader = leader
    office.save(update_fields=["leader"])
    other_enterprise, *_ = paired_enterprise(local_customs=LocalCustomsFactory())
    return AppealWorld(
        enterprise=enterprise,
        contact=member(enterprise),
        coordinator=coordinator,
        partner=partner,
        leader=leader,
        officer=customs_user(Role.CUSTOMS_OFFICER, office),
        manager=management_manager(enterprise.district),
        other_enterprise=other_enterprise,
        other_contact=member(other_enterprise),
        other_manager=management_manager(other_enterprise.district),
    )
