"""Read replicas (portal/db_router.py) against the real test database.

With no replica configured nothing changes. With one — here a second connection to the test database,
which, like a replica, sees only committed rows (hence transactional tests) — the heavy reads that
tolerate lag go to it, the rest and every read of a browser that just wrote go to the primary, and a
replica that is down, lagging or failing mid-request leaves the page answering from the primary.
"""

from __future__ import annotations

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises.models import Enterprise
from portal import db_router
from portal.db_router import PIN_COOKIE, ReplicaRouter

ALIAS = "replica_test"


@pytest.fixture
def replica(settings):
    """A replica alias for the test database, as ``DATABASE_REPLICA_URLS`` would configure it."""
    settings_dict = {**connections["default"].settings_dict}
    connections[ALIAS] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, ALIAS)
    settings.DATABASE_REPLICAS = [ALIAS]
    db_router.forget_health()
    yield ALIAS
    connections[ALIAS].close()
    del connections[ALIAS]
    db_router.forget_health()


def queries_on_each(client, url: str) -> tuple[int, list[str], list[str]]:
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[ALIAS]) as replica,
    ):
        response = client.get(url)
    return (
        response.status_code,
        [q["sql"] for q in primary.captured_queries],
        # The health probe aside: what the page read.
        [q["sql"] for q in replica.captured_queries if "pg_is_in_recovery" not in q["sql"]],
    )


@pytest.mark.django_db
def test_without_replicas_every_read_goes_to_the_primary(login, world, settings):
    assert settings.DATABASE_REPLICAS == []
    response = login(world.manager).get(reverse("supervision:dashboard"))
    assert response.status_code == 200
    assert (
        PIN_COOKIE
        not in login(world.manager).post(reverse("portal:set_language"), {"language": "en"}).cookies
    )
    assert ReplicaRouter().db_for_read(Enterprise) == "default"


@pytest.mark.django_db(transaction=True)
def test_heavy_reads_go_to_the_replica_and_the_rest_to_the_primary(login, world, replica):
    world.enterprise  # noqa: B018 - committed: the replica connection sees it
    manager = login(world.manager)
    status, primary, on_replica = queries_on_each(manager, reverse("supervision:dashboard"))
    assert status == 200
    assert on_replica, "the dashboard read the replica"
    # Only who is signed in came from the primary: the session, the user, their roles and their second
    # factor (the device that verified the session).
    signed_in = ("django_session", "portal_user", "auth_group", "otp_totp_totpdevice", "otp_static_")
    assert [sql for sql in primary if not any(table in sql for table in signed_in)] == []
    status, primary, on_replica = queries_on_each(
        manager, reverse("supervision:dashboard_export", args=["coordinators"])
    )
    assert status == 200 and on_replica, "the dashboard's export read the replica"

    status, primary, on_replica = queries_on_each(manager, reverse("portal:notifications"))
    assert (status, on_replica) == (200, [])

    contact = login(world.contact)
    world.file_request()
    status, primary, on_replica = queries_on_each(contact, "/api/requests/")
    assert status == 200 and on_replica, "the API's list endpoint read the replica"
    request_id = world.enterprise.coordination_requests.values_list("pk", flat=True).first()
    status, primary, on_replica = queries_on_each(contact, f"/api/requests/{request_id}/")
    assert (status, on_replica) == (200, [])

    officer = login(world.officer)
    status, primary, on_replica = queries_on_each(officer, reverse("admin:enterprises_enterprise_changelist"))
    assert status == 200 and on_replica, "the admin's change list read the replica"
    status, primary, on_replica = queries_on_each(
        officer, reverse("admin:enterprises_enterprise_change", args=[world.enterprise.pk])
    )
    assert (status, on_replica) == (200, [])

    # Outside a request (Celery jobs, management commands) the router always answers the primary.
    assert ReplicaRouter().db_for_read(Enterprise) == "default"
    assert ReplicaRouter().db_for_write(Enterprise) == "default"


@pytest.mark.django_db(transaction=True)
def test_a_browser_that_wrote_reads_the_primary_for_a_while(login, world, replica):
    manager = login(world.manager)
    response = manager.post(reverse("portal:set_language"), {"language": "en"})
    assert response.cookies[PIN_COOKIE]["max-age"] == 15
    status, primary, on_replica = queries_on_each(manager, reverse("supervision:dashboard"))
    assert (status, on_replica) == (200, [])
    assert any("enterprises_" in sql or "coordination_" in sql for sql in primary)

    manager.cookies.pop(PIN_COOKIE)  # the window has passed
    status, primary, on_replica = queries_on_each(manager, reverse("supervision:dashboard"))
    assert status == 200 and on_replica


@pytest.mark.django_db(transaction=True)
def test_a_replica_down_or_lagging_leaves_the_page_to_the_primary(login, world, replica, settings):
    manager = login(world.manager)
    url = reverse("supervision:dashboard")

    settings.GUANQI = {**settings.GUANQI, "REPLICA_MAX_LAG_SECONDS": -1}  # any lag is too much
    status, primary, on_replica = queries_on_each(manager, url)
    assert (status, on_replica) == (200, [])
    assert db_router.is_usable(ALIAS) is False

    # Usable at the last probe, then gone (a stopped server) before the request reads it: the view is run
    # again on the primary.
    settings.GUANQI = {**settings.GUANQI, "REPLICA_MAX_LAG_SECONDS": 10}
    db_router.forget_health()
    assert db_router.is_usable(ALIAS) is True
    connections[ALIAS].close()
    connections[ALIAS].settings_dict["PORT"] = 1
    with CaptureQueriesContext(connections["default"]) as captured:
        status = manager.get(url).status_code
    primary = [q["sql"] for q in captured.captured_queries]
    assert status == 200
    assert any("enterprises_" in sql or "coordination_" in sql for sql in primary)
    # Known to be down now: the next request does not try it until the next probe.
    assert db_router.is_usable(ALIAS) is False
