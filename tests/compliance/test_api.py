"""Compliance API: assessments and improvement actions through the one scope (the enterprise sees signed
ones only; another enterprise gets 404; officers their district's); members answer an action; bad input
is a clear 400 and changes nothing."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from compliance.models import ActionResponse, ActionStatus, ImprovementAction
from tests.compliance.helpers import codes, draft, signed
from tests.world import bytes_file, pdf

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_the_enterprise_reads_signed_assessments_only(world):
    draft(world, not_met=(codes()[0],), sign=True)
    contact = api(world.contact)
    assert contact.get("/api/assessments/").json()["results"] == []
    assert contact.get("/api/improvement-actions/").json()["results"] == []
    pair = api(world.partner.user)
    rows = pair.get("/api/assessments/").json()["results"]
    assert [r["state"] for r in rows] == ["awaiting_partner"]
    pair.post(f"/api/assessments/{rows[0]['id']}/")  # no write through the API: 405
    from compliance import services
    from compliance.models import Assessment

    services.sign_assessment(assessment=Assessment.objects.get(), actor=world.partner.user)
    body = contact.get(f"/api/assessments/{rows[0]['id']}/").json()
    assert body["state"] == "signed" and len(body["answers"]) == len(codes()) and len(body["signatures"]) == 2
    assert body["actions"][0]["item"] == codes()[0]


def test_officers_see_their_district_and_another_enterprise_gets_404(world):
    assessment = signed(world, not_met=(codes()[0],))
    action = assessment.actions.get()
    assert api(world.officer).get(f"/api/assessments/{assessment.pk}/").status_code == 200
    assert api(world.foreign_officer).get(f"/api/assessments/{assessment.pk}/").status_code == 404
    other = api(world.other_contact)
    assert other.get(f"/api/assessments/{assessment.pk}/").status_code == 404
    assert other.get(f"/api/improvement-actions/{action.pk}/").status_code == 404
    assert (
        other.post(
            f"/api/improvement-actions/{action.pk}/responses/", {"text": "x"}, format="json"
        ).status_code
        == 404
    )


def test_a_member_answers_an_action_with_a_file(world):
    action = signed(world, not_met=(codes()[0],)).actions.get()
    response = api(world.staff).post(
        f"/api/improvement-actions/{action.pk}/responses/",
        {"text": "已建立复核制度", "files": [pdf("制度.pdf")]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["files"][0]["original_name"] == "制度.pdf"
    action.refresh_from_db()
    assert action.status == ActionStatus.ANSWERED
    listed = api(world.contact).get(f"/api/improvement-actions/{action.pk}/").json()
    assert listed["status"] == "answered" and listed["responses"][0]["text"] == "已建立复核制度"


@pytest.mark.parametrize(
    ("payload", "fmt", "message"),
    [
        ({}, "json", "text"),
        ({"text": "   "}, "json", "may not be blank"),
        ({"text": "ok", "files": [bytes_file("x.exe", b"MZ\x90\x00")]}, "multipart", "not accepted"),
        ({"text": "ok", "files": [bytes_file("fake.pdf", b"not a pdf")]}, "multipart", "not a valid .pdf"),
    ],
)
def test_bad_input_is_a_clear_400_and_nothing_changes(world, payload, fmt, message):
    action = signed(world, not_met=(codes()[0],)).actions.get()
    response = api(world.contact).post(
        f"/api/improvement-actions/{action.pk}/responses/", payload, format=fmt
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ActionResponse.objects.exists()
    assert ImprovementAction.objects.get().status == ActionStatus.OPEN


def test_the_pair_cannot_answer_for_the_enterprise(world):
    action = signed(world, not_met=(codes()[0],)).actions.get()
    response = api(world.coordinator.user).post(
        f"/api/improvement-actions/{action.pk}/responses/", {"text": "代答"}, format="json"
    )
    assert response.status_code == 403 and response.json()["detail"]
    assert not ActionResponse.objects.exists()


def test_an_answered_action_is_a_409(world):
    action = signed(world, not_met=(codes()[0],)).actions.get()
    client = api(world.contact)
    assert (
        client.post(
            f"/api/improvement-actions/{action.pk}/responses/", {"text": "a"}, format="json"
        ).status_code
        == 201
    )
    again = client.post(f"/api/improvement-actions/{action.pk}/responses/", {"text": "b"}, format="json")
    assert again.status_code == 409
    assert ActionResponse.objects.count() == 1
