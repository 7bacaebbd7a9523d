"""Bad input to the API is a clean 4xx, never a 500: JSON nested a thousand levels deep, unknown filter
values, unbounded text."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

DEEP = "[" * 1000 + "]" * 1000
DEEP_OBJECT = '{"a":' * 1000 + "1" + "}" * 1000


@pytest.mark.parametrize("body", [DEEP, DEEP_OBJECT])
def test_deeply_nested_json_is_a_400_on_every_endpoint_that_reads_json(client, world, body):
    request = world.file_request()
    client.force_login(world.contact)
    for url in (
        "/api/requests/",
        "/api/appeals/",
        f"/api/requests/{request.pk}/messages/",
        f"/api/requests/{request.pk}/transitions/",
    ):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 400, (url, response.status_code)


@pytest.mark.parametrize("param", ["status=bogus", "service_type=nope", "enterprise=abc", "urgency=x"])
def test_unknown_filter_values_are_a_400(client, world, param):
    client.force_login(world.contact)
    response = client.get(f"/api/requests/?{param}")
    assert response.status_code == 400, response.content


def test_a_5_mb_description_is_a_400_and_nothing_is_filed(client, world):
    client.force_login(world.contact)
    response = client.post(
        "/api/requests/",
        {"service_type": "consulting", "subject": "big", "description": "x" * (5 * 1024 * 1024)},
        content_type="application/json",
    )
    assert response.status_code in (400, 413)
    assert not world.enterprise.coordination_requests.exists()
    response = client.post(
        "/api/appeals/",
        {"appeal_type": "penalty", "subject": "big", "grounds": "x" * 20_001},
        content_type="application/json",
    )
    assert response.status_code == 400


def test_an_appeal_without_a_decision_has_a_null_outcome(client, world):
    world.file_appeal()
    client.force_login(world.contact)
    row = client.get("/api/appeals/").json()["results"][0]
    assert row["outcome"] is None


def test_the_schema_documents_the_errors_and_the_nullable_outcome(client, world):
    client.force_login(world.contact)
    schema = client.get("/api/schema/?format=json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = set(operation["responses"])
            assert {"400", "403"} <= codes, (method, path)
            if "{" in path:
                assert "404" in codes, (method, path)
            if method == "post":
                assert {"409"} <= codes, (method, path)
    outcome = schema["components"]["schemas"]["AppealOutput"]["properties"]["outcome"]
    assert outcome.get("nullable") or "null" in str(outcome)
