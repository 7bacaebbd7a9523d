"""A small customs world for the core tests: one district with two local customs, another district,
an officer, a manager, coordinators and an advanced-certified enterprise. Plain functions (imported by
tests/enterprises, tests/coordinators/test_core_*, tests/credit/test_core_*, tests/admin)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from coordinators import services as coordination
from portal.models import LocalCustoms, User
from portal.roles import Role
from tests.factories import (
    CoordinatorFactory,
    DepartmentFactory,
    DistrictFactory,
    LocalCustomsFactory,
    customs_user,
    member,
    rated_enterprise,
)


@dataclass
class World:
    office: LocalCustoms
    other_office: LocalCustoms  # same district
    foreign_office: LocalCustoms  # another district
    officer: User
    manager: User
    foreign_officer: User

    def coordinator(self, office=None, **kwargs):
        return CoordinatorFactory(local_customs=office or self.office, **kwargs)

    def enterprise(self, code="advanced_certified", office=None, **kwargs):
        return rated_enterprise(code, local_customs=office or self.office, **kwargs)

    def paired_enterprise(self, *coordinators, **kwargs):
        enterprise = self.enterprise(**kwargs)
        if not coordinators:
            coordinators = (self.coordinator(), self.coordinator())
        coordination.assign_pair(enterprise=enterprise, coordinators=list(coordinators), actor=self.manager)
        return enterprise

    def contact(self, enterprise, **kwargs):
        return member(enterprise, **kwargs)


def make_world() -> World:
    district = DistrictFactory()
    office = cast(LocalCustoms, LocalCustomsFactory(district=district))
    other_office = cast(LocalCustoms, LocalCustomsFactory(district=district))
    foreign_office = cast(LocalCustoms, LocalCustomsFactory())
    management = DepartmentFactory(district=district, is_management_department=True)
    manager = customs_user(Role.MANAGER, office, department=management)
    manager.groups.add(*manager.groups.model.objects.filter(name=Role.CUSTOMS_OFFICER))
    manager.__dict__.pop("roles", None)
    return World(
        office=office,
        other_office=other_office,
        foreign_office=foreign_office,
        officer=customs_user(Role.CUSTOMS_OFFICER, office),
        manager=manager,
        foreign_officer=customs_user(Role.CUSTOMS_OFFICER, foreign_office),
    )
