"""The API of referrals, department notices and rotations: scoped like the pages, writes through the
services, bad input a 400 that changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from coordinators import services as coordinators
from coordinators.models import PairAssignment, Rotation, RotationPolicy
from coordinators.services import add_months
from liaison import services
from liaison.models import Referral

pytestmark = pytest.mark.django_db


def test_refer_answer_and_pass_on_through_the_api(client, world, department, liaison):
    request = world.file_request()
    client.force_login(world.coordinator.user)
    created = client.post(
        "/api/referrals/",
        {"request": request.pk, "department": department.pk, "question": "请确认归类。"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    client.force_login(liaison)
    answered = client.post(
        f"/api/referrals/{pk}/answer/", {"body": "按8471归类。"}, content_type="application/json"
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    client.force_login(world.coordinator.user)
    shared = client.post(f"/api/referrals/{pk}/share/", content_type="application/json")
    assert shared.status_code == 200 and shared.json()["shared_with_enterprise"] is True
    assert client.post(f"/api/referrals/{pk}/share/", content_type="application/json").status_code == 409


def test_bad_input_is_a_400_and_changes_nothing(client, world, department, liaison):
    request = world.file_request()
    client.force_login(world.coordinator.user)
    for body in (
        {},
        {"request": request.pk, "department": department.pk},
        {"request": "x", "department": department.pk, "question": "q"},
        {"request": 999999, "department": department.pk, "question": "q"},
        {"request": request.pk, "department": 999999, "question": "q"},
    ):
        assert client.post("/api/referrals/", body, content_type="application/json").status_code == 400
    assert not Referral.objects.exists()


def test_enterprises_and_other_districts_see_no_referral(client, world, department, liaison):
    referral = services.refer(
        request=world.file_request(), department=department, question="q", actor=world.coordinator.user
    )
    client.force_login(world.contact)
    assert client.get("/api/referrals/").json()["results"] == []
    assert client.get(f"/api/referrals/{referral.pk}/").status_code == 404
    assert (
        client.post(
            f"/api/referrals/{referral.pk}/answer/", {"body": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    client.force_login(world.foreign_officer)
    assert client.get(f"/api/referrals/{referral.pk}/").status_code == 404


def test_a_coordinator_reads_the_notices_that_reached_them(client, world, department, liaison):
    _ = world.party  # the office's coordinators
    services.publish_notice(
        department=department, kind="measure", title="新措施", body="…", offices=[world.office], actor=liaison
    )
    client.force_login(world.coordinator.user)
    assert [n["title"] for n in client.get("/api/department-notices/").json()["results"]] == ["新措施"]
    client.force_login(world.contact)
    assert client.get("/api/department-notices/").json()["results"] == []


def test_the_manager_confirms_a_rotation_through_the_api(client, world):
    RotationPolicy.objects.create(district=world.district, max_service_months=36)
    pair = PairAssignment.objects.active().get(enterprise=world.enterprise)
    side = "a_since" if pair.coordinator_a_id == world.coordinator.pk else "b_since"
    PairAssignment.objects.filter(pk=pair.pk).update(**{side: add_months(timezone.localdate(), -36)})
    coordinators.list_rotations_due()
    rotation = Rotation.objects.get()
    client.force_login(world.coordinator.user)
    assert (
        client.post(
            f"/api/rotations/{rotation.pk}/confirm/",
            {"substitute": world.spare.pk},
            content_type="application/json",
        ).status_code
        == 403
    )
    client.force_login(world.manager)
    assert [r["id"] for r in client.get("/api/rotations/?status=due").json()["results"]] == [rotation.pk]
    assert (
        client.post(
            f"/api/rotations/{rotation.pk}/confirm/", {"substitute": "x"}, content_type="application/json"
        ).status_code
        == 400
    )
    done = client.post(
        f"/api/rotations/{rotation.pk}/confirm/",
        {"substitute": world.spare.pk},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    client.force_login(world.contact)
    assert client.get("/api/rotations/").json()["results"] == []
