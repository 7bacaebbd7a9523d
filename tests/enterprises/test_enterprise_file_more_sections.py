"""The enterprise file and the desk with the work of compliance, liaison and rotation: the assessment
history and the files answering improvement actions, the questions referred to departments (customs
only), each coordinator's service date and the rotations (officers only); overdue improvement actions
and questions waiting for departments on the officer's desk; an API token's scopes over those
resources, which the API root lists."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from compliance import services as compliance
from compliance.models import ImprovementAction
from coordinators import services as coordinators
from coordinators.models import PairAssignment, RotationPolicy
from coordinators.services import add_months
from liaison import services as liaison
from liaison.models import Referral
from portal import tokens
from portal.roles import Role
from tests.compliance.helpers import codes, draft, signed
from tests.factories import DepartmentFactory, UserFactory
from tests.world import pdf

pytestmark = pytest.mark.django_db


def file_page(client, user, enterprise):
    client.force_login(user)
    response = client.get(reverse("enterprises:file", args=[enterprise.pk]))
    assert response.status_code == 200
    return response


def section(response, name):
    return next((item["ctx"] for item in response.context["sections"] if item["section"].name == name), None)


def desk(client, user) -> dict:
    client.force_login(user)
    return {q.queue.name: q for q in client.get(reverse("portal:officer_home")).context["queues"]}


@pytest.fixture
def department(world):
    """The district's risk-control department, with its liaison officer named."""
    department = DepartmentFactory(district=world.district, name_zh="风险防控处", name_en="Risk Control")
    officer = UserFactory(roles=[Role.CUSTOMS_OFFICER], department=department, is_staff=True)
    liaison.name_liaison_officer(department=department, user=officer, actor=world.manager)
    return department


def refer(world, department, question="请风险处确认该商品的布控要求。"):
    return liaison.refer(
        request=world.file_request(), department=department, question=question, actor=world.coordinator.user
    )


def test_the_assessment_history_and_its_files_are_in_the_file(client, world):
    assessment = signed(world, not_met=(codes()[0],))
    action = assessment.actions.get()
    compliance.respond_to_action(
        action=action, actor=world.contact, answer="已建立复核制度", files=[pdf("复核制度.pdf")]
    )
    draft(world)
    response = file_page(client, world.coordinator.user, world.enterprise)
    assert [a.state for a in section(response, "compliance")["assessments"]] == ["draft", "signed"]
    page = response.content.decode()
    assert page.count('data-testid="history-row"') == 2
    assert reverse("compliance:assessment_detail", args=[assessment.pk]) in page
    assert "复核制度.pdf" in page and reverse("compliance:action_detail", args=[action.pk]) in page
    # Another district's officer has no file of the enterprise at all.
    client.force_login(world.foreign_officer)
    assert client.get(reverse("enterprises:file", args=[world.enterprise.pk])).status_code == 404


def test_referrals_are_in_the_file_for_customs(client, world, department):
    refer(world, department)
    for user in (world.coordinator.user, world.officer, world.manager):
        page = file_page(client, user, world.enterprise).content.decode()
        assert "请风险处确认该商品的布控要求。" in page and 'data-testid="file-referral"' in page, user


def test_the_file_shows_since_when_each_coordinator_serves_and_rotations_to_officers(client, world):
    RotationPolicy.objects.create(
        district=world.district, max_service_months=36, cooling_off_months=24, notice_days=60
    )
    today = timezone.localdate()
    started = add_months(today, -36) + datetime.timedelta(days=20)
    pair = PairAssignment.objects.active().get(enterprise=world.enterprise)
    side = "a_since" if pair.coordinator_a_id == world.coordinator.pk else "b_since"
    PairAssignment.objects.filter(pk=pair.pk).update(**{side: started})
    coordinators.list_rotations_due(today=today)

    response = file_page(client, world.partner.user, world.enterprise)
    since = dict(section(response, "coordinators")["members"])
    assert since[world.coordinator] == started
    assert f"{started:%Y-%m-%d}" in response.content.decode()
    assert 'data-testid="file-rotations"' not in response.content.decode()
    page = file_page(client, world.officer, world.enterprise).content.decode()
    assert 'data-testid="file-rotations"' in page and str(world.coordinator) in page


