"""Appeals API: an enterprise lists, files and reads its appeals; others get 404; documented in OpenAPI."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_enterprise_files_lists_and_reads_its_appeal(world):
    client = api(world.contact)
    created = client.post(
        "/api/appeals/",
        {"appeal_type": "penalty", "subject": "Fine too high", "grounds": "Miscalculated."},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "submitted"
    listing = client.get("/api/appeals/").json()
    assert [row["id"] for row in listing["results"]] == [pk]
    assert client.get(f"/api/appeals/{pk}/").json()["subject"] == "Fine too high"


def test_another_enterprise_gets_404_and_a_refusal_is_a_clear_400(world):
    appeal = world.file_appeal()
    other = api(world.other_contact)
    assert other.get(f"/api/appeals/{appeal.pk}/").status_code == 404
    refused = other.post(
        "/api/appeals/", {"appeal_type": "coordinator_conduct", "subject": "x", "grounds": "y"}, format="json"
    )
    assert refused.status_code == 400 and refused.json()["code"] == "AppealError" and refused.json()["detail"]


def test_customs_staff_cannot_file_through_the_api(world):
    response = api(world.officer).post(
        "/api/appeals/", {"appeal_type": "penalty", "subject": "x", "grounds": "y"}, format="json"
    )
    assert response.status_code == 403


def test_the_appeals_api_is_in_the_openapi_schema(world):
    schema = api(world.contact).get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    assert "/api/appeals/" in schema.json()["paths"]
