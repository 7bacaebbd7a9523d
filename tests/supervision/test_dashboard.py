"""The workload dashboard: who sees it, the figures per coordinator, office and district, imbalance,
exports, and a constant number of queries."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from coordinators import services as coordinator_services
from coordinators.models import PairAssignment
from credit.models import AbnormalListEntry
from supervision import selectors as dashboard
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/supervision/"


def rows_by_pk(scope, **kwargs):
    return {c.pk: c for c in dashboard.coordinator_rows(scope, **kwargs)}


def test_manager_lands_on_the_dashboard(login, world):
    response = login(world.manager).get("/", follow=True)
    assert response.redirect_chain[-1][0] == URL
    assert response.status_code == 200


def test_enterprise_user_is_refused_the_dashboard(login, world):
    contact = world.new_contact(world.new_enterprise())
    assert login(contact).get(URL).status_code == 403


def test_coordinator_is_refused_the_dashboard(login, world):
    assert login(world.new_coordinator().user).get(URL).status_code == 403


def test_ordinary_officer_who_leads_no_office_is_refused(login, world):
    assert login(world.officer).get(URL).status_code == 403


def test_local_customs_leader_sees_only_their_office(login, world):
    sibling = world.other_office
    mine = world.new_coordinator()
    theirs = world.new_coordinator(sibling)
    client = login(world.leader)
    page = client.get(URL)
    assert page.status_code == 200
    shown = {c.pk for c in page.context["coordinators"]}
    assert mine.pk in shown
    assert theirs.pk not in shown
    # Asking for the sibling office by filter does not widen the scope.
    assert theirs.pk not in {c.pk for c in client.get(URL, {"office": sibling.pk}).context["coordinators"]}
    assert client.get(reverse("supervision:dashboard_coordinator", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("supervision:dashboard_coordinator", args=[mine.pk])).status_code == 200


def test_manager_sees_their_district_only(login, world):
    a = world.new_coordinator(world.other_office)  # same district
    b = world.new_coordinator(world.foreign_office)  # another district
    shown = {c.pk for c in login(world.manager).get(URL).context["coordinators"]}
    assert a.pk in shown
    assert b.pk not in shown


def test_enterprises_assigned_counts_both_sides_of_active_pairs(world):
    a, b, c = world.new_coordinators(3)
    world.assign(a, b, 2)
    world.assign(a, c, 1)
    rows = rows_by_pk(dashboard.scope_for(world.manager))
    assert (rows[a.pk].enterprise_count, rows[b.pk].enterprise_count, rows[c.pk].enterprise_count) == (
        3,
        2,
        1,
    )


def test_ended_pairs_do_not_count(world):
    a, b = world.new_coordinators(2)
    (enterprise,) = world.assign(a, b, 1)
    PairAssignment.objects.filter(enterprise=enterprise).update(ended_on=timezone.localdate())
    assert rows_by_pk(dashboard.scope_for(world.manager))[a.pk].enterprise_count == 0


def test_coordinator_far_above_the_office_median_is_overloaded(world):
    a, b, c, d = world.new_coordinators(4)
    world.assign(a, b, 6)  # a: 6+1=7, b: 6
    world.assign(a, c, 1)  # c: 1 + 1 = 2
    world.assign(c, d, 1)  # d: 1  -> loads 7, 6, 2, 1: median 4
    rows = rows_by_pk(dashboard.scope_for(world.manager))
    assert rows[a.pk].office_median == pytest.approx(4.0)
    assert rows[a.pk].overloaded  # 7 > 1.5 × 4
    assert not rows[b.pk].overloaded  # 6 = 1.5 × 4
    assert not rows[c.pk].overloaded


def test_overload_factor_is_a_setting_with_default_one_and_a_half(settings):
    settings.GUANQI = {k: v for k, v in settings.GUANQI.items() if k != "DASHBOARD_OVERLOAD_FACTOR"}
    assert dashboard.overload_factor() == 1.5
    settings.GUANQI = {**settings.GUANQI, "DASHBOARD_OVERLOAD_FACTOR": 3}
    assert dashboard.overload_factor() == 3.0


def test_overloaded_filter_keeps_only_overloaded(world):
    a, b, c, _d = world.new_coordinators(4)
    world.assign(a, b, 3)
    world.assign(a, c, 3)  # a 6, b 3, c 3, d 0 -> median 3; a overloaded
    assert list(rows_by_pk(dashboard.scope_for(world.manager), overloaded_only=True)) == [a.pk]


def test_sort_by_load_ascending(world):
    a, b, c = world.new_coordinators(3)
    world.assign(a, b, 2)
    ordered = [r.pk for r in dashboard.coordinator_rows(dashboard.scope_for(world.manager), sort="load")]
    assert ordered[0] == c.pk
    assert ordered[-1] in (a.pk, b.pk)


def test_office_and_district_totals(world):
    a, b, _c = world.new_coordinators(3)
    world.assign(a, b, 2)
    world.new_enterprise("regular")
    scope = dashboard.scope_for(world.manager)
    (row,) = [o for o in dashboard.office_rows(scope) if o.pk == world.office.pk]
    assert (row.coordinator_count, row.assigned_count, row.aeo_count) == (3, 2, 2)
    assert row.median_load == pytest.approx(2.0)
    (district,) = dashboard.district_rows(scope)
    assert (district.coordinator_count, district.assigned_count) == (3, 2)


def test_each_office_counts_its_own_enterprises_active_pairs(world):
    a, b = world.new_coordinators(2)
    world.assign(a, b, 3)
    c, d = world.new_coordinators(2, world.other_office)
    kept, ended = world.assign(c, d, 2)
    coordinator_services.end_pair_for_enterprise(
        enterprise=ended, reason=PairAssignment.EndReason.REASSIGNED, actor=world.manager
    )
    world.new_paired_enterprise(office=world.foreign_office, actor=world.other_manager)
    scope = dashboard.scope_for(world.manager)
    assigned = {o.pk: o.assigned_count for o in dashboard.office_rows(scope)}
    assert assigned == {world.office.pk: 3, world.other_office.pk: 1}
    (district,) = dashboard.district_rows(scope)
    assert district.assigned_count == 4
    # An office leader's rows: their office alone, the same figure.
    leader_rows = list(dashboard.office_rows(dashboard.scope_for(world.leader)))
    assert [(o.pk, o.assigned_count) for o in leader_rows] == [(world.office.pk, 3)]
    # An office whose last pair ended shows 0.
    coordinator_services.end_pair_for_enterprise(
        enterprise=kept, reason=PairAssignment.EndReason.REASSIGNED, actor=world.manager
    )
    idle = dashboard.narrow(scope, office_id=world.other_office.pk)
    assert [o.assigned_count for o in dashboard.office_rows(idle)] == [0]


def test_rating_distribution_counts_enterprises_per_rating(world):
    for _ in range(2):
        world.new_enterprise("advanced_certified")
    world.new_enterprise("regular")
    counts = {
        str(r["label"]): r["n"] for r in dashboard.rating_distribution(dashboard.scope_for(world.manager))
    }
    assert sorted(counts.values()) == [1, 2]


def test_recertifications_due_in_windows(world):
    today = timezone.localdate()
    for days in (-5, 10, 60, 150, 400):
        enterprise = world.new_enterprise()
        type(enterprise).objects.filter(pk=enterprise.pk).update(
            recertification_due=today + datetime.timedelta(days=days)
        )
    counts = dashboard.recertification_counts(dashboard.scope_for(world.manager))
    assert counts == {"overdue": 1, "d30": 2, "d90": 3, "d180": 4}
    assert len(dashboard.recertifications_due(dashboard.scope_for(world.manager), within_days=30)) == 2


def test_abnormal_entries_nearing_ninety_days(world):
    today = timezone.localdate()
    near, fresh = world.new_enterprise(), world.new_enterprise()
    AbnormalListEntry.objects.create(
        enterprise=near, reason="annual_report", listed_on=today - datetime.timedelta(days=80)
    )
    AbnormalListEntry.objects.create(
        enterprise=fresh, reason="annual_report", listed_on=today - datetime.timedelta(days=20)
    )
    (entry,) = dashboard.abnormal_nearing(dashboard.scope_for(world.manager))
    assert entry.enterprise_id == near.pk
    assert (entry.days_listed, entry.days_left) == (80, 10)


def test_dashboard_query_count_does_not_grow_with_coordinators(login, world, django_assert_max_num_queries):
    client = login(world.manager)
    a, b, _c = world.new_coordinators(3)
    world.assign(a, b, 2)
    client.get(URL)  # warm caches (content types, session)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    more = world.new_coordinators(17)
    for x, y in zip(more[::2], more[1::2], strict=False):
        world.assign(x, y, 2)
    with CaptureQueriesContext(connection) as large:
        response = client.get(URL)
    assert len(response.context["coordinators"]) == 20
    assert len(large.captured_queries) == len(small.captured_queries)


def test_export_csv_has_the_coordinator_rows(login, world):
    a, b = world.new_coordinators(2)
    world.assign(a, b, 1)
    response = login(world.manager).get(
        reverse("supervision:dashboard_export", args=["coordinators"]), {"format": "csv"}
    )
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert a.user.display_name in text
    assert len(text.strip().splitlines()) == 3


def test_export_excel_opens_with_openpyxl(login, world):
    a, b = world.new_coordinators(2)
    world.assign(a, b, 1)
    response = login(world.manager).get(
        reverse("supervision:dashboard_export", args=["offices"]), {"format": "xlsx"}
    )
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    assert values[1][0] == world.office.name


def test_export_of_an_unknown_table_is_404(login, world):
    assert (
        login(world.manager).get(reverse("supervision:dashboard_export", args=["passwords"])).status_code
        == 404
    )


def test_export_refused_to_an_enterprise(login, world):
    contact = world.new_contact(world.new_enterprise())
    assert (
        login(contact).get(reverse("supervision:dashboard_export", args=["coordinators"])).status_code == 403
    )


def test_rebalance_replaces_only_the_overloaded_coordinator_and_spreads_the_enterprises(login, world):
    a, b, c, d = world.new_coordinators(4)
    enterprises = world.assign(a, b, 4)
    client = login(world.manager)
    page = client.get(reverse("supervision:dashboard_rebalance", args=[a.pk]))
    assert page.status_code == 200
    suggestions = page.context["suggestions"]
    assert len(suggestions) == 4
    # The partner stays in every proposal; only a is replaced, by c and d in turn (balanced), never b.
    assert {s.partner.pk for s in suggestions} == {b.pk}
    substitutes = [s.substitute.pk for s in suggestions]
    assert sorted(substitutes) == sorted([c.pk, c.pk, d.pk, d.pk])
    target = suggestions[0].pair.enterprise
    proposed = [x.pk for x in suggestions[0].proposed]
    url = reverse("supervision:dashboard_reassign", args=[target.pk])
    confirm = client.get(url, {"coordinator": proposed, "from": a.pk})
    assert confirm.status_code == 200
    assert (
        PairAssignment.objects.active().get(enterprise=target).coordinator_a_id == a.pk
    )  # nothing changed yet
    client.post(url, {"coordinator": proposed, "from": a.pk})
    pair = PairAssignment.objects.active().get(enterprise=target)
    assert {pair.coordinator_a_id, pair.coordinator_b_id} == {b.pk, suggestions[0].substitute.pk}
    assert len(enterprises) == 4


def test_office_leader_cannot_reassign(login, world):
    a, b, c, d = world.new_coordinators(4)
    (enterprise,) = world.assign(a, b, 1)
    response = login(world.leader).post(
        reverse("supervision:dashboard_reassign", args=[enterprise.pk]), {"coordinator": [c.pk, d.pk]}
    )
    assert response.status_code == 403


def test_reassign_refused_by_the_service_shows_a_message_not_a_500(login, world):
    a, b = world.new_coordinators(2)
    (enterprise,) = world.assign(a, b, 1)
    response = login(world.manager).post(
        reverse("supervision:dashboard_reassign", args=[enterprise.pk]),
        {"coordinator": [a.pk, b.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "already" in str(next(iter(response.context["messages"])))


def test_user_without_a_role_is_refused(login):
    assert login(UserFactory()).get(URL).status_code == 403


def test_dashboard_query_count_does_not_grow_with_requests(login, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world.manager)
    world.file_request()
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    for n in range(10):
        world.file_request(subject=f"归类咨询 {n}")
    with CaptureQueriesContext(connection) as large:
        assert client.get(URL).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_the_coordinator_table_shows_the_first_rows_and_the_total(login, world, monkeypatch):
    from supervision import views

    monkeypatch.setattr(views, "COORDINATORS_SHOWN", 3)
    coordinators = world.new_coordinators(6)
    world.assign(coordinators[0], coordinators[1], 3)
    response = login(world.manager).get(URL)
    rows = response.context["coordinators"]
    assert len(rows) == 3
    assert rows[0].enterprise_count == 3  # the most loaded first (the default order)
    assert response.context["coordinator_count"] >= 6
    assert 'data-testid="coordinators-shown"' in response.content.decode()