def test_the_file_reads_constant_queries_with_assessments_and_referrals(client, world, department):
    def count() -> int:
        client.force_login(world.coordinator.user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("enterprises:file", args=[world.enterprise.pk])).status_code == 200
        return len(ctx.captured_queries)

    refer(world, department)
    signed(world, not_met=(codes()[0],))
    few = count()
    for n in range(6):
        refer(world, department, question=f"问题 {n}")
    action = ImprovementAction.objects.get()
    compliance.respond_to_action(action=action, actor=world.contact, answer="已整改", files=[pdf(), pdf()])
    draft(world)
    assert count() == few


def test_the_desk_counts_overdue_improvement_actions_of_the_district(client, world):
    assessment = signed(world, not_met=(codes()[0], codes()[1]))
    assert str(desk(client, world.officer)["overdue-improvement-actions"].count) == "0"
    late = assessment.actions.first()
    ImprovementAction.objects.filter(pk=late.pk).update(
        due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    queue = desk(client, world.officer)["overdue-improvement-actions"]
    assert str(queue.count) == "1" and queue.items[0][2] == reverse(
        "compliance:action_detail", args=[late.pk]
    )
    listing = client.get(queue.link)
    assert listing.status_code == 200 and [a.pk for a in listing.context["cl"].result_list] == [late.pk]
    assert str(desk(client, world.foreign_officer)["overdue-improvement-actions"].count) == "0"


def test_the_desk_counts_questions_waiting_for_departments(client, world, department):
    waiting = refer(world, department)
    Referral.objects.filter(pk=waiting.pk).update(due_at=timezone.now() - datetime.timedelta(hours=2))
    refer(world, department, question="另一个问题")
    queue = desk(client, world.manager)["referrals-waiting"]
    assert str(queue.count) == "2" and str(queue.overdue) == "1"
    assert queue.items[0][0].startswith(f"#{waiting.request_id}")
    assert client.get(queue.link).status_code == 200
    assert str(desk(client, world.foreign_officer)["referrals-waiting"].count) == "0"


def test_tokens_cover_the_resources_of_rotation_liaison_and_compliance(client, world, department):
    root = client.get("/api/").json()["resources"]
    for name in ("rotation", "referral", "department-notice", "assessment", "improvement-action"):
        assert name in root, name
    action = signed(world, not_met=(codes()[0],)).actions.get()
    refer(world, department)

    def bearer(user, scopes):
        _token, secret = tokens.create_token(user=user, name="system", scopes=scopes)
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
        return api

    erp = bearer(world.contact, ["read"])
    assert [a["id"] for a in erp.get("/api/improvement-actions/").json()["results"]] == [action.pk]
    assert erp.get("/api/referrals/").json()["results"] == []  # customs-internal
    refused = erp.post(f"/api/improvement-actions/{action.pk}/responses/", {"text": "已整改"}, format="json")
    assert refused.status_code == 403 and "write" in refused.json()["detail"]
    assert not action.responses.exists()
    writer = bearer(world.contact, ["read", "write"])
    done = writer.post(f"/api/improvement-actions/{action.pk}/responses/", {"text": "已整改"}, format="json")
    assert done.status_code == 201, done.content

    customs = bearer(world.coordinator.user, ["read"])
    assert len(customs.get("/api/referrals/").json()["results"]) == 1
    assert customs.get("/api/assessments/").status_code == 200
    assert customs.get("/api/department-notices/").status_code == 200
    asked = customs.post(
        "/api/referrals/",
        {"request": world.file_request().pk, "department": department.pk, "question": "再问一次"},
        format="json",
    )
    assert asked.status_code == 403 and Referral.objects.count() == 1
    assert bearer(world.manager, ["read"]).get("/api/rotations/").status_code == 200
