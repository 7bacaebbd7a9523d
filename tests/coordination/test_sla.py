"""SLA: due dates in working days (holidays are data), pausing while awaiting the enterprise, overdue
flags, exact overdue counts per coordinator, and the daily escalation (idempotent, batched)."""

import datetime
import time

import pytest
import time_machine
from django.utils import timezone, translation
from django_celery_beat.models import PeriodicTask

from coordination import escalation, selectors, services, sla
from coordination.models import CoordinationRequest, ServiceLevel, ServiceType
from portal.models import Escalation, Holiday

pytestmark = pytest.mark.django_db
TZ = datetime.timezone(datetime.timedelta(hours=8))
MONDAY = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=TZ)


def test_default_service_levels_exist_for_all_seven_services():
    assert set(ServiceLevel.objects.values_list("service_type", flat=True)) == set(ServiceType.values)
    assert (
        ServiceLevel.objects.get(service_type="consulting").resolution_working_days
        == sla.DEFAULT_TARGETS["consulting"][1]
    )


def test_due_dates_count_working_days_and_skip_holidays(world):
    ServiceLevel.objects.filter(service_type="consulting").update(
        first_response_working_days=1, resolution_working_days=5
    )
    Holiday.objects.update_or_create(date=datetime.date(2026, 3, 3), defaults={"name": "测试假日"})
    r = world.file_request(now=MONDAY)
    assert timezone.localtime(r.first_response_due).date() == datetime.date(2026, 3, 4)
    assert timezone.localtime(r.resolution_due).date() == datetime.date(2026, 3, 10)


def test_a_manager_edit_of_the_service_level_applies_to_new_requests(world):
    ServiceLevel.objects.filter(service_type="consulting").update(resolution_working_days=2)
    r = world.file_request(now=MONDAY)
    assert timezone.localtime(r.resolution_due).date() == datetime.date(2026, 3, 4)


def test_waiting_for_the_enterprise_pauses_the_clock(world):
    r = world.file_request(now=MONDAY)
    original_due = r.resolution_due
    services.accept(request=r, actor=world.coordinator.user, now=MONDAY)
    services.ask_for_information(
        request=r, actor=world.coordinator.user, question="?", now=MONDAY + datetime.timedelta(hours=1)
    )
    with time_machine.travel(MONDAY + datetime.timedelta(days=30)):
        r.refresh_from_db()
        assert not r.is_overdue
        assert not CoordinationRequest.objects.overdue().filter(pk=r.pk).exists()
    services.post_message(
        request=r, author=world.contact, body="资料", now=MONDAY + datetime.timedelta(days=3)
    )  # Thursday
    r.refresh_from_db()
    assert r.paused_working_days == 3
    assert r.resolution_due > original_due


def test_an_unanswered_request_becomes_overdue(world):
    r = world.file_request(now=MONDAY)
    with time_machine.travel(MONDAY + datetime.timedelta(days=2)):
        r.refresh_from_db()
        assert r.is_overdue
        assert CoordinationRequest.objects.overdue().filter(pk=r.pk).exists()


def test_overdue_counts_by_coordinator_are_exact(world, django_assert_max_num_queries):
    late = world.file_request(now=MONDAY - datetime.timedelta(days=30))  # never answered: both targets missed
    on_time = world.file_request(now=timezone.now())
    answered_late = world.file_request(now=MONDAY - datetime.timedelta(days=30))
    services.post_message(
        request=answered_late,
        author=world.coordinator.user,
        body="迟到的答复",
        now=MONDAY - datetime.timedelta(days=20),
    )
    services.resolve(
        request=answered_late,
        actor=world.coordinator.user,
        summary="ok",
        now=MONDAY - datetime.timedelta(days=19),
    )
    other = world.new_party()
    other_late = world.file_request(other, now=MONDAY - datetime.timedelta(days=30))
    with django_assert_max_num_queries(1):
        rows = {c.pk: c for c in selectors.overdue_counts_by_coordinator(local_customs_id=world.office.pk)}
    me, partner, spare = rows[world.coordinator.pk], rows[world.partner.pk], rows[world.spare.pk]
    assert (me.overdue_first_response, me.overdue_resolution, me.overdue_open, me.overdue_total) == (
        2,
        2,
        1,
        2,
    )
    assert (partner.overdue_first_response, partner.overdue_open, partner.overdue_total) == (2, 1, 2)
    assert spare.overdue_total == 0
    # The lists' overdue flag agrees: only the unanswered requests are overdue, not the one filed today
    # nor the one answered (late) and resolved.
    on_time.refresh_from_db()
    assert not on_time.is_overdue
    assert set(CoordinationRequest.objects.overdue().values_list("pk", flat=True)) == {late.pk, other_late.pk}
    assert other.coordinator.pk not in rows


def test_overdue_counts_filter_by_filing_date(world):
    world.file_request(now=MONDAY - datetime.timedelta(days=30))
    rows = selectors.overdue_counts_by_coordinator(
        filed_from=timezone.localdate(), local_customs_id=world.office.pk
    )
    assert all(c.overdue_total == 0 for c in rows)


def test_escalation_goes_to_the_office_leader_then_the_management_department(world):
    leader, manager = world.leader, world.manager
    r = world.file_request(now=MONDAY - datetime.timedelta(days=10))
    now = timezone.now()
    assert escalation.escalate_overdue(now=now) == 1
    assert leader.notifications.filter(verb="escalation").count() == 1
    assert escalation.escalate_overdue(now=now) == 0  # idempotent
    with time_machine.travel(now + datetime.timedelta(days=7)):
        assert escalation.escalate_overdue() == 1
        assert manager.notifications.filter(verb="escalation").count() == 1
        assert escalation.escalate_overdue() == 0
    assert Escalation.objects.filter(object_id=r.pk).count() == 2


def test_escalation_works_in_batches(world):
    for _ in range(5):
        world.file_request(now=MONDAY - datetime.timedelta(days=10))
    assert escalation.escalate_overdue(batch_size=2) == 5


def test_requests_on_time_are_not_escalated(world):
    world.file_request()
    assert escalation.escalate_overdue() == 0


def test_the_daily_escalation_is_scheduled_with_a_crontab():
    task = PeriodicTask.objects.get(task="coordination.escalate_overdue_requests")
    assert task.crontab is not None and task.enabled


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_escalation_task_runs_on_a_real_worker(celery_worker_session, world):
    from coordination.tasks import escalate_overdue_requests

    leader = world.leader
    world.file_request(now=MONDAY - datetime.timedelta(days=10))
    escalate_overdue_requests.delay()
    for _ in range(600):  # the worker runs it asynchronously (after any backlog); wait for its effect
        if Escalation.objects.exists():
            break
        time.sleep(0.05)
    assert Escalation.objects.count() == 1
    assert leader.notifications.filter(verb="escalation").exists()


def test_the_enterprise_is_reminded_of_information_it_owes_once_when_due_and_once_when_overdue(world):
    from coordination.escalation import remind_information_requests
    from portal.models import Notification

    asked = timezone.now() - datetime.timedelta(days=30)
    request = services.accept(request=world.file_request(now=asked), actor=world.coordinator.user, now=asked)
    services.ask_for_information(
        request=request, actor=world.coordinator.user, question="请提供发票", now=asked
    )
    assert remind_information_requests() == 1
    assert remind_information_requests() == 0
    told = Notification.objects.filter(recipient=world.contact, verb="information_reminder")
    assert told.count() == 1
    with translation.override("en"):
        assert "overdue" in told.get().title
