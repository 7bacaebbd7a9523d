"""Pages: enterprise home, my requests (filters, search, keyset pages), workspace, request page, the
knowledge base — in both languages, with a constant number of SQL queries whatever the row count."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coordination import services
from coordination.models import RequestStatus
from coordinators import services as coordination
from coordinators.models import RecusalReason
from tests.world import pdf

pytestmark = pytest.mark.django_db


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def many(world, n):
    for i in range(n):
        r = world.file_request(subject=f"请求 {i}")
        if i % 3 == 0:
            services.post_message(request=r, author=world.coordinator.user, body="收到")


@pytest.mark.parametrize(
    "name", ["coordination:request_list", "coordination:workspace", "coordination:knowledge_base"]
)
def test_list_pages_run_a_constant_number_of_queries(client, world, name):
    user = world.coordinator.user if name == "coordination:workspace" else world.contact
    client.force_login(user)
    many(world, 3)
    for i in range(3):
        services.publish_general_answer(
            actor=world.coordinator.user,
            service_type="consulting",
            title=f"答案{i}",
            question="问",
            answer="答",
        )
    few = queries(client, reverse(name))
    many(world, 25)
    for i in range(25):
        services.publish_general_answer(
            actor=world.coordinator.user,
            service_type="consulting",
            title=f"更多{i}",
            question="问",
            answer="答",
        )
    assert queries(client, reverse(name)) == few


def test_request_page_runs_a_constant_number_of_queries(client, world):
    client.force_login(world.contact)
    r = world.file_request()
    services.post_message(request=r, author=world.coordinator.user, body="1")
    few = queries(client, reverse("coordination:request_detail", args=[r.pk]))
    for i in range(15):
        services.post_message(
            request=r, author=world.coordinator.user if i % 2 else world.staff, body=f"消息{i}"
        )
    assert queries(client, reverse("coordination:request_detail", args=[r.pk])) == few


def test_my_requests_filters_by_status_type_date_and_search(client, world):
    a = world.file_request(subject="出口退税问题")
    b = world.file_request(
        subject="查验等待", service_type="difficult_problems", description="集装箱查验等待时间过长。"
    )
    services.withdraw(request=b, actor=world.contact)
    client.force_login(world.contact)
    url = reverse("coordination:request_list")

    def shown(params):
        return {r.pk for r in client.get(url, params).context["page"].items}

    assert shown({}) == {a.pk, b.pk}
    assert shown({"status": "withdrawn"}) == {b.pk}
    assert shown({"status": "open"}) == {a.pk}
    assert shown({"service_type": "difficult_problems"}) == {b.pk}
    assert shown({"q": "退税"}) == {a.pk}
    assert shown({"filed_from": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}) == set()


def test_my_requests_pages_with_a_cursor(client, world):
    many(world, 30)
    client.force_login(world.contact)
    first = client.get(reverse("coordination:request_list"))
    page1 = first.context["page"]
    assert len(page1.items) == 25 and page1.next_cursor
    page2 = client.get(reverse("coordination:request_list"), {"cursor": page1.next_cursor}).context["page"]
    assert len(page2.items) == 5 and not ({r.pk for r in page1.items} & {r.pk for r in page2.items})


def test_a_broken_cursor_shows_the_first_page(client, world):
    many(world, 2)
    client.force_login(world.contact)
    assert len(client.get(reverse("coordination:request_list"), {"cursor": "!!"}).context["page"].items) == 2


def test_htmx_filter_returns_only_the_rows(client, world):
    world.file_request()
    client.force_login(world.contact)
    response = client.get(reverse("coordination:request_list"), {"status": "open"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content and b'data-testid="request-row"' in response.content


def test_workspace_lists_the_queue_by_due_time_and_flags_overdue(client, world):
    old = world.file_request(subject="很久以前的请求", now=timezone.now() - datetime.timedelta(days=30))
    new = world.file_request(subject="新请求")
    client.force_login(world.coordinator.user)
    response = client.get(reverse("coordination:workspace"))
    assert [r.pk for r in response.context["page"].items] == [old.pk, new.pk]
    assert "table-danger" in response.content.decode()
    overdue = client.get(reverse("coordination:workspace"), {"overdue": "on"}).context["page"].items
    assert [r.pk for r in overdue] == [old.pk]


def test_workspace_is_for_customs_staff(client, world):
    client.force_login(world.contact)
    assert client.get(reverse("coordination:workspace")).status_code == 403


@pytest.mark.parametrize(
    ("language", "title", "warning"), [("zh-hans", "我的企业", "免费"), ("en", "My enterprise", "free")]
)
def test_enterprise_home_in_both_languages(client, world, language, title, warning):
    world.file_request(subject="一个未结请求")
    client.force_login(world.contact)
    client.cookies["django_language"] = language
    page = client.get(reverse("enterprises:home")).content.decode()
    assert world.coordinator.user.display_name in page and world.partner.user.display_name in page
    assert "一个未结请求" in page
    assert world.enterprise.rating.name_zh in page or world.enterprise.rating.name_en in page
    assert 'data-testid="free-services"' in page
    if language == "en":
        assert "free" in page.lower()


def test_enterprise_home_shows_the_recertification_date(client, world):
    client.force_login(world.contact)
    page = client.get(reverse("enterprises:home")).content.decode()
    assert (
        world.enterprise.recertification_due is None
        or world.enterprise.recertification_due.isoformat() in page
    )


def test_enterprise_home_is_not_for_customs(client, world):
    client.force_login(world.coordinator.user)
    assert client.get(reverse("enterprises:home")).status_code == 403


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_request_page_in_both_languages(client, world, language):
    r = world.file_request()
    client.force_login(world.contact)
    client.cookies["django_language"] = language
    page = client.get(reverse("coordination:request_detail", args=[r.pk])).content.decode()
    assert f'lang="{language}"' in page and 'data-testid="sla"' in page


def test_filing_through_the_page(client, world):
    client.force_login(world.staff)
    response = client.post(
        reverse("coordination:request_create"),
        {
            "service_type": "consulting",
            "subject": "通关咨询",
            "description": "详情",
            "urgency": "urgent",
            "attachments": [pdf()],
        },
    )
    assert response.status_code == 302
    r = world.enterprise.coordination_requests.get()
    assert r.urgency == "urgent" and r.attachments.count() == 1 and r.filed_by == world.staff


def test_actions_through_the_page(client, world):
    r = world.file_request()
    client.force_login(world.coordinator.user)
    client.post(reverse("coordination:request_action", args=[r.pk, "accept"]))
    client.post(reverse("coordination:request_action", args=[r.pk, "resolve"]), {"note": "已解决"})
    client.force_login(world.contact)
    client.post(
        reverse("coordination:request_action", args=[r.pk, "confirm"]), {"rating": "5", "comment": "好"}
    )
    r.refresh_from_db()
    assert r.status == RequestStatus.CLOSED and r.rating == 5


def test_an_illegal_action_is_a_flash_message_not_a_500(client, world):
    r = world.file_request()
    client.force_login(world.contact)
    response = client.post(
        reverse("coordination:request_action", args=[r.pk, "confirm"]), {"rating": "5"}, follow=True
    )
    assert response.status_code == 200
    assert list(response.context["messages"])


def test_scheduling_a_site_visit_needs_two_distinct_assignable_coordinators(client, world):
    r = world.file_request()
    when = timezone.now() + datetime.timedelta(days=3)
    with pytest.raises(services.RequestError):
        services.schedule_site_visit(
            request=r,
            actor=world.coordinator.user,
            coordinators=[world.coordinator, world.coordinator],
            scheduled_for=when,
            place="p",
            purpose="x",
        )
    coordination.declare_recusal(
        coordinator=world.spare,
        enterprise=world.enterprise,
        reason=RecusalReason.KINSHIP,
        actor=world.manager,
    )
    with pytest.raises(services.RequestError):
        services.schedule_site_visit(
            request=r,
            actor=world.coordinator.user,
            coordinators=[world.coordinator, world.spare],
            scheduled_for=when,
            place="p",
            purpose="x",
        )
    world.partner.qualification_valid_until = timezone.localdate() + datetime.timedelta(days=1)
    world.partner.save()
    with pytest.raises(services.RequestError):
        services.schedule_site_visit(
            request=r,
            actor=world.coordinator.user,
            coordinators=[world.coordinator, world.partner],
            scheduled_for=when,
            place="p",
            purpose="x",
        )
    world.partner.qualification_valid_until = timezone.localdate() + datetime.timedelta(days=300)
    world.partner.save()
    visit = services.schedule_site_visit(
        request=r,
        actor=world.coordinator.user,
        coordinators=[world.coordinator, world.partner],
        scheduled_for=when,
        place="厂区",
        purpose="核查",
    )
    assert {visit.coordinator_a, visit.coordinator_b} == {world.coordinator, world.partner}
    record = {
        "attendees": "王协调\n李协调\n张经理",
        "findings": "已核查",
        "actions-TOTAL_FORMS": "1",
        "actions-INITIAL_FORMS": "0",
        "actions-0-description": "补交进口发票",
        "actions-0-owner": "enterprise",
        "actions-0-due_on": (when + datetime.timedelta(days=7)).date().isoformat(),
    }
    client.force_login(world.coordinator.user)
    early = client.post(reverse("coordination:record_visit", args=[visit.pk]), record)
    assert early.status_code == 400 and "on or after its date" in early.content.decode()
    with time_machine.travel(when + datetime.timedelta(hours=3)):
        client.force_login(world.coordinator.user)
        client.post(reverse("coordination:record_visit", args=[visit.pk]), record)
    visit.refresh_from_db()
    assert visit.status == "done" and visit.record.findings == "已核查"
    assert visit.record.actions.get().owner == "enterprise"


def test_the_visit_page_refuses_a_single_coordinator_with_a_form_error(client, world):
    r = world.file_request()
    client.force_login(world.coordinator.user)
    when = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("coordination:schedule_visit", args=[r.pk]),
        {
            "coordinator_a": world.coordinator.pk,
            "coordinator_b": world.coordinator.pk,
            "scheduled_for": when,
            "place": "p",
            "purpose": "x",
        },
    )
    assert response.status_code == 200 and not r.site_visits.exists()


def test_contact_person_asks_for_a_site_visit(client, world):
    r = world.file_request()
    client.force_login(world.contact)
    client.post(
        reverse("coordination:request_action", args=[r.pk, "request_site_visit"]), {"note": "请上午来"}
    )
    r.refresh_from_db()
    assert r.site_visit_requested_at is not None
