"""Public status verification: anyone enters a USCC or customs code and sees the enterprise's name, its
current credit rating and since when — nothing else; exact codes only; rate-limited (page and API)."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PAGE = reverse("verify:status")


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()
    yield
    cache.clear()


def test_the_page_shows_name_rating_and_since_and_nothing_else(client, world):
    enterprise = world.enterprise
    for code in (enterprise.uscc, enterprise.customs_code, f" {enterprise.uscc.lower()} "):
        response = client.get(PAGE, {"code": code})
        assert response.status_code == 200
        result = response.context["result"]
        # The decision in force is the certification the world's enterprise got today.
        assert (result.name, result.since) == (enterprise.name, timezone.localdate())
        page = response.content.decode()
        assert enterprise.rating.name in page
        for secret in (
            enterprise.registered_address,
            world.coordinator.user.display_name,
            world.contact.display_name,
        ):
            assert secret not in page


def test_since_is_the_date_of_the_decision_in_force(world):
    from credit import public

    enterprise = world.new_enterprise("regular", on=timezone.localdate() - datetime.timedelta(days=400))
    status = public.lookup(enterprise.uscc)
    assert (
        status.rating == enterprise.rating.name
        and status.since == timezone.localdate() - datetime.timedelta(days=400)
    )


def test_unknown_and_partial_codes_find_nothing(client, world):
    for code in ("", world.enterprise.uscc[:10] + "X", world.enterprise.uscc[:8], "91110000000000000X"):
        response = client.get(PAGE, {"code": code} if code else {})
        assert response.context.get("result") is None
    assert (
        'data-testid="status-not-found"' in client.get(PAGE, {"code": "91110000000000000X"}).content.decode()
    )


def test_the_api_answers_anyone_without_signing_in(world):
    api = APIClient()
    body = api.get("/api/public/status/", {"code": world.enterprise.customs_code}).json()
    assert set(body) == {"name", "rating", "since"} and body["name"] == world.enterprise.name
    assert api.get("/api/public/status/", {"code": "0000000000"}).status_code == 404
    assert api.get("/api/public/status/").status_code == 400


def test_look_ups_are_rate_limited_per_address(client, world, settings):
    settings.GUANQI = {**settings.GUANQI, "PUBLIC_STATUS_LOOKUPS_PER_MINUTE": 2}
    code = world.enterprise.uscc
    assert client.get(PAGE, {"code": code}).status_code == 200
    assert APIClient().get("/api/public/status/", {"code": code}).status_code == 200
    limited = client.get(PAGE, {"code": code})
    assert limited.status_code == 429 and "result" not in limited.context
    api_limited = APIClient().get("/api/public/status/", {"code": code})
    assert api_limited.status_code == 429 and int(api_limited["Retry-After"]) > 0
    other = APIClient(REMOTE_ADDR="10.1.2.3").get("/api/public/status/", {"code": code})
    assert other.status_code == 200
