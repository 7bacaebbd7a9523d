"""Department notices reach the coordinators of the enterprises concerned — never the enterprises, never
a coordinator who withdrew — or every coordinator of the chosen offices."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coordinators import services as coordinators
from liaison import services
from liaison.models import DepartmentNotice, NoticeReceipt
from portal.exceptions import DomainError, PermissionDeniedError
from portal.models import Notification

pytestmark = pytest.mark.django_db


def test_supervision_information_reaches_only_the_enterprises_pair(world, department, liaison):
    others = world.new_paired_enterprise()
    enterprises = services.enterprises_by_codes(world.district.pk, world.enterprise.uscc)
    notice = services.publish_notice(
        department=department,
        kind="supervision",
        title="异常监管信息",
        body="该企业近期查验发现申报不实。",
        enterprises=enterprises,
        actor=liaison,
    )
    reached = set(NoticeReceipt.objects.filter(notice=notice).values_list("recipient_id", flat=True))
    assert reached == {world.coordinator.user_id, world.partner.user_id}
    assert notice.recipient_count == 2
    assert Notification.objects.filter(recipient=world.coordinator.user, verb="department_notice").exists()
    assert not Notification.objects.filter(recipient=world.contact, verb="department_notice").exists()
    pair_of_others = others.pair_assignments.get(ended_on__isnull=True)
    assert not NoticeReceipt.objects.filter(recipient=pair_of_others.coordinator_a.user).exists()
    # The enterprise and the other coordinators cannot open it.
    assert not DepartmentNotice.objects.visible_to(world.contact).exists()
    assert not DepartmentNotice.objects.visible_to(pair_of_others.coordinator_a.user).exists()
    assert DepartmentNotice.objects.visible_to(world.coordinator.user).get() == notice


def test_a_coordinator_who_withdrew_is_never_reached(world, department, liaison):
    coordinators.declare_recusal(
        coordinator=world.coordinator, enterprise=world.enterprise, reason="kinship", actor=world.manager
    )
    notice = services.publish_notice(
        department=department,
        kind="supervision",
        title="异常监管信息",
        body="…",
        enterprises=[world.enterprise],
        actor=liaison,
    )
    assert not NoticeReceipt.objects.filter(notice=notice, recipient=world.coordinator.user).exists()


def test_a_measure_reaches_every_coordinator_of_the_offices_chosen(world, department, liaison):
    _ = world.party  # the office's three coordinators
    elsewhere = world.new_coordinator(world.other_office)
    notice = services.publish_notice(
        department=department,
        kind="measure",
        title="新措施",
        body="…",
        offices=[world.office],
        actor=liaison,
    )
    reached = set(NoticeReceipt.objects.filter(notice=notice).values_list("recipient_id", flat=True))
    assert {world.coordinator.user_id, world.partner.user_id, world.spare.user_id} <= reached
    assert elsewhere.user_id not in reached


def test_notice_rules(world, department, liaison):
    with pytest.raises(PermissionDeniedError):
        services.publish_notice(
            department=department, kind="measure", title="t", body="b", actor=world.officer
        )
    with pytest.raises(DomainError):
        services.publish_notice(department=department, kind="supervision", title="t", body="b", actor=liaison)
    with pytest.raises(DomainError):
        services.publish_notice(department=department, kind="measure", title=" ", body="b", actor=liaison)
    with pytest.raises(DomainError, match="9999"):
        services.enterprises_by_codes(world.district.pk, f"{world.enterprise.uscc}, 9999")
    with pytest.raises(DomainError):
        services.enterprises_by_codes(world.district.pk, world.other_enterprise.uscc)  # another district
    assert not DepartmentNotice.objects.exists()


def test_the_liaison_publishes_on_its_page_and_the_coordinator_reads_it(client, world, department, liaison):
    client.force_login(liaison)
    response = client.post(
        reverse("liaison:notice_new"),
        {
            "department": department.pk,
            "kind": "supervision",
            "title": "异常监管信息",
            "body": "查验发现申报不实。",
            "enterprise_codes": world.enterprise.customs_code,
        },
    )
    notice = DepartmentNotice.objects.get()
    assert response.status_code == 302
    bad = client.post(
        reverse("liaison:notice_new"),
        {
            "department": department.pk,
            "kind": "supervision",
            "title": "x",
            "body": "y",
            "enterprise_codes": "NOPE",
        },
    )
    assert bad.status_code == 200 and bad.context["form"].errors and DepartmentNotice.objects.count() == 1
    client.force_login(world.coordinator.user)
    listing = client.get(reverse("liaison:notices"))
    assert [r.notice for r in listing.context["receipts"]] == [notice]
    assert client.get(reverse("liaison:notice_detail", args=[notice.pk])).status_code == 200
    assert NoticeReceipt.objects.get(notice=notice, recipient=world.coordinator.user).read_at is not None
    client.force_login(world.contact)
    assert client.get(reverse("liaison:notice_detail", args=[notice.pk])).status_code == 404
    client.force_login(world.officer)
    assert client.get(reverse("liaison:notice_new")).status_code == 403
