"""factory_boy factories shared by the whole suite. They build real rows through real services where
a service owns the rule (ratings via credit.services, pairs via coordinators.services)."""

from __future__ import annotations

import datetime
import itertools
from typing import cast

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from coordinators.models import Coordinator
from credit.models import CreditRating, CreditRegime
from enterprises.models import Enterprise
from portal.demo_ids import make_customs_code, make_uscc
from portal.models import Department, District, LocalCustoms, User
from portal.roles import Role

_serial = itertools.count(1)
PASSWORD = "test-pass-123!"


def short_code(prefix: str, n: int) -> str:
    """A unique four-character code (the customs codes' length) for the n-th object of a session: the
    prefix and n in base 36 (46,656 before it wraps; a long suite makes more than 1,000 offices)."""
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    for _ in range(3):
        n, rest = divmod(n, 36)
        out = digits[rest] + out
    return prefix + out


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: short_code("D", n))
    name_zh = factory.Sequence(lambda n: f"测试海关{n}")
    name_en = factory.Sequence(lambda n: f"Test Customs {n}")


class LocalCustomsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalCustoms

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: short_code("L", n))
    name_zh = factory.Sequence(lambda n: f"测试隶属海关{n}")
    name_en = factory.Sequence(lambda n: f"Test Local Customs {n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    district = factory.SubFactory(DistrictFactory)
    name_zh = factory.Sequence(lambda n: f"部门{n}")
    name_en = factory.Sequence(lambda n: f"Department {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
            self.__dict__.pop("roles", None)
        self.save()


def rating(code: str, on: datetime.date | None = None) -> CreditRating:
    regime = CreditRegime.in_force_on(on or timezone.localdate())
    return CreditRating.objects.get(regime=regime, code=code)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.LazyFunction(lambda: make_uscc(900_000_000 + next(_serial)))
    customs_code = factory.LazyFunction(lambda: make_customs_code(next(_serial), "99"))
    name_zh = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    name_en = factory.Sequence(lambda n: f"Test Enterprise {n} Co., Ltd.")
    registered_address = "北京市朝阳区测试路1号"
    local_customs = factory.SubFactory(LocalCustomsFactory)
    district = factory.LazyAttribute(lambda e: e.local_customs.district)


def rated_enterprise(
    code: str = "advanced_certified", *, on: datetime.date | None = None, **kwargs
) -> Enterprise:
    """An enterprise given ``code`` through the credit service (a certification event)."""
    from credit.models import CreditEventReason
    from credit.services import record_credit_event

    enterprise = cast(Enterprise, EnterpriseFactory(**kwargs))
    on = on or timezone.localdate()
    target = rating(code, on)
    reason = CreditEventReason.CERTIFICATION if target.is_aeo else CreditEventReason.INITIAL
    record_credit_event(enterprise=enterprise, to_rating=target, effective_date=on, reason=reason)
    enterprise.refresh_from_db()
    return enterprise


class CoordinatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Coordinator
        skip_postgeneration_save = True  # the hook saves the user, not the coordinator

    user = factory.SubFactory(UserFactory, roles=[Role.COORDINATOR])
    local_customs = factory.SubFactory(LocalCustomsFactory)
    certificate_number = factory.Sequence(lambda n: f"QC-{n:06d}")
    qualification_valid_until = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=365)
    )

    @factory.post_generation
    def office(self, create, extracted, **kwargs):
        if self.user.local_customs_id != self.local_customs_id:
            self.user.local_customs = self.local_customs
            self.user.save(update_fields=["local_customs"])


def member(enterprise, role: str = Role.CONTACT_PERSON, **user_kwargs) -> User:
    """A user who is the enterprise's contact person (default) or staff, through the service."""
    from enterprises import services

    user = cast(User, UserFactory(**user_kwargs))
    if role == Role.CONTACT_PERSON:
        services.designate_contact_person(enterprise=enterprise, user=user, position="副总经理")
    else:
        services.add_staff_member(enterprise=enterprise, user=user)
    user.__dict__.pop("roles", None)
    return user


def customs_user(role: str, local_customs: LocalCustoms, **kwargs) -> User:
    return cast(
        User,
        UserFactory(roles=[role], local_customs=local_customs, is_staff=role != Role.COORDINATOR, **kwargs),
    )


# --- Managers and paired enterprises ----------------------------------------------------------------------


def management_manager(district, **kwargs) -> User:
    """A manager of the district's Management Department (supervises coordinators; sees the integrity channel)."""
    department = Department.objects.filter(district=district, is_management_department=True).first()
    if department is None:
        department = cast(Department, DepartmentFactory(district=district, is_management_department=True))
    user = cast(User, UserFactory(roles=[Role.MANAGER], department=department, is_staff=True, **kwargs))
    user.__dict__.pop("roles", None)
    return user


def paired_enterprise(*, on: datetime.date | None = None, **kwargs):
    """An advanced-certified enterprise with a coordinator pair of its local customs: (enterprise, a, b)."""
    from coordinators.services import assign_pair

    enterprise = rated_enterprise("advanced_certified", on=on, **kwargs)
    first = cast(Coordinator, CoordinatorFactory(local_customs=enterprise.local_customs))
    second = cast(Coordinator, CoordinatorFactory(local_customs=enterprise.local_customs))
    assign_pair(enterprise=enterprise, coordinators=[first, second], on=on)
    enterprise.refresh_from_db()
    return enterprise, first, second
