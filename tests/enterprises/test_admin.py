"""The enterprise admin: registration changes decided through a confirmation page and the service
(refusals are messages, never a 500); the enterprise list scoped to the officer's district, searchable,
with a constant number of queries; the enterprise page's history read-only."""

import pytest
from django.urls import reverse

from enterprises import services
from enterprises.models import Enterprise, RegistrationChange
from tests.admin_pages import assert_constant_queries, messages_of, run_action

ENTERPRISES = "admin:enterprises_enterprise_changelist"


def test_enterprise_list_query_count_is_the_same_for_3_and_30_rows(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.officer)
    for _ in range(3):
        world.new_enterprise()

    def grow():
        for _ in range(27):
            world.new_enterprise()

    assert_constant_queries(client, reverse(ENTERPRISES), grow, django_assert_max_num_queries)
    assert Enterprise.objects.count() >= 30


@pytest.mark.parametrize(
    "url_name", ["admin:enterprises_membership_changelist", "admin:enterprises_registrationchange_changelist"]
)
def test_officer_opens_every_enterprises_list(client, world, url_name):
    world.new_paired_enterprise()
    client.force_login(world.officer)
    assert client.get(reverse(url_name)).status_code == 200


def test_officer_sees_only_the_enterprises_of_their_district(client, world):
    home = world.new_enterprise()
    foreign = world.new_enterprise(office=world.foreign_office)
    client.force_login(world.officer)
    response = client.get(reverse(ENTERPRISES))
    shown = {obj.pk for obj in response.context["cl"].result_list}
    assert shown == {home.pk}
    assert foreign.pk not in shown


def test_enterprise_search_finds_by_uscc_customs_code_and_name(client, world):
    target = world.new_enterprise(name_zh="检索目标有限公司")
    world.new_enterprise()
    client.force_login(world.officer)
    url = reverse(ENTERPRISES)
    for term in (target.uscc, target.customs_code, "检索目标"):
        result = client.get(url, {"q": term}).context["cl"].result_list
        assert [e.pk for e in result] == [target.pk], term


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


# --- Registration changes -----------------------------------------------------------------------------


def _pending_change(world, **values):
    enterprise = world.new_enterprise(phone="010-1")
    return services.submit_registration_change(
        enterprise=enterprise,
        submitted_by=world.new_contact(enterprise),
        new_values=values or {"phone": "010-2"},
    )


def test_officer_accepts_a_registration_change_after_seeing_before_and_after(client, world):
    change = _pending_change(world)
    client.force_login(world.officer)
    url = "admin:enterprises_registrationchange_changelist"
    page = run_action(client, url, "accept", [change])
    assert page.status_code == 200 and "010-1" in page.content.decode() and "010-2" in page.content.decode()
    run_action(client, url, "accept", [change], apply="yes", note="")
    change.refresh_from_db()
    assert change.status == RegistrationChange.Status.ACCEPTED
    assert change.enterprise.phone == "010-2"


def test_rejecting_without_a_reason_is_an_error_message(client, world):
    change = _pending_change(world)
    client.force_login(world.officer)
    url = "admin:enterprises_registrationchange_changelist"
    response = run_action(client, url, "reject", [change], apply="yes", note="")
    assert any("reason" in m for m in messages_of(response))
    assert RegistrationChange.objects.get(pk=change.pk).status == RegistrationChange.Status.PENDING
    run_action(client, url, "reject", [change], apply="yes", note="与营业执照不符")
    assert RegistrationChange.objects.get(pk=change.pk).status == RegistrationChange.Status.REJECTED


def test_registration_change_detail_shows_before_after(client, world):
    change = _pending_change(world)
    client.force_login(world.officer)
    html = client.get(
        reverse("admin:enterprises_registrationchange_change", args=[change.pk])
    ).content.decode()
    assert 'data-testid="changes"' in html and "010-1" in html and "010-2" in html
