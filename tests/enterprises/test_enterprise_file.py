"""The coordinator's enterprise file: "My enterprises" and one page per enterprise for its coordinators,
officers and managers, each section scoped by the same rules (visible_to)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coordination import services as requests
from coordinators import services as coordinators
from coordinators.models import RecusalReason
from enterprises import services as enterprise_services
from enterprises.models import Enterprise
from portal.registry import FileSection, enterprise_file
from tests.world import pdf

pytestmark = pytest.mark.django_db

MINE = reverse("enterprises:mine")


def file_url(enterprise) -> str:
    return reverse("enterprises:file", args=[enterprise.pk])


def listed(client, **params) -> list[int]:
    return [row["enterprise"].pk for row in client.get(MINE, params).context["rows"]]


def test_a_coordinator_lists_the_enterprises_they_serve_and_no_other(client, world):
    served = world.assign(world.coordinator, world.partner, 2)
    world.new_party(world.office)  # another pair's enterprise of the same office
    client.force_login(world.coordinator.user)
    assert set(listed(client)) == {world.enterprise.pk, *(e.pk for e in served)}
    page = client.get(MINE).content.decode()
    assert world.enterprise.uscc in page and str(world.partner) in page


def test_a_recused_coordinator_neither_lists_nor_opens_the_enterprise(client, world):
    coordinators.declare_recusal(
        coordinator=world.coordinator,
        enterprise=world.enterprise,
        reason=RecusalReason.KINSHIP,
        actor=world.manager,
    )
    client.force_login(world.coordinator.user)
    assert world.enterprise.pk not in listed(client)
    assert client.get(file_url(world.enterprise)).status_code == 404


def test_an_officer_searches_and_filters_the_district(client, world):
    paired = world.enterprise
    due_soon = world.new_enterprise()
    Enterprise.objects.filter(pk=due_soon.pk).update(
        recertification_due=timezone.localdate() + datetime.timedelta(days=20)
    )
    regular = world.new_enterprise("regular")
    foreign = world.new_enterprise(office=world.foreign_office)
    client.force_login(world.officer)
    everything = set(listed(client))
    assert {paired.pk, due_soon.pk, regular.pk} <= everything and foreign.pk not in everything
    assert listed(client, q=regular.uscc) == [regular.pk]
    assert listed(client, q=regular.customs_code) == [regular.pk]
    assert listed(client, q=regular.name_zh[2:8]) == [regular.pk]
    assert set(listed(client, rating=regular.rating_id)) == {regular.pk}
    assert listed(client, due="soon") == [due_soon.pk]
    assert listed(client, sort="due")[0] == due_soon.pk


def test_the_list_shows_open_work_per_enterprise_in_constant_queries(client, world):
    client.force_login(world.officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(MINE).status_code == 200
        return len(ctx.captured_queries)

    world.file_request()
    small = count()
    for _ in range(10):
        enterprise = world.new_paired_enterprise()
        world.new_contact(enterprise)
    assert count() == small
    assert 'data-testid="open-work"' in client.get(MINE).content.decode()


def test_the_file_shows_every_section_to_the_enterprises_coordinator(client, world):
    request = world.file_request(subject="出口退税问题", files=[pdf("报关单.pdf")])
    enterprise_services.submit_registration_change(
        enterprise=world.enterprise,
        submitted_by=world.contact,
        new_values={"phone": "010-12345678"},
        note="新营业执照",
        files=[pdf("营业执照.pdf")],
    )
    world.file_appeal()
    client.force_login(world.coordinator.user)
    response = client.get(file_url(world.enterprise))
    assert response.status_code == 200
    names = [item["section"].name for item in response.context["sections"]]
    for name in (
        "deadlines",
        "profile",
        "coordinators",
        "credit",
        "requests",
        "appeals",
        "visits",
        "documents",
    ):
        assert name in names, name
    page = response.content.decode()
    assert "出口退税问题" in page and "营业执照.pdf" in page and "报关单.pdf" in page
    assert reverse("coordination:request_detail", args=[request.pk]) in page


def test_the_integrity_channel_stays_with_the_management_department(client, world):
    conduct = world.file_appeal("coordinator_conduct", subject="协调员索要好处")
    client.force_login(world.partner.user)
    assert "协调员索要好处" not in client.get(file_url(world.enterprise)).content.decode()
    client.force_login(world.officer)
    assert "协调员索要好处" not in client.get(file_url(world.enterprise)).content.decode()
    client.force_login(world.manager)
    assert "协调员索要好处" in client.get(file_url(world.enterprise)).content.decode()
    assert conduct.pk


def test_members_and_other_districts_get_404(client, world):
    for user in (world.contact, world.foreign_officer, world.new_party().coordinator.user):
        client.force_login(user)
        assert client.get(file_url(world.enterprise)).status_code == 404, user


def test_recusals_are_shown_to_officers_not_to_coordinators(client, world):
    coordinators.declare_recusal(
        coordinator=world.spare,
        enterprise=world.enterprise,
        reason=RecusalReason.FORMER_EMPLOYMENT,
        actor=world.manager,
    )
    client.force_login(world.officer)
    assert 'data-testid="file-recusals"' in client.get(file_url(world.enterprise)).content.decode()
    client.force_login(world.coordinator.user)
    assert 'data-testid="file-recusals"' not in client.get(file_url(world.enterprise)).content.decode()


def test_the_file_reads_a_constant_number_of_queries_whatever_the_history(client, world):
    client.force_login(world.coordinator.user)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(file_url(world.enterprise)).status_code == 200
        return len(ctx.captured_queries)

    world.file_request(files=[pdf()])
    world.file_appeal()
    few = count()
    for n in range(10):
        r = world.file_request(subject=f"问题 {n}", files=[pdf()])
        requests.post_message(request=r, author=world.contact, body="补充")
        world.file_appeal(subject=f"申诉 {n}")
    assert count() == few


def test_another_app_registers_a_section(client, world):
    """The registry the lead's assessments will use: a section callable (enterprise, viewer) -> context."""
    seen = []

    def context(enterprise, viewer):
        seen.append((enterprise.pk, viewer.pk))
        return {"note": "评估"}

    enterprise_file.register(
        FileSection("test-extra", "Extra", "enterprises/_file_deadlines.html", context, 99)
    )
    try:
        client.force_login(world.officer)
        response = client.get(file_url(world.enterprise))
        assert "test-extra" in [item["section"].name for item in response.context["sections"]]
        assert seen == [(world.enterprise.pk, world.officer.pk)]
    finally:
        enterprise_file._sections.pop("test-extra")


def test_my_enterprises_filters_on_the_rows_own_columns(client, world):
    """The district's list and its columns stay index scans at a million enterprises: no query of the
    page filters through a subquery over the enterprise table (tests/portal/test_scoping.py)."""
    from tests.portal.test_scoping import _plans_of

    world.file_request()
    world.new_paired_enterprise()
    for user in (world.officer, world.coordinator.user):
        client.force_login(user)
        for table in ("enterprises_enterprise", "coordination_coordinationrequest"):
            checked = _plans_of(client, MINE, table)
            assert checked, (user, table)
            for sql, subplans in checked:
                assert not subplans, f"{subplans} in {sql}"
