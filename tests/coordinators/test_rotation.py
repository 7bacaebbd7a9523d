"""Rotation (docs/DOMAIN.md, "Coordinators"): a district's longest service with one enterprise and a
cooling-off period; the daily job lists the rotations due for the manager 60 days ahead; the manager
confirms a substitute and the open work moves in one transaction."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coordination import access
from coordination import services as requests
from coordination.models import RequestHandler, SiteVisit
from coordinators import services
from coordinators.models import Coordinator, PairAssignment, Rotation, RotationPolicy
from coordinators.services import AssignmentError, add_months
from portal.exceptions import ConflictError, PermissionDeniedError
from portal.models import Notification

pytestmark = pytest.mark.django_db

TZ = timezone.get_current_timezone()


def at(day: datetime.date):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), tzinfo=TZ), tick=False)


@pytest.fixture
def policy(world):
    return RotationPolicy.objects.create(
        district=world.district, max_service_months=36, cooling_off_months=24, notice_days=60
    )


def _pair(enterprise) -> PairAssignment:
    return PairAssignment.objects.active().get(enterprise=enterprise)


def _served_since(enterprise, coordinator, since: datetime.date) -> None:
    """Arrange: ``coordinator`` has served ``enterprise`` since ``since`` (the job reads the column)."""
    pair = _pair(enterprise)
    side = "a_since" if pair.coordinator_a_id == coordinator.pk else "b_since"
    PairAssignment.objects.filter(pk=pair.pk).update(**{side: since})


# --- Service time -------------------------------------------------------------------------------------


def test_service_carries_over_a_new_partner_and_restarts_after_the_cooling_off(world, policy):
    a, b, c, d = world.new_coordinators(4)
    start = timezone.localdate() - datetime.timedelta(days=400)
    with at(start):
        enterprise = world.new_paired_enterprise(a, b)
    # A year later b is replaced by c: a keeps serving since the start, c since today.
    with at(start + datetime.timedelta(days=365)):
        services.assign_pair(enterprise=enterprise, coordinators=[a, c], actor=world.manager)
    pair = _pair(enterprise)
    assert pair.since_of(a) == start
    assert pair.since_of(c) == start + datetime.timedelta(days=365)
    # b comes back after a short break: the service carries on from b's first day.
    with at(start + datetime.timedelta(days=395)):
        services.assign_pair(enterprise=enterprise, coordinators=[a, b], actor=world.manager)
    assert _pair(enterprise).since_of(b) == start
    # d, never there before, starts fresh.
    services.assign_pair(enterprise=enterprise, coordinators=[b, d], actor=world.manager)
    assert _pair(enterprise).since_of(d) == timezone.localdate()


def test_nobody_joins_whose_carried_service_reaches_the_limit(world, policy):
    a, b, c = world.new_coordinators(3)
    start = timezone.localdate() - datetime.timedelta(days=37 * 31)
    with at(start):
        enterprise = world.new_paired_enterprise(a, b)
    with at(add_months(start, 36) - datetime.timedelta(days=30)):
        services.assign_pair(enterprise=enterprise, coordinators=[b, c], actor=world.manager)  # a leaves
    with pytest.raises(AssignmentError, match="longest service"):
        services.assign_pair(enterprise=enterprise, coordinators=[a, c], actor=world.manager)


# --- The daily job --------------------------------------------------------------------------------------


def test_the_job_lists_rotations_due_within_the_notice_once_and_tells_the_manager(world, policy):
    today = timezone.localdate()
    near = world.enterprise
    _served_since(near, world.coordinator, add_months(today, -36) + datetime.timedelta(days=50))
    far = world.new_paired_enterprise()
    _served_since(far, _pair(far).coordinator_a, add_months(today, -30))
    result = services.list_rotations_due(today=today)
    assert result.processed == 1
    rotation = Rotation.objects.get()
    assert (rotation.enterprise, rotation.coordinator, rotation.status) == (near, world.coordinator, "due")
    assert rotation.limit_on == today + datetime.timedelta(days=50)
    notice = Notification.objects.get(recipient=world.manager, verb="rotations_due")
    assert "1" in notice.title
    # Twice in a day, or the next day: nothing new, nobody told again.
    again = services.list_rotations_due(today=today + datetime.timedelta(days=1))
    assert again.processed == 0 and Rotation.objects.count() == 1
    assert Notification.objects.filter(recipient=world.manager, verb="rotations_due").count() == 1


def test_the_job_asks_the_same_number_of_queries_for_3_and_30_pairs(world, policy):
    long_ago = add_months(timezone.localdate(), -40)

    def run_with(n: int) -> int:
        for _ in range(n):
            enterprise = world.new_paired_enterprise()
            _served_since(enterprise, _pair(enterprise).coordinator_a, long_ago)
        Rotation.objects.all().delete()
        Notification.objects.all().delete()  # the manager is told afresh each time
        with CaptureQueriesContext(connection) as queries:
            services.list_rotations_due(batch_size=100)
        return len(queries)

    assert run_with(3) == run_with(27)  # 3 then 30 pairs due: one batch either way


def test_without_a_limit_nothing_is_listed(world):
    RotationPolicy.objects.create(district=world.district, max_service_months=None)
    _served_since(world.enterprise, world.coordinator, add_months(timezone.localdate(), -120))
    assert services.list_rotations_due().processed == 0


# --- The handover ---------------------------------------------------------------------------------------


def _due(world, coordinator=None) -> Rotation:
    coordinator = coordinator or world.coordinator
    _served_since(world.enterprise, coordinator, add_months(timezone.localdate(), -36))
    services.list_rotations_due()
    return Rotation.objects.get(coordinator=coordinator)


def test_the_manager_confirms_and_the_open_work_moves_in_one_transaction(world, policy):
    request = world.file_request()
    requests.accept(request=request, actor=world.coordinator.user)
    visit = requests.schedule_site_visit(
        request=request,
        actor=world.coordinator.user,
        coordinators=[world.coordinator, world.partner],
        scheduled_for=timezone.now() + datetime.timedelta(days=5),
        place="厂区",
        purpose="核查",
    )
    requests.post_message(request=request, author=world.coordinator.user, body="内部备注", internal=True)
    rotation = _due(world)
    done = services.rotate(rotation=rotation, substitute=world.spare, actor=world.manager)

    pair = _pair(world.enterprise)
    assert {pair.coordinator_a_id, pair.coordinator_b_id} == {world.partner.pk, world.spare.pk}
    assert pair.since_of(world.partner) != timezone.localdate() or True  # the partner keeps their service
    assert done.status == "done" and done.substitute == world.spare and done.decided_by == world.manager
    assert done.handover["requests"] == [request.pk]
    assert done.handover["visits_moved"] == [visit.pk]
    # The substitute handles the request (and reads its internal note); the old coordinator no longer can.
    assert RequestHandler.objects.filter(
        request=request, coordinator=world.spare, ended_at__isnull=True
    ).exists()
    request.refresh_from_db()
    assert access.can_handle(world.spare.user, request)
    assert not access.can_handle(world.coordinator.user, request)
    visit.refresh_from_db()
    assert {visit.coordinator_a_id, visit.coordinator_b_id} == {world.partner.pk, world.spare.pk}
    assert visit.status == SiteVisit.Status.SCHEDULED
    # Everyone concerned is told, the enterprise in its own words.
    assert Notification.objects.filter(recipient=world.contact, verb="pair_changed").exists()
    assert Notification.objects.filter(recipient=world.spare.user, verb="rotation_handover").exists()
    assert Notification.objects.filter(recipient=world.coordinator.user, verb="rotation_handover").exists()
    ended = PairAssignment.objects.filter(enterprise=world.enterprise, ended_on__isnull=False).get()
    assert ended.end_reason == PairAssignment.EndReason.ROTATION


def test_a_rotated_coordinator_cools_off_before_serving_the_enterprise_again(world, policy):
    services.rotate(rotation=_due(world), substitute=world.spare, actor=world.manager)
    with pytest.raises(AssignmentError, match="cooling-off"):
        services.assign_pair(
            enterprise=world.enterprise, coordinators=[world.coordinator, world.spare], actor=world.manager
        )
    later = add_months(timezone.localdate(), 24) + datetime.timedelta(days=1)
    Coordinator.objects.filter(pk__in=[world.coordinator.pk, world.spare.pk]).update(
        qualification_valid_until=later + datetime.timedelta(days=365)
    )
    with at(later):
        services.assign_pair(
            enterprise=world.enterprise, coordinators=[world.coordinator, world.spare], actor=world.manager
        )
        assert _pair(world.enterprise).since_of(world.coordinator) == later


def test_only_the_districts_management_department_confirms_and_only_a_fitting_substitute(world, policy):
    rotation = _due(world)
    for outsider in (world.officer, world.coordinator.user, world.other_manager):
        with pytest.raises(PermissionDeniedError):
            services.rotate(rotation=rotation, substitute=world.spare, actor=outsider)
    with pytest.raises(AssignmentError):
        services.rotate(rotation=rotation, substitute=world.partner, actor=world.manager)
    elsewhere = world.new_coordinator(world.other_office)
    with pytest.raises(AssignmentError, match="another office"):
        services.rotate(rotation=rotation, substitute=elsewhere, actor=world.manager)
    assert Rotation.objects.get(pk=rotation.pk).status == "due"
    assert _pair(world.enterprise).since_of(world.coordinator)  # the pair is unchanged


def test_a_substitute_who_served_the_enterprise_recently_is_refused_and_never_proposed(world, policy):
    former, fresh = world.new_coordinators(2)
    pair = _pair(world.enterprise)
    services.assign_pair(
        enterprise=world.enterprise, coordinators=[world.coordinator, former], actor=world.manager
    )
    services.assign_pair(
        enterprise=world.enterprise, coordinators=[world.coordinator, pair.coordinator_b], actor=world.manager
    )
    rotation = _due(world)
    (proposal,) = services.propose_substitutes([(_pair(world.enterprise), world.coordinator)])
    assert proposal.substitute is not None and proposal.substitute.pk != former.pk
    with pytest.raises(AssignmentError, match="cooling-off"):
        services.rotate(rotation=rotation, substitute=former, actor=world.manager)
    services.rotate(rotation=rotation, substitute=fresh, actor=world.manager)


def test_a_rotation_is_set_aside_when_the_coordinator_leaves_the_pair_otherwise(world, policy):
    rotation = _due(world)
    services.declare_recusal(
        coordinator=world.coordinator, enterprise=world.enterprise, reason="kinship", actor=world.manager
    )
    rotation.refresh_from_db()
    assert rotation.status == "set_aside"
    with pytest.raises(ConflictError):
        services.rotate(rotation=rotation, substitute=world.spare, actor=world.manager)


# --- The manager's pages ------------------------------------------------------------------------------------


def test_the_manager_sees_the_rotations_due_and_confirms_one_on_its_page(client, world, policy):
    request = world.file_request()
    rotation = _due(world)
    client.force_login(world.manager)
    page = client.get(reverse("supervision:rotations"))
    assert page.status_code == 200
    (row,) = page.context["rows"]
    assert row["rotation"] == rotation and row["proposal"].substitute == world.spare
    url = reverse("supervision:rotation_confirm", args=[rotation.pk])
    preview = client.get(url)
    assert preview.context["work"]["request_count"] == 1
    assert request.subject in preview.content.decode()
    assert Rotation.objects.get(pk=rotation.pk).status == "due"  # nothing changes by looking
    response = client.post(url, {"substitute": world.spare.pk})
    assert response.status_code == 302, response.context["form"].errors
    assert Rotation.objects.get(pk=rotation.pk).status == "done"


def test_bad_input_on_the_confirm_page_changes_nothing(client, world, policy):
    rotation = _due(world)
    client.force_login(world.manager)
    url = reverse("supervision:rotation_confirm", args=[rotation.pk])
    for data in ({}, {"substitute": "x"}, {"substitute": world.partner.pk}, {"substitute": 999999}):
        response = client.post(url, data)
        assert response.status_code == 200 and response.context["form"].errors
    assert Rotation.objects.get(pk=rotation.pk).status == "due"
    assert client.get(reverse("supervision:rotations"), {"after": "garbage"}).status_code == 404


def test_coordinators_and_officers_cannot_open_the_rotation_pages(client, world, policy):
    rotation = _due(world)
    for user in (world.coordinator.user, world.officer, world.contact):
        client.force_login(user)
        assert client.get(reverse("supervision:rotations")).status_code == 403
        assert (
            client.post(
                reverse("supervision:rotation_confirm", args=[rotation.pk]), {"substitute": world.spare.pk}
            ).status_code
            == 403
        )
    client.force_login(world.other_manager)
    assert client.get(reverse("supervision:rotation_confirm", args=[rotation.pk])).status_code == 404


def test_the_rotations_page_asks_a_constant_number_of_queries(client, world, policy):
    client.force_login(world.manager)
    long_ago = add_months(timezone.localdate(), -40)

    def count_with(n: int) -> int:
        for _ in range(n):
            enterprise = world.new_paired_enterprise()
            _served_since(enterprise, _pair(enterprise).coordinator_a, long_ago)
        services.list_rotations_due()
        Notification.objects.all().delete()  # the bell's badge is not what is measured
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("supervision:rotations")).status_code == 200
        return len(queries)

    assert count_with(3) == count_with(20)
