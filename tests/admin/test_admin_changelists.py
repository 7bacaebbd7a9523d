"""The admin's big lists load with a constant number of queries and show only the user's district."""

import pytest
from django.urls import reverse

from coordinators.models import Coordinator
from credit.models import CreditEvent
from enterprises.models import Enterprise


def _count_queries(client, url, django_assert_max_num_queries, limit=40):
    with django_assert_max_num_queries(limit) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow_enterprises(world, n):
    for _ in range(n):
        world.new_enterprise()


def _grow_coordinators(world, n):
    for _ in range(n // 2):
        world.new_paired_enterprise(world.new_coordinator(), world.new_coordinator())


@pytest.mark.parametrize(
    ("url_name", "grow", "model"),
    [
        ("admin:enterprises_enterprise_changelist", _grow_enterprises, Enterprise),
        ("admin:coordinators_coordinator_changelist", _grow_coordinators, Coordinator),
        ("admin:credit_creditevent_changelist", _grow_enterprises, CreditEvent),
    ],
)
def test_changelist_query_count_is_the_same_for_3_and_30_rows(
    client, world, django_assert_max_num_queries, url_name, grow, model
):
    client.force_login(world.officer)
    url = reverse(url_name)
    grow(world, 3 if model is not Coordinator else 4)
    few = _count_queries(client, url, django_assert_max_num_queries)
    grow(world, 27 if model is not Coordinator else 26)
    assert model.objects.count() >= 30
    with django_assert_max_num_queries(few):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:enterprises_membership_changelist",
        "admin:enterprises_registrationchange_changelist",
        "admin:coordinators_pairassignment_changelist",
        "admin:coordinators_recusal_changelist",
        "admin:coordinators_disqualification_changelist",
        "admin:credit_selfexamination_changelist",
        "admin:credit_creditregime_changelist",
        "admin:credit_creditrating_changelist",
        "admin:credit_ratingmapping_changelist",
        "admin:credit_standarditem_changelist",
    ],
)
def test_officer_opens_every_core_list(client, world, url_name):
    world.new_paired_enterprise()
    client.force_login(world.officer)
    assert client.get(reverse(url_name)).status_code == 200


def test_officer_sees_only_the_enterprises_of_their_district(client, world):
    home = world.new_enterprise()
    foreign = world.new_enterprise(office=world.foreign_office)
    client.force_login(world.officer)
    response = client.get(reverse("admin:enterprises_enterprise_changelist"))
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert shown == {home.pk}
    assert foreign.pk not in shown


def test_enterprise_search_finds_by_uscc_customs_code_and_name(client, world):
    target = world.new_enterprise(name_zh="检索目标有限公司")
    world.new_enterprise()
    client.force_login(world.officer)
    url = reverse("admin:enterprises_enterprise_changelist")
    for term in (target.uscc, target.customs_code, "检索目标"):
        result = client.get(url, {"q": term}).context["cl"].result_list
        assert [e.pk for e in result] == [target.pk], term


def test_needs_a_pair_filter_lists_aeo_enterprises_without_a_pair(client, world):
    paired = world.new_paired_enterprise()
    unpaired = world.new_enterprise()
    world.new_enterprise("regular")
    client.force_login(world.officer)
    result = (
        client.get(reverse("admin:enterprises_enterprise_changelist"), {"pair": "needed"})
        .context["cl"]
        .result_list
    )
    assert [e.pk for e in result] == [unpaired.pk]
    assert paired.pk not in [e.pk for e in result]


def test_enterprise_page_shows_history_inlines_read_only(client, world):
    enterprise = world.new_paired_enterprise()
    client.force_login(world.officer)
    response = client.get(reverse("admin:enterprises_enterprise_change", args=[enterprise.pk]))
    assert response.status_code == 200
    inline_models = {formset.opts.model.__name__ for formset in response.context["inline_admin_formsets"]}
    assert {"Membership", "CreditEvent", "PairAssignment", "Recusal"} <= inline_models
    for formset in response.context["inline_admin_formsets"]:
        assert not formset.has_add_permission and not formset.has_delete_permission


def test_history_page_of_another_districts_enterprise_is_404(client, world):
    foreign = world.new_enterprise(office=world.foreign_office)
    client.force_login(world.officer)
    assert client.get(reverse("admin:enterprises_enterprise_history", args=[foreign.pk])).status_code == 404
    home = world.new_enterprise()
    assert client.get(reverse("admin:enterprises_enterprise_history", args=[home.pk])).status_code == 200


def test_customs_officer_sees_only_their_districts_requests_in_the_admin(client, db):
    from coordination import services as requests
    from portal.roles import Role
    from tests.factories import LocalCustomsFactory, customs_user, member, paired_enterprise

    mine, *_ = paired_enterprise()
    other, *_ = paired_enterprise()
    own_request = requests.file_request(
        enterprise=mine,
        author=member(mine),
        service_type="consulting",
        subject="本关区的申请",
        description="d",
    )
    requests.file_request(
        enterprise=other,
        author=member(other),
        service_type="consulting",
        subject="外关区的申请",
        description="d",
    )
    officer = customs_user(Role.CUSTOMS_OFFICER, LocalCustomsFactory(district=mine.district))
    client.force_login(officer)
    page = client.get("/admin/coordination/coordinationrequest/")
    assert page.status_code == 200
    html = page.content.decode()
    assert own_request.subject in html
    assert "外关区的申请" not in html
