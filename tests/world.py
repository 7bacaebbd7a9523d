"""The one customs world of the suite, given to every test as the ``world`` fixture (tests/conftest.py).

Every part is built the first time a test asks for it, through the real services and the factories of
tests/factories.py, so a test that only needs an officer builds no enterprise:

- the organisation: ``district``; its local customs ``office`` and ``other_office``; ``foreign_office``
  in another district; ``officer`` (a customs officer of ``office``), ``leader`` (another officer, who is
  ``office``'s leader), ``manager`` (of the district's Management Department, also a customs officer of
  ``office``) and ``foreign_officer`` (a customs officer of ``foreign_office``);
- the main *party* of ``office`` (all of it as ``world.party``, a :class:`Party`): an advanced-certified
  ``enterprise`` with its ``contact`` person and a ``staff`` member, its coordinator pair
  (``coordinator`` and ``partner``) and ``spare``, a third coordinator of the office outside the pair;
- ``other_enterprise`` (paired, of ``foreign_office``) with its ``other_contact``, and ``other_manager``
  (of the other district's Management Department);
- ``new_*`` methods make more of each part; ``file_request`` and ``file_appeal`` file through the
  services.

The module also holds the upload helpers (``pdf()``, ``PDF``, ``PNG``, ``bytes_file()``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cached_property
from typing import cast

from django.core.files.uploadedfile import SimpleUploadedFile

from appeals import services as appeals
from appeals.models import Appeal
from coordination import services as requests
from coordination.models import CoordinationRequest, ServiceType
from coordinators import services as coordinator_services
from coordinators.models import Coordinator
from enterprises.models import Enterprise
from portal.models import Department, District, LocalCustoms, User
from portal.roles import Role
from tests.factories import (
    CoordinatorFactory,
    DepartmentFactory,
    DistrictFactory,
    LocalCustomsFactory,
    customs_user,
    management_manager,
    member,
    rated_enterprise,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def pdf(name: str = "invoice.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def bytes_file(name: str, content: bytes) -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f


@dataclass
class Party:
    """An advanced-certified enterprise of ``office`` with its contact person and a staff member, its
    coordinator pair, a third coordinator of the office outside the pair, and an officer of the office."""

    office: LocalCustoms
    enterprise: Enterprise
    contact: User
    staff: User
    coordinator: Coordinator
    partner: Coordinator
    spare: Coordinator
    officer: User


class World:
    # --- The organisation ------------------------------------------------------------------------------

    @cached_property
    def district(self) -> District:
        return cast(District, DistrictFactory())

    @cached_property
    def office(self) -> LocalCustoms:
        return cast(LocalCustoms, LocalCustomsFactory(district=self.district))

    @cached_property
    def other_office(self) -> LocalCustoms:
        """Another local customs of the same district."""
        return cast(LocalCustoms, LocalCustomsFactory(district=self.district))

    @cached_property
    def foreign_office(self) -> LocalCustoms:
        """A local customs of another district."""
        return cast(LocalCustoms, LocalCustomsFactory())

    @cached_property
    def management_department(self) -> Department:
        return cast(Department, DepartmentFactory(district=self.district, is_management_department=True))

    @cached_property
    def officer(self) -> User:
        return customs_user(Role.CUSTOMS_OFFICER, self.office)

    @cached_property
    def leader(self) -> User:
        """A customs officer who leads ``office`` (not ``officer``)."""
        leader = customs_user(Role.CUSTOMS_OFFICER, self.office)
        self.office.leader = leader
        self.office.save(update_fields=["leader"])
        return leader

    @cached_property
    def manager(self) -> User:
        """A manager of the district's Management Department who is also a customs officer of ``office``."""
        manager = customs_user(Role.MANAGER, self.office, department=self.management_department)
        manager.groups.add(*manager.groups.model.objects.filter(name=Role.CUSTOMS_OFFICER))
        manager.__dict__.pop("roles", None)
        return manager

    @cached_property
    def foreign_officer(self) -> User:
        return customs_user(Role.CUSTOMS_OFFICER, self.foreign_office)

    # --- The main party (of ``office``) -----------------------------------------------------------------

    @cached_property
    def party(self) -> Party:
        return self._party(self.office, self.officer)

    @property
    def enterprise(self) -> Enterprise:
        return self.party.enterprise

    @property
    def contact(self) -> User:
        return self.party.contact

    @property
    def staff(self) -> User:
        return self.party.staff

    @property
    def coordinator(self) -> Coordinator:
        return self.party.coordinator

    @property
    def partner(self) -> Coordinator:
        return self.party.partner

    @property
    def spare(self) -> Coordinator:
        return self.party.spare

    # --- Another district's enterprise -------------------------------------------------------------------

    @cached_property
    def other_enterprise(self) -> Enterprise:
        """A paired advanced-certified enterprise of ``foreign_office`` (another district)."""
        return self.new_paired_enterprise(office=self.foreign_office, actor=self.other_manager)

    @cached_property
    def other_contact(self) -> User:
        return self.new_contact(self.other_enterprise)

    @cached_property
    def other_manager(self) -> User:
        """A manager of the other district's Management Department."""
        return management_manager(self.foreign_office.district)

    # --- More of each part -------------------------------------------------------------------------------

    def new_coordinator(self, office: LocalCustoms | None = None, **kwargs) -> Coordinator:
        return cast(Coordinator, CoordinatorFactory(local_customs=office or self.office, **kwargs))

    def new_coordinators(self, n: int, office: LocalCustoms | None = None) -> list[Coordinator]:
        return [self.new_coordinator(office) for _ in range(n)]

    def new_enterprise(
        self, code: str = "advanced_certified", office: LocalCustoms | None = None, **kwargs
    ) -> Enterprise:
        """An enterprise rated ``code`` through the credit service (no pair)."""
        return rated_enterprise(code, local_customs=office or self.office, **kwargs)

    def new_paired_enterprise(
        self, *coordinators: Coordinator, actor: User | None = None, **kwargs
    ) -> Enterprise:
        """An enterprise (``new_enterprise(**kwargs)``) given the pair ``coordinators`` — by default two
        new coordinators of its office — assigned by ``actor`` (by default the world's ``manager``)."""
        enterprise = self.new_enterprise(**kwargs)
        if not coordinators:
            coordinators = (
                self.new_coordinator(enterprise.local_customs),
                self.new_coordinator(enterprise.local_customs),
            )
        coordinator_services.assign_pair(
            enterprise=enterprise, coordinators=list(coordinators), actor=actor or self.manager
        )
        enterprise.refresh_from_db()
        return enterprise

    def new_contact(self, enterprise: Enterprise, role: str = Role.CONTACT_PERSON, **kwargs) -> User:
        """A member of ``enterprise`` through the service: its (new) contact person, or a staff member with
        ``role=Role.ENTERPRISE_STAFF``; ``kwargs`` go to the user."""
        return member(enterprise, role, **kwargs)

    def new_party(self, office: LocalCustoms | None = None) -> Party:
        """Another :class:`Party`; without ``office``, of a new local customs in a new district."""
        office = office or cast(LocalCustoms, LocalCustomsFactory())
        return self._party(office, customs_user(Role.CUSTOMS_OFFICER, office))

    def assign(self, a: Coordinator, b: Coordinator, count: int = 1) -> list[Enterprise]:
        """Assign ``count`` new advanced-certified enterprises of ``a``'s office to the pair (a, b)."""
        enterprises = []
        for _ in range(count):
            enterprise = rated_enterprise(local_customs=a.local_customs)
            coordinator_services.assign_pair(enterprise=enterprise, coordinators=[a, b])
            enterprises.append(enterprise)
        return enterprises

    # --- Filing ----------------------------------------------------------------------------------------

    def file_request(
        self,
        party: Party | None = None,
        *,
        author: User | None = None,
        subject: str = "出口退税申报问题",
        files=(),
        **kwargs,
    ) -> CoordinationRequest:
        """A consulting request of ``party``'s enterprise (by default the world's), filed by its contact
        person unless ``author`` is given."""
        party = party or self.party
        return requests.file_request(
            enterprise=party.enterprise,
            author=author or party.contact,
            service_type=kwargs.pop("service_type", ServiceType.CONSULTING),
            subject=subject,
            description=kwargs.pop("description", "我司出口货物退税申报时系统提示报关单信息不一致，请协助。"),
            files=files,
            **kwargs,
        )

    def file_appeal(self, appeal_type: str = "credit_decision", **kwargs) -> Appeal:
        """An appeal of the world's enterprise, filed by its contact person. The office's ``leader`` and
        the district's ``manager`` exist first, so the people an appeal goes to are there to be told."""
        _ = self.leader, self.manager
        defaults = {
            "subject": "Rating downgraded without notice",
            "grounds": "We were not heard before the decision.",
        }
        if appeal_type == "coordinator_conduct":
            kwargs.setdefault("coordinator", self.coordinator)
        return appeals.file_appeal(
            enterprise=self.enterprise,
            author=self.contact,
            appeal_type=appeal_type,
            **{**defaults, **kwargs},
        )

    # ---------------------------------------------------------------------------------------------------

    def _party(self, office: LocalCustoms, officer: User) -> Party:
        enterprise = rated_enterprise(local_customs=office, district=office.district)
        coordinator, partner, spare = self.new_coordinators(3, office)
        coordinator_services.assign_pair(enterprise=enterprise, coordinators=[coordinator, partner])
        enterprise.refresh_from_db()
        contact = member(enterprise, Role.CONTACT_PERSON)
        staff = member(enterprise, Role.ENTERPRISE_STAFF)
        for c in (coordinator, partner, spare):
            c.user.__dict__.pop("roles", None)
        return Party(office, enterprise, contact, staff, coordinator, partner, spare, officer)
