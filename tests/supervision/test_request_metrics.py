"""Dashboard figures drawn from coordination requests, site visits and appeals about conduct: exact
overdue counts per coordinator, medians, visits, satisfaction, the weekly overdue trend, and the rule
that an office leader never sees integrity-channel appeals."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from coordination import services as requests
from supervision import selectors as dashboard

pytestmark = pytest.mark.django_db


def row(scope, coordinator):
    return dashboard.coordinator_rows(scope).get(pk=coordinator.pk)


def test_exact_overdue_counts_per_coordinator(world):
    a = world.coordinator
    b = world.partner
    now = timezone.now()
    late = [world.file_request(now=now - datetime.timedelta(days=20), subject=f"late {i}") for i in range(3)]
    on_time = world.file_request(now=now - datetime.timedelta(days=20), subject="on time")
    requests.accept(request=on_time, actor=a.user, now=on_time.filed_at + datetime.timedelta(hours=1))
    requests.resolve(
        request=on_time, actor=a.user, summary="已答复", now=on_time.filed_at + datetime.timedelta(hours=2)
    )
    fresh = world.file_request(now=now - datetime.timedelta(hours=1))
    scope = dashboard.scope_for(world.manager)
    for coordinator in (a, b):
        figures = row(scope, coordinator)
        assert figures.overdue_first_response == 3
        assert figures.overdue_resolution == 3
        assert figures.overdue_now == 3
        assert figures.open_requests == 4
    assert dashboard.overdue_request_count(scope) == 3
    assert len(late) == 3 and fresh.pk


def test_requests_filed_before_the_period_do_not_count_as_late_in_it(world):
    a = world.coordinator
    world.file_request(now=timezone.now() - datetime.timedelta(days=60))
    scope = dashboard.narrow(dashboard.scope_for(world.manager), period="30")
    figures = row(scope, a)
    assert figures.overdue_first_response == 0
    assert figures.overdue_now == 1  # still overdue today, whatever the period


def test_median_first_response_in_hours(world):
    a = world.coordinator
    start = timezone.now() - datetime.timedelta(days=5)
    for hours in (2, 4, 10):
        request = world.file_request(now=start, subject=f"r{hours}")
        requests.accept(request=request, actor=a.user, now=start + datetime.timedelta(hours=1))
        # The first response is the first message to the enterprise, not the acceptance.
        requests.post_message(
            request=request,
            author=a.user,
            body="已收到，正在核实。",
            now=start + datetime.timedelta(hours=hours),
        )
    assert row(dashboard.scope_for(world.manager), a).median_response == pytest.approx(4.0)


def test_site_visits_done_and_satisfaction_in_the_period(world):
    a = world.coordinator
    b = world.partner
    start = timezone.now() - datetime.timedelta(days=6)
    request = world.file_request(now=start)
    with time_machine.travel(start + datetime.timedelta(hours=1)):
        visit = requests.schedule_site_visit(
            request=request,
            actor=a.user,
            coordinators=[a, b],
            scheduled_for=start + datetime.timedelta(days=1),
            place="厂区",
            purpose="核查",
        )
    requests.record_site_visit(visit=visit, actor=a.user, attendees="王协调\n李协调", findings="现场核查完成")
    requests.accept(request=request, actor=a.user, now=start + datetime.timedelta(hours=2))
    requests.resolve(request=request, actor=a.user, summary="已解决", now=start + datetime.timedelta(days=2))
    requests.confirm_resolution(
        request=request, actor=world.contact, rating=4, now=start + datetime.timedelta(days=3)
    )
    figures = row(dashboard.scope_for(world.manager), b)
    assert figures.site_visits == 1
    assert figures.satisfaction == pytest.approx(4.0)


def test_conduct_appeals_counted_for_the_management_department_only(world):
    world.file_appeal("coordinator_conduct", subject="态度", grounds="拖延")
    assert row(dashboard.scope_for(world.manager), world.coordinator).conduct_appeals == 1
    assert row(dashboard.scope_for(world.leader), world.coordinator).conduct_appeals == 0


def test_overdue_trend_counts_the_week_a_deadline_was_missed(world):
    world.file_request(now=timezone.now() - datetime.timedelta(days=25))
    trend = dashboard.overdue_trend(dashboard.scope_for(world.manager), weeks=12)
    assert len(trend) == 12
    assert sum(n for _label, n in trend) == 1


def test_office_totals_of_requests(world):
    world.file_request(now=timezone.now() - datetime.timedelta(days=20))
    world.file_request(now=timezone.now())
    (office_row,) = [
        o for o in dashboard.office_rows(dashboard.scope_for(world.manager)) if o.pk == world.office.pk
    ]
    assert (office_row.open_requests, office_row.overdue_total) == (2, 1)


def test_coordinator_page_lists_open_requests_and_visits(login, world):
    a = world.coordinator
    world.file_request(now=timezone.now() - datetime.timedelta(days=20), subject="逾期的请求")
    page = login(world.manager).get(f"/supervision/coordinators/{a.pk}/")
    assert page.status_code == 200
    assert "逾期的请求" in page.content.decode()
