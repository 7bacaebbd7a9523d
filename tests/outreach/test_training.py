"""Training and compliance education: audience, invitations, registration with capacity, attendance,
materials, and the report of AEO heads who missed training."""

import datetime
import threading

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise
from outreach import services as outreach
from outreach.models import TrainingInvitation, TrainingRegistration
from portal.exceptions import ConflictError, DomainError, PermissionDeniedError
from portal.roles import Role
from tests.factories import UserFactory
from tests.world import pdf

pytestmark = pytest.mark.django_db


def make_session(world, *, days_ahead=10, capacity=5, **audience):
    start = timezone.now() + datetime.timedelta(days=days_ahead)
    return outreach.create_training_session(
        actor=world.officer,
        title="AEO compliance education",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3),
        capacity=capacity,
        district=world.office.district,
        place="Customs hall",
        **audience,
    )


def test_audience_narrowed_to_aeo_matches_only_aeo_enterprises_of_the_district(world):
    aeo = world.new_enterprise("advanced_certified")
    regular = world.new_enterprise("regular")
    elsewhere = world.new_enterprise("advanced_certified", office=world.foreign_office)
    session = make_session(world, aeo_only=True)
    matched = set(session.matching_enterprises().values_list("pk", flat=True))
    assert aeo.pk in matched
    assert regular.pk not in matched
    assert elsewhere.pk not in matched


def test_audience_by_industry(world):
    logistics = world.new_enterprise("regular", industry="logistics")
    trading = world.new_enterprise("regular", industry="trading")
    session = make_session(world, industries=["logistics"])
    assert list(session.matching_enterprises().values_list("pk", flat=True)) == [logistics.pk]
    assert trading.pk not in session.matching_enterprises().values_list("pk", flat=True)


def test_officer_cannot_address_another_district(world):
    other = world.foreign_office
    start = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(PermissionDeniedError):
        outreach.create_training_session(
            actor=world.officer,
            title="x",
            starts_at=start,
            ends_at=start,
            capacity=3,
            district=other.district,
        )


def test_enterprise_user_cannot_organise_training(world):
    enterprise = world.new_enterprise()
    contact = world.new_contact(enterprise)
    start = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(PermissionDeniedError):
        outreach.create_training_session(
            actor=contact,
            title="x",
            starts_at=start,
            ends_at=start,
            capacity=3,
            district=world.office.district,
        )


def test_invitations_are_created_once_and_the_head_is_notified(world):
    enterprise = world.new_enterprise()
    contact = world.new_contact(enterprise)
    session = make_session(world)
    assert outreach.invite_audience(session=session, actor=world.officer) == 1
    assert outreach.invite_audience(session=session, actor=world.officer) == 0
    assert TrainingInvitation.objects.filter(session=session).count() == 1
    assert contact.notifications.filter(verb="training_invitation").count() == 1


def invited_session(world, enterprise, **kwargs):
    session = make_session(world, **kwargs)
    outreach.invite_audience(session=session, actor=world.officer)
    return session


def test_contact_person_registered_by_account_counts_as_head(world):
    enterprise = world.new_enterprise()
    contact = world.new_contact(enterprise)
    session = invited_session(world, enterprise)
    registration = outreach.register_attendee(
        session=session, enterprise=enterprise, actor=contact, attendee=contact
    )
    assert registration.is_head
    assert registration.attendee_name == contact.display_name


def test_registration_refused_when_the_session_is_full(world):
    enterprise = world.new_enterprise()
    contact = world.new_contact(enterprise)
    session = invited_session(world, enterprise, capacity=1)
    outreach.register_attendee(session=session, enterprise=enterprise, actor=contact, attendee_name="王一")
    with pytest.raises(ConflictError, match="full"):
        outreach.register_attendee(
            session=session, enterprise=enterprise, actor=contact, attendee_name="王二"
        )


def test_cancelled_registration_frees_its_place(world):
    enterprise = world.new_enterprise()
    contact = world.new_contact(enterprise)
    session = invited_session(world, enterprise, capacity=1)
    first = outreach.register_attendee(
        session=session, enterprise=enterprise, actor=contact, attendee_name="王一"
    )
    outreach.cancel_registration(registration=first, actor=contact)
    outreach.register_attendee(session=session, enterprise=enterprise, actor=contact, attendee_name="王二")
    assert TrainingRegistration.objects.filter(session=session, cancelled_at__isnull=True).count() == 1


