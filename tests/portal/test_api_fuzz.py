"""API fuzzing in ``make test``: schemathesis generates requests from the OpenAPI schema — a fixed number
per operation (``EXAMPLES``, derandomized, so every run sends the same requests) — and sends them to the
real WSGI application as an enterprise's contact person and as a coordinator, signed in with a session
and a CSRF token. Every answer must be no 5xx and conform to the schema: a documented status code, the
documented content type and a body that validates against the documented schema."""

from __future__ import annotations

import functools

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.django_db

EXAMPLES = 15
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CALLS: dict[str, int] = {}
STATUSES: dict[str, set[int]] = {}


@functools.cache
def _generated() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


@functools.cache
def _schema():
    schema = schemathesis.openapi.from_dict(_generated())
    schema.app = get_wsgi_application()
    return schema


def operations():
    return [(path, method) for path, item in _generated()["paths"].items() for method in item]


def _signed_in(user) -> tuple[dict, dict]:
    """(headers, cookies) of a signed-in session with its CSRF token."""
    client = Client()
    client.force_login(user)
    csrf = _get_new_csrf_string()
    return {"X-CSRFToken": csrf}, {"sessionid": client.cookies["sessionid"].value, "csrftoken": csrf}


@pytest.fixture
def in_test_transaction():
    """The WSGI handler closes the database connection after each request, as in production; inside
    the test's transaction it must not (Django's test client does the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def people(world, in_test_transaction):
    """The enterprise's contact person and its coordinator, with a request, an appeal, the enterprise, its
    credit event and an announcement to read and act on: half the generated cases name them instead of a
    random id."""
    from credit.models import CreditEvent
    from outreach import services as outreach

    request = world.file_request()
    appeal = world.file_appeal("penalty")
    announcement = outreach.create_announcement(
        actor=world.manager, title="通知", body="内容", district=world.office.district
    )
    ids = {
        "/api/requests/": request.pk,
        "/api/appeals/": appeal.pk,
        "/api/enterprises/": world.enterprise.pk,
        "/api/announcements/": announcement.pk,
    }
    event = CreditEvent.objects.filter(enterprise=world.enterprise).values_list("pk", flat=True).first()
    if event is not None:
        ids["/api/credit-events/"] = event
    return {"contact": world.contact, "coordinator": world.coordinator.user, "ids": ids}


def _with_real_id(people, path):
    def name_it(case):
        for prefix, pk in people["ids"].items():
            if path.startswith(prefix) and case.path_parameters and "id" in case.path_parameters:
                case.path_parameters["id"] = pk
        return case

    return name_it


@pytest.mark.parametrize("who", ["contact", "coordinator"])
@pytest.mark.parametrize(("path", "method"), operations())
def test_the_api_answers_generated_requests_without_errors_and_within_its_schema(people, who, path, method):
    schema = _schema()
    operation = schema[path][method.upper()]
    headers, cookies = _signed_in(people[who])
    key = f"{method.upper()} {path} as {who}"
    CALLS[key] = 0

    strategy = operation.as_strategy()

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(strategy, strategy.map(_with_real_id(people, path))))
    def fuzz(case):
        CALLS[key] += 1
        response = case.call(headers=headers, cookies=cookies)
        STATUSES.setdefault(key, set()).add(response.status_code)
        case.validate_response(response, checks=CHECKS, headers=headers)

    fuzz()
    assert CALLS[key] >= 1
    assert STATUSES[key] - {401, 403} or who == "coordinator", (
        key,
        STATUSES[key],
    )  # signed in: it got through
