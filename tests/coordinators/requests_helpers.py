"""Shared set-up for the coordination-request tests: an advanced-certified enterprise with its pair,
contact person and staff, built through the real services."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import cast

from django.core.files.uploadedfile import SimpleUploadedFile

from coordination import services
from coordination.models import CoordinationRequest, ServiceType
from coordinators import services as coordination
from coordinators.models import Coordinator
from enterprises.models import Enterprise
from portal.models import LocalCustoms, User
from portal.roles import Role
from tests.factories import CoordinatorFactory, LocalCustomsFactory, customs_user, member, rated_enterprise

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@dataclass
class Setup:
    office: LocalCustoms
    enterprise: Enterprise
    contact: User
    staff: User
    coordinator: Coordinator
    partner: Coordinator
    spare: Coordinator
    officer: User


def make_setup(office: LocalCustoms | None = None) -> Setup:
    office = office or cast(LocalCustoms, LocalCustomsFactory())
    enterprise = rated_enterprise(local_customs=office, district=office.district)
    a = cast(Coordinator, CoordinatorFactory(local_customs=office))
    b = cast(Coordinator, CoordinatorFactory(local_customs=office))
    spare = cast(Coordinator, CoordinatorFactory(local_customs=office))
    coordination.assign_pair(enterprise=enterprise, coordinators=[a, b])
    contact = member(enterprise, Role.CONTACT_PERSON)
    staff = member(enterprise, Role.ENTERPRISE_STAFF)
    officer = customs_user(Role.CUSTOMS_OFFICER, office)
    for c in (a, b, spare):
        c.user.__dict__.pop("roles", None)
    return Setup(office, enterprise, contact, staff, a, b, spare, officer)


def pdf(name: str = "invoice.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def file_one(
    setup: Setup, *, author: User | None = None, subject: str = "出口退税申报问题", files=(), **kwargs
) -> CoordinationRequest:
    return services.file_request(
        enterprise=setup.enterprise,
        author=author or setup.contact,
        service_type=kwargs.pop("service_type", ServiceType.CONSULTING),
        subject=subject,
        description=kwargs.pop("description", "我司出口货物退税申报时系统提示报关单信息不一致，请协助。"),
        files=files,
        **kwargs,
    )


def bytes_file(name: str, content: bytes) -> io.BytesIO:
    f = io.BytesIO(content)
    f.name = name
    return f