def test_same_person_cannot_register_twice(world):
    enterprise = world.new_enterprise()
    contact = world.new_contact(enterprise)
    session = invited_session(world, enterprise)
    outreach.register_attendee(session=session, enterprise=enterprise, actor=contact, attendee=contact)
    with pytest.raises(ConflictError):
        outreach.register_attendee(session=session, enterprise=enterprise, actor=contact, attendee=contact)


def test_enterprise_not_invited_cannot_register(world):
    enterprise = world.new_enterprise()
    contact = world.new_contact(enterprise)
    session = make_session(world)
    with pytest.raises(PermissionDeniedError):
        outreach.register_attendee(
            session=session, enterprise=enterprise, actor=contact, attendee_name="王一"
        )


def test_another_enterprise_cannot_register_for_an_enterprise(world):
    enterprise = world.new_enterprise()
    stranger = world.new_contact(world.new_enterprise())
    session = invited_session(world, enterprise)
    with pytest.raises(PermissionDeniedError):
        outreach.register_attendee(
            session=session, enterprise=enterprise, actor=stranger, attendee_name="冒名"
        )


def test_attendee_account_must_belong_to_the_enterprise(world):
    enterprise = world.new_enterprise()
    contact = world.new_contact(enterprise)
    outsider = world.new_contact(world.new_enterprise())
    session = invited_session(world, enterprise)
    with pytest.raises(DomainError):
        outreach.register_attendee(session=session, enterprise=enterprise, actor=contact, attendee=outsider)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_enterprises_racing_for_the_last_place_get_one_place(world):
    enterprises = [world.new_enterprise() for _ in range(2)]
    contacts = [world.new_contact(e) for e in enterprises]
    session = invited_session(world, None, capacity=1)
    barrier = threading.Barrier(2)
    outcomes = []

    def register(enterprise, contact):
        try:
            barrier.wait()
            outreach.register_attendee(
                session=session, enterprise=enterprise, actor=contact, attendee=contact
            )
            outcomes.append("ok")
        except ConflictError:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=register, args=pair) for pair in zip(enterprises, contacts, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["full", "ok"]
    assert TrainingRegistration.objects.filter(session=session, cancelled_at__isnull=True).count() == 1


def test_registration_closes_when_the_session_starts(world):
    enterprise = world.new_enterprise()
    contact = world.new_contact(enterprise)
    session = invited_session(world, enterprise, days_ahead=1)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)), pytest.raises(ConflictError):
        outreach.register_attendee(session=session, enterprise=enterprise, actor=contact, attendee=contact)


def test_attendance_is_recorded_only_after_the_start_by_customs_of_the_district(world):
    enterprise = world.new_enterprise()
    contact = world.new_contact(enterprise)
    session = invited_session(world, enterprise, days_ahead=1)
    registration = outreach.register_attendee(
        session=session, enterprise=enterprise, actor=contact, attendee=contact
    )
    with pytest.raises(ConflictError):
        outreach.record_attendance(registration=registration, actor=world.officer, present=True)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        with pytest.raises(PermissionDeniedError):
            outreach.record_attendance(
                registration=registration,
                actor=world.foreign_officer,
                present=True,
            )
        outreach.record_attendance(registration=registration, actor=world.officer, present=True)
    registration.refresh_from_db()
    assert registration.attendance == "present"
    assert registration.attendance_recorded_by == world.officer


def attended(world, enterprise, attendee, *, days_ago=30, present=True, **kwargs):
    """A session ``days_ago`` days back at which ``attendee`` was recorded present (or absent)."""
    with time_machine.travel(timezone.now() - datetime.timedelta(days=days_ago + 5)):
        session = invited_session(world, enterprise, days_ahead=5, **kwargs)
        registration = outreach.register_attendee(
            session=session, enterprise=enterprise, actor=attendee, attendee=attendee
        )
    with time_machine.travel(timezone.now() - datetime.timedelta(days=days_ago - 1)):
        outreach.record_attendance(registration=registration, actor=world.officer, present=present)
    return session


def missing(world):
    """The enterprises of the world's office whose head missed training."""
    return set(
        outreach.heads_missing_training(Enterprise.objects.filter(local_customs=world.office)).values_list(
            "pk", flat=True
        )
    )


def test_aeo_head_who_attended_within_the_period_is_not_listed(world):
    enterprise = world.new_enterprise()
    head = world.new_contact(enterprise)
    attended(world, enterprise, head, days_ago=30)
    assert enterprise.pk not in missing(world)


