"""Contact persons and members: exactly one contact person (a senior executive), history kept on a
swap, one active membership per user."""

import pytest
from django.db import IntegrityError, transaction

from enterprises import services
from enterprises.models import Membership, MembershipRole
from portal.exceptions import ConflictError, DomainError
from portal.roles import Role
from portal.scoping import can_see
from tests.factories import UserFactory, member


def test_database_allows_one_open_contact_person_per_enterprise(world):
    enterprise = world.new_enterprise()
    member(enterprise)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            enterprise=enterprise,
            user=UserFactory(),
            role=MembershipRole.CONTACT_PERSON,
            is_senior_executive=True,
        )


def test_designating_a_new_contact_person_ends_the_old_one_and_keeps_history(world):
    enterprise = world.new_enterprise()
    first = member(enterprise)
    second = UserFactory()
    services.designate_contact_person(enterprise=enterprise, user=second, position="总经理")
    contacts = Membership.objects.filter(enterprise=enterprise, role=MembershipRole.CONTACT_PERSON)
    assert contacts.count() == 2
    assert contacts.get(user=first).ended_at is not None
    assert contacts.get(user=second).ended_at is None
    assert services.contact_person(enterprise) == second
    # The former contact person stays as staff by default.
    assert Membership.objects.get(user=first, ended_at__isnull=True).role == MembershipRole.STAFF


def test_former_contact_person_loses_access_when_not_kept_as_staff(world):
    enterprise = world.new_enterprise()
    first = member(enterprise)
    services.designate_contact_person(
        enterprise=enterprise, user=UserFactory(), position="总经理", keep_previous_as_staff=False
    )
    first.__dict__.pop("roles", None)
    assert not can_see(first, enterprise)


def test_database_refuses_a_contact_person_who_is_not_a_senior_executive(world):
    enterprise = world.new_enterprise()
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            enterprise=enterprise,
            user=UserFactory(),
            role=MembershipRole.CONTACT_PERSON,
            is_senior_executive=False,
        )


def test_contact_person_must_have_a_senior_position(world):
    with pytest.raises(DomainError, match="senior executive"):
        services.designate_contact_person(
            enterprise=world.new_enterprise(), user=UserFactory(), position="  "
        )


def test_contact_person_membership_is_marked_senior_executive(world):
    enterprise = world.new_enterprise()
    user = member(enterprise)
    assert Membership.objects.get(user=user, ended_at__isnull=True).is_senior_executive


def test_database_allows_one_active_membership_per_user(world):
    user = member(world.new_enterprise(), role=Role.ENTERPRISE_STAFF)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(enterprise=world.new_enterprise(), user=user, role=MembershipRole.STAFF)


def test_a_member_of_one_enterprise_cannot_join_another(world):
    user = member(world.new_enterprise(), role=Role.ENTERPRISE_STAFF)
    with pytest.raises(ConflictError):
        services.add_staff_member(enterprise=world.new_enterprise(), user=user)


def test_the_contact_persons_membership_cannot_simply_end(world):
    enterprise = world.new_enterprise()
    user = member(enterprise)
    with pytest.raises(DomainError):
        services.end_membership(membership=Membership.objects.get(user=user, ended_at__isnull=True))


def test_ending_a_staff_membership_removes_access(world):
    enterprise = world.new_enterprise()
    user = member(enterprise, role=Role.ENTERPRISE_STAFF)
    services.end_membership(membership=Membership.objects.get(user=user, ended_at__isnull=True))
    user.__dict__.pop("roles", None)
    assert not can_see(user, enterprise)
    assert Role.ENTERPRISE_STAFF not in user.roles
