"""The coordination-request API: a real client with a real session login; object access on every
endpoint; internal notes hidden from enterprises; errors as 400/403/404/409; documented in the schema
without warnings; Swagger UI served from local static files only."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from coordination.models import RequestStatus
from coordinators import services as coordination
from coordinators.models import RecusalReason
from tests.world import pdf

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_enterprise_files_and_lists_its_requests(client, world):
    login(client, world.staff)
    response = client.post(
        "/api/requests/",
        {"service_type": "consulting", "subject": "API 请求", "description": "详情", "files": [pdf()]},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "submitted" and len(body["attachments"]) == 1
    assert body["attachments"][0]["download_url"].startswith("/coordination/attachments/")
    listing = client.get("/api/requests/").json()
    assert [r["id"] for r in listing["results"]] == [body["id"]]


def test_filing_with_bad_input_is_a_400_and_changes_nothing(client, world):
    login(client, world.contact)
    assert (
        client.post(
            "/api/requests/", {"service_type": "nonsense", "subject": "", "description": ""}
        ).status_code
        == 400
    )
    assert not world.enterprise.coordination_requests.exists()


def test_customs_cannot_file_for_an_enterprise(client, world):
    login(client, world.coordinator.user)
    response = client.post(
        "/api/requests/",
        {"service_type": "consulting", "subject": "x", "description": "y"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_another_enterprise_gets_404_on_every_endpoint(client, world):
    r = world.file_request()
    other = world.new_party()
    login(client, other.contact)
    assert client.get("/api/requests/").json()["results"] == []
    for url in (
        f"/api/requests/{r.pk}/",
        f"/api/requests/{r.pk}/messages/",
        f"/api/requests/{r.pk}/transitions/",
    ):
        assert client.get(url).status_code == 404
    assert (
        client.post(
            f"/api/requests/{r.pk}/messages/", {"body": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/requests/{r.pk}/transitions/", {"action": "withdraw"}, content_type="application/json"
        ).status_code
        == 404
    )
    r.refresh_from_db()
    assert r.status == RequestStatus.SUBMITTED and not r.messages.exists()


def test_recused_coordinator_gets_404(client, world):
    r = world.file_request()
    coordination.declare_recusal(
        coordinator=world.partner,
        enterprise=world.enterprise,
        reason=RecusalReason.KINSHIP,
        actor=world.manager,
    )
    login(client, world.partner.user)
    assert client.get(f"/api/requests/{r.pk}/").status_code == 404
    assert client.get("/api/requests/").json()["results"] == []


def test_internal_notes_are_not_in_the_enterprise_api(client, world):
    r = world.file_request()
    login(client, world.coordinator.user)
    response = client.post(
        f"/api/requests/{r.pk}/messages/",
        {"body": "内部备注", "internal": True},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["is_internal"] is True
    client.post(f"/api/requests/{r.pk}/messages/", {"body": "公开回复"}, content_type="application/json")
    assert {m["body"] for m in client.get(f"/api/requests/{r.pk}/messages/").json()} == {
        "内部备注",
        "公开回复",
    }
    login(client, world.contact)
    assert [m["body"] for m in client.get(f"/api/requests/{r.pk}/messages/").json()] == ["公开回复"]


def test_enterprise_cannot_post_an_internal_note(client, world):
    r = world.file_request()
    login(client, world.contact)
    response = client.post(
        f"/api/requests/{r.pk}/messages/", {"body": "x", "internal": True}, content_type="application/json"
    )
    assert response.status_code == 403


def test_transitions_through_the_api(client, world):
    r = world.file_request()
    login(client, world.coordinator.user)
    assert (
        client.post(
            f"/api/requests/{r.pk}/transitions/", {"action": "accept"}, content_type="application/json"
        ).json()["status"]
        == "accepted"
    )
    body = client.post(
        f"/api/requests/{r.pk}/transitions/",
        {"action": "resolve", "note": "已解决"},
        content_type="application/json",
    ).json()
    assert body["status"] == "resolved"
    login(client, world.contact)
    assert "confirm" in client.get(f"/api/requests/{r.pk}/").json()["available_actions"]
    body = client.post(
        f"/api/requests/{r.pk}/transitions/",
        {"action": "confirm", "rating": 4},
        content_type="application/json",
    ).json()
    assert body["status"] == "closed" and body["rating"] == 4
    history = client.get(f"/api/requests/{r.pk}/transitions/").json()
    assert [t["to_status"] for t in history] == ["submitted", "accepted", "resolved", "closed"]


def test_an_illegal_transition_is_a_409(client, world):
    r = world.file_request()
    login(client, world.contact)
    response = client.post(
        f"/api/requests/{r.pk}/transitions/",
        {"action": "confirm", "rating": 5},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["detail"]


def test_staff_cannot_withdraw_through_the_api(client, world):
    r = world.file_request()
    login(client, world.staff)
    assert (
        client.post(
            f"/api/requests/{r.pk}/transitions/", {"action": "withdraw"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_api_list_runs_a_constant_number_of_queries(client, world):
    login(client, world.contact)
    for i in range(3):
        world.file_request(subject=f"r{i}")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/requests/").status_code == 200
    for i in range(25):
        world.file_request(subject=f"more{i}")
    with CaptureQueriesContext(connection) as more:
        body = client.get("/api/requests/").json()
    assert len(body["results"]) == 25 and body["next"]
    assert len(more.captured_queries) == len(few.captured_queries)


def test_api_list_uses_cursor_pagination(client, world):
    login(client, world.contact)
    for i in range(27):
        world.file_request(subject=f"r{i}")
    first = client.get("/api/requests/").json()
    assert "cursor=" in first["next"] and "count" not in first
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 2


def test_schema_documents_the_request_endpoints_without_warnings():
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator(patterns=[path("api/", include("coordination.api.urls"))]).get_schema(
        request=None, public=True
    )
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache
    assert {
        "/api/requests/",
        "/api/requests/{id}/",
        "/api/requests/{id}/messages/",
        "/api/requests/{id}/transitions/",
    } <= set(schema["paths"])
    assert "CoordinationRequestStatus" in schema["components"]["schemas"]


def test_the_full_schema_has_no_warnings_about_our_components(client, world):
    from drf_spectacular.drainage import GENERATOR_STATS

    login(client, world.contact)
    GENERATOR_STATS.reset()
    assert client.get("/api/schema/").status_code == 200
    ours = [
        w for w in GENERATOR_STATS._warn_cache if re.search(r"Coordination|coordinators|/api/requests", w)
    ]
    assert ours == []


def test_swagger_ui_loads_with_local_static_only(client, world):
    login(client, world.contact)
    page = client.get("/api/docs/").content.decode()
    assert "swagger" in page.lower()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(not src.startswith(("http://", "https://", "//")) for src in sources)


@pytest.mark.parametrize("url", ["/api/requests/None/", "/api/requests/abc/messages/", "/api/appeals/x/"])
def test_a_non_numeric_id_is_a_404_not_a_500(client, world, url):
    login(client, world.contact)
    assert client.get(url).status_code == 404