def test_aeo_head_who_never_attended_is_listed(world):
    enterprise = world.new_enterprise()
    world.new_contact(enterprise)
    assert enterprise.pk in missing(world)


def test_attendance_older_than_the_training_period_does_not_count(world, settings):
    settings.GUANQI = {**settings.GUANQI, "TRAINING_PERIOD_MONTHS": 12}
    enterprise = world.new_enterprise()
    head = world.new_contact(enterprise)
    attended(world, enterprise, head, days_ago=400)
    assert enterprise.pk in missing(world)


def test_training_period_default_is_twelve_months(settings):
    settings.GUANQI = {k: v for k, v in settings.GUANQI.items() if k != "TRAINING_PERIOD_MONTHS"}
    assert outreach.training_period_months() == 12


def test_head_recorded_absent_is_listed(world):
    enterprise = world.new_enterprise()
    head = world.new_contact(enterprise)
    attended(world, enterprise, head, present=False)
    assert enterprise.pk in missing(world)


def test_staff_attending_in_place_of_the_head_does_not_count(world):
    enterprise = world.new_enterprise()
    world.new_contact(enterprise)
    staff = world.new_contact(enterprise, Role.ENTERPRISE_STAFF)
    attended(world, enterprise, staff)
    assert enterprise.pk in missing(world)


def test_non_business_training_does_not_count(world):
    enterprise = world.new_enterprise()
    head = world.new_contact(enterprise)
    attended(world, enterprise, head, is_business_training=False)
    assert enterprise.pk in missing(world)


def test_regular_enterprises_are_not_in_the_report(world):
    enterprise = world.new_enterprise("regular")
    world.new_contact(enterprise)
    assert enterprise.pk not in missing(world)


def test_training_report_page_lists_the_head_and_exports(login, world):
    enterprise = world.new_enterprise()
    world.new_contact(enterprise, full_name="缺席的张总")
    client = login(world.officer)
    page = client.get(reverse("outreach:training_report"))
    assert "缺席的张总" in page.content.decode()
    csv = client.get(reverse("outreach:training_report") + "?format=csv")
    assert "缺席的张总" in b"".join(csv.streaming_content).decode("utf-8-sig")


def test_enterprise_cannot_open_the_training_report(login, world):
    contact = world.new_contact(world.new_enterprise())
    assert login(contact).get(reverse("outreach:training_report")).status_code == 403


def test_material_with_a_forbidden_extension_is_refused(world):
    session = make_session(world)
    with pytest.raises(DomainError):
        outreach.add_material(
            session=session, actor=world.officer, title="x", upload=SimpleUploadedFile("x.exe", b"MZ")
        )


def test_material_downloadable_by_attendees_after_the_session_only(login, world):
    enterprise = world.new_enterprise()
    head = world.new_contact(enterprise)
    absent_enterprise = world.new_enterprise()
    absent_head = world.new_contact(absent_enterprise)
    session = attended(world, enterprise, head, days_ago=3)
    outreach.invite_audience(session=session, actor=world.officer)
    material = outreach.add_material(
        session=session, actor=world.officer, title="Slides", upload=pdf("slides.pdf")
    )
    url = reverse("outreach:training_material_download", args=[material.pk])
    response = login(head).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert login(absent_head).get(url).status_code == 404
    assert login(world.officer).get(url).status_code == 200


def test_enterprise_sees_only_sessions_it_is_invited_to(login, world):
    enterprise = world.new_enterprise()
    contact = world.new_contact(enterprise)
    invited = invited_session(world, enterprise)
    other = make_session(world)
    client = login(contact)
    assert client.get(reverse("outreach:training_detail", args=[invited.pk])).status_code == 200
    assert client.get(reverse("outreach:training_detail", args=[other.pk])).status_code == 404


def test_enterprise_registers_through_the_page(login, world):
    enterprise = world.new_enterprise()
    contact = world.new_contact(enterprise)
    session = invited_session(world, enterprise)
    membership = contact.memberships.get()
    response = login(contact).post(
        reverse("outreach:training_register", args=[session.pk]), {"attendee": membership.pk}
    )
    assert response.status_code == 302
    assert TrainingRegistration.objects.get(session=session).is_head


def test_unknown_user_without_role_gets_403_on_training_pages(login):
    assert login(UserFactory()).get(reverse("outreach:training_list")).status_code == 403
