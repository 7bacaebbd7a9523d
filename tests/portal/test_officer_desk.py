"""The officer's desk: each queue with a bounded count, its overdue part, the first items by deadline and
a link into the filtered admin list; only the officer's district; constant queries; and the beat
schedule's parts are readable (Periodic tasks)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from appeals.models import Appeal
from coordination import services as requests
from coordination.models import CoordinationRequest
from credit.models import AbnormalListEntry, AbnormalReason
from enterprises import services as enterprise_services

pytestmark = pytest.mark.django_db

DESK = reverse("portal:officer_home")


def queues(client) -> dict:
    return {q.queue.name: q for q in client.get(DESK).context["queues"]}


def test_the_desk_counts_each_queue_and_links_into_the_admin(client, world):
    world.file_appeal()
    enterprise_services.submit_registration_change(
        enterprise=world.enterprise, submitted_by=world.contact, new_values={"phone": "010-1"}
    )
    request = world.file_request()
    requests.transfer(
        request=request, actor=world.coordinator.user, reason="属于朝阳", to_office=world.other_office
    )
    AbnormalListEntry.objects.create(
        enterprise=world.enterprise,
        reason=AbnormalReason.UNREACHABLE,
        listed_on=timezone.localdate() - datetime.timedelta(days=85),
    )
    client.force_login(world.manager)
    shown = queues(client)
    assert str(shown["appeals"].count) == "1"
    assert str(shown["registration-changes"].count) == "1"
    assert str(shown["abnormal-list-limit"].count) == "1"
    assert str(shown["repair-applications"].count) == "0"
    for name, q in shown.items():
        assert client.get(q.link).status_code == 200, (name, q.link)
    appeals_list = client.get(shown["appeals"].link)
    assert list(appeals_list.context["cl"].result_list) == list(Appeal.objects.all())
    # The transfer waits for the other office: its officer sees it on their desk.
    from portal.roles import Role
    from tests.factories import customs_user

    client.force_login(customs_user(Role.CUSTOMS_OFFICER, world.other_office))
    assert str(queues(client)["incoming-transfers"].count) == "1"


def test_counts_stop_at_the_cap(client, world, settings):
    settings.GUANQI = {**settings.GUANQI, "DESK_COUNT_CAP": 2}
    for n in range(3):
        world.file_appeal(subject=f"申诉 {n}")
    client.force_login(world.officer)
    count = queues(client)["appeals"].count
    assert count.capped and str(count) == "2+"
    assert "2+" in client.get(DESK).content.decode()


def test_overdue_requests_of_the_office_are_counted_for_its_leader(client, world):
    request = world.file_request()
    CoordinationRequest.objects.filter(pk=request.pk).update(
        next_due=timezone.now() - datetime.timedelta(hours=1)
    )
    client.force_login(world.leader)
    overdue = queues(client)["overdue-requests"]
    assert str(overdue.count) == "1" and overdue.items[0][0].startswith(f"#{request.pk}")


def test_another_districts_work_is_not_on_the_desk(client, world):
    world.file_appeal()
    client.force_login(world.foreign_officer)
    assert str(queues(client)["appeals"].count) == "0"


def test_the_desk_reads_a_constant_number_of_queries(client, world):
    client.force_login(world.manager)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(DESK).status_code == 200
        return len(ctx.captured_queries)

    world.file_appeal()
    few = count()
    for n in range(10):
        world.file_appeal(subject=f"申诉 {n}")
    assert count() == few


def test_enterprise_users_have_no_desk(client, world):
    client.force_login(world.contact)
    assert client.get(DESK).status_code == 403


def test_officers_read_the_schedule_of_a_periodic_task(client, world):
    task = PeriodicTask.objects.filter(crontab__isnull=False).first()
    client.force_login(world.officer)
    assert (
        client.get(reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])).status_code == 200
    )
    crontab = reverse("admin:django_celery_beat_crontabschedule_change", args=[task.crontab_id])
    assert client.get(crontab).status_code == 200
    assert client.get(reverse("admin:django_celery_beat_intervalschedule_changelist")).status_code == 200


def test_every_count_of_the_desk_is_bounded_and_no_query_filters_by_a_subquery_over_enterprises(
    client, world, settings
):
    """Fast at a million enterprises by construction: each queue is counted through ``LIMIT cap + 1``
    (never a COUNT(*) of a whole table), and every query of the desk filters on the rows' own columns —
    EXPLAIN shows no subplan over the enterprise table (tests/portal/test_scoping.py; bench/ times it)."""
    from tests.portal.test_scoping import _enterprise_subplans

    settings.GUANQI = {**settings.GUANQI, "DESK_COUNT_CAP": 1000}
    world.file_appeal()
    enterprise_services.submit_registration_change(
        enterprise=world.enterprise, submitted_by=world.contact, new_values={"phone": "010-2"}
    )
    client.force_login(world.manager)
    with CaptureQueriesContext(connection) as ctx:
        queue_names = list(queues(client))
    # Every COUNT but the bell's (one user's unread notifications) is a queue's.
    counts = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT COUNT(*)") and '"portal_notification"' not in q["sql"]
    ]
    assert len(counts) >= len(queue_names)
    for sql in counts:
        assert "LIMIT 1001" in sql, sql
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            if not query["sql"].startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + query["sql"])
            (plan,) = cursor.fetchone()
            plan = plan if isinstance(plan, list) else json.loads(plan)
            assert not _enterprise_subplans(plan[0]["Plan"]), query["sql"]
