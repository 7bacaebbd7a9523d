"""Ticket tooling of the workspace: saved views, bulk actions through the same services (accept, assign
within the pair, transfer), canned responses per office, the assignee column."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coordination import services
from coordination.models import CannedResponse, CoordinationRequest, RequestStatus, SavedFilter
from portal.exceptions import DomainError

pytestmark = pytest.mark.django_db

WORKSPACE = reverse("coordination:workspace")
BULK = reverse("coordination:workspace_bulk")


def test_a_saved_view_is_offered_applied_and_deleted(client, world):
    client.force_login(world.coordinator.user)
    response = client.post(
        reverse("coordination:save_filter"), {"name": "逾期的", "query": "overdue=on&sort=due"}
    )
    assert response["Location"] == f"{WORKSPACE}?overdue=on&sort=due"
    saved = SavedFilter.objects.get(user=world.coordinator.user)
    page = client.get(WORKSPACE).content.decode()
    assert "逾期的" in page and "?overdue=on&amp;sort=due" in page
    client.force_login(world.partner.user)
    assert client.post(reverse("coordination:delete_filter", args=[saved.pk])).status_code == 404
    assert "逾期的" not in client.get(WORKSPACE).content.decode()
    client.force_login(world.coordinator.user)
    client.post(reverse("coordination:delete_filter", args=[saved.pk]))
    assert not SavedFilter.objects.exists()


def test_a_view_needs_a_name_and_a_filter(world):
    with pytest.raises(DomainError):
        services.save_filter(user=world.coordinator.user, name="", query="overdue=on")
    with pytest.raises(DomainError):
        services.save_filter(user=world.coordinator.user, name="空", query="")
    assert not SavedFilter.objects.exists()


def test_bulk_accept_goes_through_the_service_for_each_request(client, world):
    mine = [world.file_request(subject=f"问题 {n}") for n in range(3)]
    theirs = world.file_request(world.new_party())
    client.force_login(world.coordinator.user)
    response = client.post(
        BULK, {"action": "accept", "requests": [r.pk for r in mine] + [theirs.pk], "next": "sort=due"}
    )
    assert response["Location"] == f"{WORKSPACE}?sort=due"
    statuses = dict(CoordinationRequest.objects.values_list("pk", "status"))
    assert all(statuses[r.pk] == RequestStatus.ACCEPTED for r in mine)
    assert statuses[theirs.pk] == RequestStatus.SUBMITTED
    assert all(
        r.lead == world.coordinator for r in CoordinationRequest.objects.filter(pk__in=[m.pk for m in mine])
    )


def test_bulk_assign_within_the_pair_and_refusals_reported(client, world):
    first, second = world.file_request(), world.file_request()
    client.force_login(world.coordinator.user)
    client.post(
        BULK, {"action": "assign", "coordinator": world.partner.pk, "requests": [first.pk, second.pk]}
    )
    assert set(CoordinationRequest.objects.values_list("lead", flat=True)) == {world.partner.pk}
    # The assignment is an internal line of the thread: customs' organisation, not the enterprise's.
    assert first.messages.filter(is_internal=True).exists()
    assert not first.messages.filter(is_internal=False).exists()
    response = client.post(
        BULK, {"action": "assign", "coordinator": world.spare.pk, "requests": [first.pk]}, follow=True
    )
    assert "coordinator pair or to a coordinator handling it" in response.content.decode()
    assert CoordinationRequest.objects.get(pk=first.pk).lead == world.partner


def test_bulk_transfer_and_bad_input(client, world):
    request = world.file_request()
    client.force_login(world.coordinator.user)
    response = client.post(
        BULK,
        {"action": "transfer", "requests": [request.pk], "to_office": world.other_office.pk},
        follow=True,
    )
    assert "reason" in response.content.decode().lower()
    assert CoordinationRequest.objects.get(pk=request.pk).status == RequestStatus.SUBMITTED
    client.post(
        BULK,
        {
            "action": "transfer",
            "requests": [request.pk],
            "to_office": world.other_office.pk,
            "note": "属于另一关",
        },
    )
    assert CoordinationRequest.objects.get(pk=request.pk).status == RequestStatus.TRANSFERRED
    assert client.post(BULK, {"action": "accept", "requests": ["x"]}).status_code == 302
    assert client.post(BULK, {"action": "nonsense", "requests": [request.pk]}).status_code == 302


def test_the_enterprise_has_no_bulk_actions(client, world):
    request = world.file_request()
    client.force_login(world.contact)
    assert client.post(BULK, {"action": "accept", "requests": [request.pk]}).status_code == 403
    assert CoordinationRequest.objects.get(pk=request.pk).status == RequestStatus.SUBMITTED


def test_the_assignee_column(client, world):
    unassigned = world.file_request(subject="无人负责")
    taken = world.file_request(subject="已受理")
    services.accept(request=taken, actor=world.partner.user)
    client.force_login(world.coordinator.user)
    rows = {r.pk: r for r in client.get(WORKSPACE).context["page"].items}
    assert rows[taken.pk].lead == world.partner and rows[unassigned.pk].lead is None
    assert [r.pk for r in client.get(WORKSPACE, {"assignee": "nobody"}).context["page"].items] == [
        unassigned.pk
    ]
    page = client.get(WORKSPACE).content.decode()
    assert world.partner.user.display_name in page


def test_canned_responses_of_the_office_in_the_reply_form(client, world):
    canned = CannedResponse.objects.create(
        office=world.office, title="现场核查预约", body="请提供可预约的时间段。", created_by=world.officer
    )
    CannedResponse.objects.create(
        office=world.other_office, title="别处的", body="x", created_by=world.officer
    )
    request = world.file_request()
    client.force_login(world.coordinator.user)
    page = client.get(reverse("coordination:request_detail", args=[request.pk])).content.decode()
    assert "现场核查预约" in page and 'data-body="请提供可预约的时间段。"' in page and "别处的" not in page
    assert "js/canned.js" in page
    client.post(reverse("coordination:request_reply", args=[request.pk]), {"canned": canned.pk, "body": ""})
    assert request.messages.filter(body="请提供可预约的时间段。", is_internal=False).exists()
    client.force_login(world.contact)
    assert (
        "现场核查预约"
        not in client.get(reverse("coordination:request_detail", args=[request.pk])).content.decode()
    )


def test_officers_manage_their_offices_canned_responses_in_the_admin(client, world):
    client.force_login(world.officer)
    add = reverse("admin:coordination_cannedresponse_add")
    response = client.post(
        add, {"office": world.office.pk, "title": "材料清单", "body": "请提交以下材料", "is_active": "on"}
    )
    assert response.status_code == 302, response.content
    assert CannedResponse.objects.get().created_by == world.officer
    refused = client.post(
        add, {"office": world.other_office.pk, "title": "别处", "body": "x", "is_active": "on"}
    )
    assert refused.status_code == 200 and CannedResponse.objects.count() == 1


def test_the_workspace_reads_a_constant_number_of_queries(client, world):
    client.force_login(world.coordinator.user)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(WORKSPACE).status_code == 200
        return len(ctx.captured_queries)

    world.file_request()
    few = count()
    for n in range(10):
        services.accept(request=world.file_request(subject=f"问题 {n}"), actor=world.partner.user)
    assert count() == few
