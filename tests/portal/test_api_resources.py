"""The API for systems: every resource an enterprise or a coordinator uses, with filtersets and cursor
pages, behind a token; the root lists the resources; the OpenAPI schema validates without warnings."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from coordination import services as requests
from outreach import services as outreach
from portal import tokens

pytestmark = pytest.mark.django_db


def api(user, scopes=("read",)) -> APIClient:
    _token, secret = tokens.create_token(user=user, name="system", scopes=list(scopes))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_the_api_root_lists_the_resources(client):
    body = client.get("/api/").json()
    for name in (
        "enterprise",
        "credit-event",
        "coordination-request",
        "site-visit",
        "appeal",
        "announcement",
    ):
        assert body["resources"][name].endswith("/"), name
    assert body["resources"]["public-status"].endswith("/api/public/status/")
    assert body["schema"].endswith("/api/schema/")


def test_the_openapi_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    for path in ("/api/enterprises/", "/api/credit-events/", "/api/visits/", "/api/announcements/"):
        assert f"{path}:" in schema, path
    assert "tokenAuth" in schema


def test_a_coordinator_system_sees_the_pairs_enterprises_and_their_deadlines(world):
    other = world.new_party()
    client = api(world.coordinator.user)
    ids = [e["id"] for e in client.get("/api/enterprises/").json()["results"]]
    assert ids == [world.enterprise.pk]
    assert client.get(f"/api/enterprises/{other.enterprise.pk}/").status_code == 404
    deadlines = client.get(f"/api/enterprises/{world.enterprise.pk}/deadlines/").json()
    assert any(
        d["key"].startswith("annual-report") or d["key"].startswith("recertification") for d in deadlines
    )
    assert client.get(f"/api/enterprises/{other.enterprise.pk}/deadlines/").status_code == 404


def test_credit_history_is_scoped_and_filtered(world):
    other = world.new_party()
    client = api(world.contact)
    events = client.get("/api/credit-events/").json()["results"]
    assert events and {e["enterprise"] for e in events} == {world.enterprise.pk}
    assert client.get("/api/credit-events/", {"enterprise": other.enterprise.pk}).json()["results"] == []
    assert client.get("/api/credit-events/", {"reason": "nonsense"}).status_code == 400


def test_requests_filter_page_and_search(world):
    first = world.file_request(subject="出口退税问题")
    for n in range(3):
        world.file_request(subject=f"查验问题 {n}", service_type="difficult_problems", description="查验等待")
    client = api(world.contact)
    page = client.get("/api/requests/", {"page_size": 2}).json()
    assert len(page["results"]) == 2 and page["next"] and "cursor=" in page["next"]
    rest = client.get(page["next"]).json()
    assert len(rest["results"]) == 2 and rest["next"] is None
    typed = client.get("/api/requests/", {"service_type": "difficult_problems"}).json()["results"]
    assert len(typed) == 3
    assert client.get("/api/requests/", {"status": "nonsense"}).status_code == 400
    found = client.get("/api/requests/search/", {"q": "出口退税怎么办"}).json()
    assert [r["id"] for r in found] == [first.pk]
    assert client.get("/api/requests/search/").status_code == 400


def test_visits_with_their_records(world):
    request = world.file_request()
    visit = requests.schedule_site_visit(
        request=request,
        actor=world.coordinator.user,
        coordinators=[world.coordinator, world.partner],
        scheduled_for=timezone.now() + datetime.timedelta(days=1),
        place="一号仓库",
        purpose="核查",
    )
    requests.record_site_visit(
        visit=visit,
        actor=world.coordinator.user,
        attendees="王",
        findings="齐全",
        now=timezone.now() + datetime.timedelta(days=2),
    )
    body = api(world.contact).get("/api/visits/").json()["results"]
    assert [v["id"] for v in body] == [visit.pk]
    assert body[0]["record"]["findings"] == "齐全" and body[0]["record"]["state"] == "coordinators"
    assert api(world.new_party().contact).get(f"/api/visits/{visit.pk}/").status_code == 404


def test_announcements_reach_only_their_audience(world):
    other = world.new_party()
    outreach.create_announcement(
        actor=world.manager, title="北京关区通知", body="内容", district=world.district
    )
    mine = api(world.contact).get("/api/announcements/").json()["results"]
    assert [a["title"] for a in mine] == ["北京关区通知"]
    assert api(other.contact).get("/api/announcements/").json()["results"] == []


def test_appeals_filter(world):
    world.file_appeal()
    client = api(world.contact)
    assert len(client.get("/api/appeals/", {"is_open": "true"}).json()["results"]) == 1
    assert client.get("/api/appeals/", {"status": "decided"}).json()["results"] == []
