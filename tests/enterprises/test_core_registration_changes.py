"""Registration-change submissions: proposed by members, decided by customs of the district, applied
only on acceptance, refused when stale."""

import pytest

from enterprises import services
from enterprises.models import Enterprise, RegistrationChange
from portal.exceptions import ConflictError, DomainError, PermissionDeniedError
from portal.roles import Role
from tests.factories import UserFactory, member


def _submit(enterprise, user, **values):
    return services.submit_registration_change(enterprise=enterprise, submitted_by=user, new_values=values)


def test_member_submission_records_before_and_after_without_changing_the_enterprise(world):
    enterprise = world.new_enterprise(registered_address="旧地址")
    change = _submit(enterprise, member(enterprise), registered_address="新地址")
    assert change.changes == {"registered_address": ["旧地址", "新地址"]}
    assert change.status == RegistrationChange.Status.PENDING
    assert Enterprise.objects.get(pk=enterprise.pk).registered_address == "旧地址"


def test_non_member_cannot_submit(world):
    enterprise = world.new_enterprise()
    outsider = member(world.new_enterprise())
    with pytest.raises(PermissionDeniedError):
        _submit(enterprise, outsider, phone="123")


def test_submission_that_changes_nothing_is_refused(world):
    enterprise = world.new_enterprise(phone="010-1")
    with pytest.raises(DomainError, match="Nothing"):
        _submit(enterprise, member(enterprise), phone="010-1")


def test_submission_of_a_non_changeable_field_is_refused(world):
    enterprise = world.new_enterprise()
    with pytest.raises(DomainError):
        _submit(enterprise, member(enterprise), uscc="91110000000000000X")


def test_submission_with_an_invalid_value_is_refused(world):
    enterprise = world.new_enterprise()
    with pytest.raises(DomainError):
        _submit(enterprise, member(enterprise), email="not-an-email")


def test_accepting_applies_the_change_and_records_history(world):
    enterprise = world.new_enterprise(phone="010-1")
    change = _submit(enterprise, member(enterprise), phone="010-2")
    services.decide_registration_change(change=change, actor=world.officer, accept=True)
    enterprise.refresh_from_db()
    assert enterprise.phone == "010-2"
    change.refresh_from_db()
    assert change.status == RegistrationChange.Status.ACCEPTED and change.decided_by == world.officer
    latest = enterprise.history.order_by("-history_date").first()
    assert latest.history_user == world.officer and latest.phone == "010-2"


def test_rejecting_needs_a_reason_and_changes_nothing(world):
    enterprise = world.new_enterprise(phone="010-1")
    change = _submit(enterprise, member(enterprise), phone="010-2")
    with pytest.raises(DomainError):
        services.decide_registration_change(change=change, actor=world.officer, accept=False, note="")
    services.decide_registration_change(change=change, actor=world.officer, accept=False, note="不符")
    enterprise.refresh_from_db()
    assert enterprise.phone == "010-1"
    assert RegistrationChange.objects.get(pk=change.pk).status == RegistrationChange.Status.REJECTED


def test_stale_change_is_refused(world):
    enterprise = world.new_enterprise(phone="010-1")
    user = member(enterprise)
    first = _submit(enterprise, user, phone="010-2")
    second = _submit(enterprise, user, phone="010-3")
    services.decide_registration_change(change=first, actor=world.officer, accept=True)
    with pytest.raises(ConflictError, match="changed since"):
        services.decide_registration_change(change=second, actor=world.officer, accept=True)
    assert Enterprise.objects.get(pk=enterprise.pk).phone == "010-2"


def test_a_change_is_decided_once(world):
    enterprise = world.new_enterprise()
    change = _submit(enterprise, member(enterprise), phone="9")
    services.decide_registration_change(change=change, actor=world.officer, accept=True)
    with pytest.raises(ConflictError):
        services.decide_registration_change(change=change, actor=world.officer, accept=True)


def test_officer_of_another_district_cannot_decide(world):
    enterprise = world.new_enterprise()
    change = _submit(enterprise, member(enterprise), phone="9")
    with pytest.raises(PermissionDeniedError):
        services.decide_registration_change(change=change, actor=world.foreign_officer, accept=True)


def test_enterprise_users_and_coordinators_cannot_decide(world):
    enterprise = world.new_enterprise()
    user = member(enterprise)
    change = _submit(enterprise, user, phone="9")
    with pytest.raises(PermissionDeniedError):
        services.decide_registration_change(change=change, actor=user, accept=True)
    coordinator_user = UserFactory(roles=[Role.COORDINATOR], local_customs=world.office)
    with pytest.raises(PermissionDeniedError):
        services.decide_registration_change(change=change, actor=coordinator_user, accept=True)
