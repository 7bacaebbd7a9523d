"""Referrals: a coordinator asks a department's liaison officer from the request; the coordinator stays
responsible; the answer comes inside the request as an internal note or a reply, as the coordinator chose."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coordination import access
from coordination.models import RequestMessage
from liaison import selectors, services
from liaison.models import LiaisonOfficer, Referral
from portal.exceptions import ConflictError, DomainError, PermissionDeniedError
from portal.models import Notification
from portal.roles import Role
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _refer(world, department, **kwargs):
    request = kwargs.pop("request", None) or world.file_request()
    return services.refer(
        request=request,
        department=department,
        question="该商品归类是否属于第8471品目？请风险处确认布控要求。",
        actor=world.coordinator.user,
        **kwargs,
    )


def test_the_coordinator_refers_and_stays_responsible_and_the_liaison_is_told(world, department, liaison):
    referral = _refer(world, department)
    request = referral.request
    request.refresh_from_db()
    assert request.responsible_office_id == world.office.pk and not request.pending_department_id
    assert access.can_handle(world.coordinator.user, request)
    assert not access.can_handle(liaison, request)  # answering a question is not handling the request
    assert referral.status == "open" and referral.due_at > timezone.now()
    note = Notification.objects.get(recipient=liaison, verb="referral")
    assert str(request.pk) in note.title


def test_an_internal_answer_is_a_customs_only_note_and_the_coordinator_is_told(world, department, liaison):
    referral = _refer(world, department)
    services.answer_referral(referral=referral, body="按8471.50归类，无需布控。", actor=liaison)
    referral.refresh_from_db()
    assert referral.status == "answered" and referral.answered_by == liaison
    message = referral.answer
    assert message.is_internal and message.kind == RequestMessage.Kind.DEPARTMENT_ANSWER
    assert Notification.objects.filter(recipient=world.coordinator.user, verb="referral_answered").exists()
    # The enterprise sees neither the question nor the answer; its first-response clock still runs.
    assert not RequestMessage.objects.visible_to(world.contact).filter(pk=message.pk).exists()
    assert not Referral.objects.visible_to(world.contact).exists()
    referral.request.refresh_from_db()
    assert referral.request.first_responded_at is None


def test_the_coordinator_passes_the_answer_on_as_customs_first_response(world, department, liaison):
    referral = _refer(world, department)
    with pytest.raises(ConflictError):
        services.share_answer(referral=referral, actor=world.coordinator.user)  # nothing to pass on yet
    services.answer_referral(referral=referral, body="经确认，该商品按8471.50归类。", actor=liaison)
    for outsider in (liaison, world.contact, world.foreign_officer):
        with pytest.raises(PermissionDeniedError):
            services.share_answer(referral=referral, actor=outsider)
    services.share_answer(referral=referral, actor=world.partner.user)
    referral.refresh_from_db()
    reply = referral.reply
    assert not reply.is_internal and reply.from_customs and reply.author == world.partner.user
    assert reply.body == "经确认，该商品按8471.50归类。"
    assert RequestMessage.objects.visible_to(world.contact).filter(pk=reply.pk).exists()
    referral.request.refresh_from_db()
    assert referral.request.first_responded_at is not None
    with pytest.raises(ConflictError):
        services.share_answer(referral=referral, actor=world.coordinator.user)


def test_only_a_liaison_of_that_department_answers_once(world, department, liaison):
    referral = _refer(world, department)
    other = DepartmentFactory(district=world.district)
    stranger = UserFactory(roles=[Role.CUSTOMS_OFFICER], department=other, is_staff=True)
    for outsider in (world.officer, world.coordinator.user, stranger, world.contact):
        with pytest.raises(PermissionDeniedError):
            services.answer_referral(referral=referral, body="x", actor=outsider)
    with pytest.raises(DomainError):
        services.answer_referral(referral=referral, body="   ", actor=liaison)
    services.answer_referral(referral=referral, body="答复", actor=liaison)
    with pytest.raises(ConflictError):
        services.answer_referral(referral=referral, body="again", actor=liaison)


def test_referral_rules(world, department, liaison):
    request = world.file_request()
    with pytest.raises(PermissionDeniedError):
        services.refer(request=request, department=department, question="q", actor=world.contact)
    with pytest.raises(PermissionDeniedError):
        services.refer(request=request, department=department, question="q", actor=liaison)
    with pytest.raises(DomainError):
        services.refer(
            request=request,
            department=department,
            question=" ",
            actor=world.coordinator.user,
        )
    empty = DepartmentFactory(district=world.district)
    with pytest.raises(DomainError, match="no liaison officer"):
        services.refer(
            request=request,
            department=empty,
            question="q",
            actor=world.coordinator.user,
        )
    foreign = DepartmentFactory(district=world.foreign_office.district)
    with pytest.raises(DomainError):
        services.refer(
            request=request,
            department=foreign,
            question="q",
            actor=world.coordinator.user,
        )
    _refer(world, department, request=request)
    with pytest.raises(ConflictError):
        _refer(world, department, request=request)
    assert Referral.objects.count() == 1


def test_the_liaison_officer_is_named_by_the_management_department_from_the_department(world, department):
    member = UserFactory(roles=[Role.CUSTOMS_OFFICER], department=department, is_staff=True)
    outsider = UserFactory(
        roles=[Role.CUSTOMS_OFFICER], department=DepartmentFactory(district=world.district)
    )
    with pytest.raises(PermissionDeniedError):
        services.name_liaison_officer(department=department, user=member, actor=world.officer)
    with pytest.raises(DomainError):
        services.name_liaison_officer(department=department, user=outsider, actor=world.manager)
    with pytest.raises(DomainError):
        services.name_liaison_officer(
            department=world.management_department, user=member, actor=world.manager
        )
    appointment = services.name_liaison_officer(department=department, user=member, actor=world.manager)
    with pytest.raises(ConflictError):
        services.name_liaison_officer(department=department, user=member, actor=world.manager)
    services.end_liaison_officer(appointment=appointment, actor=world.manager)
    assert not services.is_liaison_of(member, department.pk)
    assert LiaisonOfficer.objects.filter(pk=appointment.pk).exists()  # history kept


def test_the_request_page_refers_and_answers_and_the_liaison_desk_lists_it(
    client, world, department, liaison
):
    request = world.file_request()
    client.force_login(world.coordinator.user)
    page = client.get(reverse("coordination:request_detail", args=[request.pk])).content.decode()
    assert 'data-testid="refer-form"' in page
    client.post(
        reverse("liaison:refer", args=[request.pk]),
        {"department": department.pk, "question": "请确认归类。"},
    )
    referral = Referral.objects.get()
    client.force_login(liaison)
    desk = client.get(reverse("liaison:desk"))
    assert desk.status_code == 200 and referral in desk.context["open"]
    page = client.get(reverse("coordination:request_detail", args=[request.pk])).content.decode()
    assert 'data-testid="answer-form"' in page and 'data-testid="refer-form"' not in page
    client.post(reverse("liaison:answer", args=[referral.pk]), {f"answer-{referral.pk}-body": "按8471归类。"})
    referral.refresh_from_db()
    assert referral.status == "answered"
    client.force_login(world.coordinator.user)
    page = client.get(reverse("coordination:request_detail", args=[request.pk])).content.decode()
    assert 'data-testid="referral-answer"' in page and "按8471归类。" in page
    # The enterprise's page has no trace of the referral.
    client.force_login(world.contact)
    page = client.get(reverse("coordination:request_detail", args=[request.pk])).content.decode()
    assert 'data-testid="referrals"' not in page and "按8471归类。" not in page


def test_bad_input_on_the_pages_changes_nothing(client, world, department, liaison):
    request = world.file_request()
    client.force_login(world.coordinator.user)
    for data in (
        {},
        {"department": "x", "question": "q"},
        {"department": department.pk, "question": " "},
    ):
        response = client.post(reverse("liaison:refer", args=[request.pk]), data)
        assert response.status_code == 302
    assert not Referral.objects.exists()
    referral = _refer(world, department, request=request)
    client.force_login(liaison)
    client.post(reverse("liaison:answer", args=[referral.pk]), {})
    referral.refresh_from_db()
    assert referral.status == "open"
    assert client.post(reverse("liaison:answer", args=[999999]), {}).status_code == 404


def test_the_desk_is_for_liaison_officers_and_another_district_sees_nothing(
    client, world, department, liaison
):
    referral = _refer(world, department)
    client.force_login(world.officer)
    assert client.get(reverse("liaison:desk")).status_code == 403
    client.force_login(world.foreign_officer)
    assert client.post(reverse("liaison:answer", args=[referral.pk]), {}).status_code == 404


def test_the_desk_asks_a_constant_number_of_queries(client, world, department, liaison):
    client.force_login(liaison)

    def count_with(n: int) -> int:
        for _ in range(n):
            _refer(world, department)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("liaison:desk"))
        return len(queries)

    assert count_with(2) == count_with(15)


def test_the_reminder_tells_the_liaison_when_due_and_both_when_overdue_once(world, department, liaison):
    referral = _refer(world, department)
    due_day = timezone.localtime(referral.due_at).date()
    Notification.objects.all().delete()
    assert services.remind_referrals(today=due_day - datetime.timedelta(days=1)).processed == 0
    assert services.remind_referrals(today=due_day).processed == 1
    assert services.remind_referrals(today=due_day).processed == 0
    assert Notification.objects.filter(recipient=liaison, verb="referral_due").count() == 1
    with time_machine.travel(referral.due_at + datetime.timedelta(days=2)):
        assert services.remind_referrals().processed == 1
    assert Notification.objects.filter(recipient=world.coordinator.user, verb="referral_due").exists()


def test_the_dashboard_figures_count_answers_and_lateness_per_department(world, department, liaison):
    on_time = _refer(world, department)
    services.answer_referral(referral=on_time, body="ok", actor=liaison)
    late = _refer(world, department)
    with time_machine.travel(late.due_at + datetime.timedelta(hours=5)):
        services.answer_referral(referral=late, body="late", actor=liaison)
        (row,) = selectors.referral_times(
            district_ids=[world.district.pk], since=timezone.now() - datetime.timedelta(days=30)
        )
    assert (row["referred"], row["answered"], row["late"], row["overdue"]) == (2, 2, 1, 0)
    assert row["average_hours"] is not None


def test_the_managers_dashboard_shows_the_departments_answer_times(client, world, department, liaison):
    services.answer_referral(referral=_refer(world, department), body="ok", actor=liaison)
    _refer(world, department)
    client.force_login(world.manager)
    page = client.get(reverse("supervision:dashboard"))
    (row,) = page.context["referral_times"]
    assert (row["department"], row["referred"], row["answered"]) == ("Risk Control", 2, 1)  # English UI
    assert 'data-testid="referral-times-row"' in page.content.decode()
