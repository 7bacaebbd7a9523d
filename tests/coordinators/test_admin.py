"""The coordinators' admin: pair assignment and recusal (actions on the enterprise list) and
disqualification (on the coordinator list) go through a confirmation page and the services, refusals are
messages, never a 500; the lists run a constant number of queries; the "needs a pair" filter."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from coordinators.models import (
    Coordinator,
    Disqualification,
    DisqualificationGround,
    PairAssignment,
    Recusal,
    RecusalReason,
)
from tests.admin_pages import assert_constant_queries, messages_of, run_action

ENTERPRISES = "admin:enterprises_enterprise_changelist"
COORDINATORS = "admin:coordinators_coordinator_changelist"


def test_coordinator_list_query_count_is_the_same_for_4_and_30_rows(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.officer)
    for _ in range(2):
        world.new_paired_enterprise()

    def grow():
        for _ in range(13):
            world.new_paired_enterprise()

    assert_constant_queries(client, reverse(COORDINATORS), grow, django_assert_max_num_queries)
    assert Coordinator.objects.count() >= 30


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:coordinators_pairassignment_changelist",
        "admin:coordinators_recusal_changelist",
        "admin:coordinators_disqualification_changelist",
    ],
)
def test_officer_opens_every_coordinators_list(client, world, url_name):
    world.new_paired_enterprise()
    client.force_login(world.officer)
    assert client.get(reverse(url_name)).status_code == 200


def test_needs_a_pair_filter_lists_aeo_enterprises_without_a_pair(client, world):
    paired = world.new_paired_enterprise()
    unpaired = world.new_enterprise()
    world.new_enterprise("regular")
    client.force_login(world.officer)
    result = client.get(reverse(ENTERPRISES), {"pair": "needed"}).context["cl"].result_list
    assert [e.pk for e in result] == [unpaired.pk]
    assert paired.pk not in [e.pk for e in result]


# --- Assign pair --------------------------------------------------------------------------------------


def test_assign_pair_shows_the_suggestion_then_assigns_the_officers_pick(client, world):
    enterprise = world.new_enterprise()
    low_1, low_2 = world.new_coordinator(), world.new_coordinator()
    busy_1, busy_2 = world.new_coordinator(), world.new_coordinator()
    world.new_paired_enterprise(busy_1, busy_2)
    client.force_login(world.officer)
    page = run_action(client, ENTERPRISES, "assign_suggested_pair", [enterprise])
    assert page.status_code == 200
    assert page.context["suggestion"] == [low_1, low_2] or set(page.context["suggestion"]) == {low_1, low_2}
    assert PairAssignment.objects.filter(enterprise=enterprise).count() == 0  # nothing until confirmed
    done = run_action(
        client,
        ENTERPRISES,
        "assign_suggested_pair",
        [enterprise],
        apply="yes",
        first=busy_1.pk,
        second=low_2.pk,
    )
    assert done.status_code == 302
    pair = PairAssignment.objects.active().get(enterprise=enterprise)
    assert {pair.coordinator_a, pair.coordinator_b} == {busy_1, low_2}
    assert pair.assigned_by == world.officer


def test_assign_pair_for_several_enterprises_assigns_each_suggestion(client, world):
    first, second = world.new_enterprise(), world.new_enterprise()
    for _ in range(4):
        world.new_coordinator()
    client.force_login(world.officer)
    page = run_action(client, ENTERPRISES, "assign_suggested_pair", [first, second])
    assert page.status_code == 200 and len(page.context["rows"]) == 2
    run_action(client, ENTERPRISES, "assign_suggested_pair", [first, second], apply="yes")
    assert PairAssignment.objects.active().filter(enterprise__in=[first, second]).count() == 2


def test_assign_pair_refusal_is_shown_on_the_page_not_a_500(client, world):
    regular = world.new_enterprise("regular")
    a, b = world.new_coordinator(), world.new_coordinator()
    client.force_login(world.officer)
    response = run_action(
        client, ENTERPRISES, "assign_suggested_pair", [regular], apply="yes", first=a.pk, second=b.pk
    )
    assert response.status_code == 200
    assert any("advanced-certified" in m for m in messages_of(response))
    assert not PairAssignment.objects.exists()


def test_assign_pair_offers_only_assignable_coordinators(client, world):
    enterprise = world.new_enterprise()
    a, b = world.new_coordinator(), world.new_coordinator()
    lapsed = world.new_coordinator(
        qualification_valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(world.officer)
    response = run_action(
        client, ENTERPRISES, "assign_suggested_pair", [enterprise], apply="yes", first=a.pk, second=lapsed.pk
    )
    assert response.status_code == 200
    assert "second" in response.context["form"].errors
    assert b in response.context["form"].fields["first"].queryset
    assert not PairAssignment.objects.exists()


# --- Recusal ------------------------------------------------------------------------------------------


def test_record_recusal_through_the_confirmation_page_replaces_the_coordinator(client, world):
    a, b = world.new_coordinator(), world.new_coordinator()
    enterprise = world.new_paired_enterprise(a, b)
    substitute = world.new_coordinator()
    client.force_login(world.officer)
    page = run_action(client, ENTERPRISES, "record_recusal", [enterprise])
    assert page.status_code == 200 and "form" in page.context
    response = run_action(
        client,
        ENTERPRISES,
        "record_recusal",
        [enterprise],
        apply="yes",
        coordinator=a.pk,
        reason=RecusalReason.FORMER_EMPLOYMENT,
        reason_text="曾任该企业关务主管",
    )
    assert response.status_code == 302
    assert Recusal.objects.filter(coordinator=a, enterprise=enterprise).exists()
    pair = PairAssignment.objects.active().get(enterprise=enterprise)
    assert {pair.coordinator_a, pair.coordinator_b} == {b, substitute}
    assert any(str(substitute) in m for m in messages_of(response))


def test_record_recusal_refusal_is_a_form_error(client, world):
    enterprise = world.new_enterprise()
    a = world.new_coordinator()
    client.force_login(world.officer)
    response = run_action(
        client,
        ENTERPRISES,
        "record_recusal",
        [enterprise],
        apply="yes",
        coordinator=a.pk,
        reason=RecusalReason.OTHER,
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Recusal.objects.exists()


# --- Disqualification ---------------------------------------------------------------------------------


def test_manager_disqualifies_with_a_ground_and_sees_the_enterprises_needing_a_pair(client, world):
    # An office with only the two of them: no substitute exists, so both enterprises need a new pair.
    office = world.other_office
    a, b = world.new_coordinator(office=office), world.new_coordinator(office=office)
    first = world.new_paired_enterprise(a, b, office=office)
    second = world.new_paired_enterprise(a, b, office=office)
    client.force_login(world.manager)
    url = COORDINATORS
    page = run_action(client, url, "disqualify", [a])
    assert page.status_code == 200
    response = run_action(
        client,
        url,
        "disqualify",
        [a],
        apply="yes",
        ground=DisqualificationGround.DIVULGING_SECRETS,
        decided_on=timezone.localdate().isoformat(),
        evidence="泄露企业商业秘密（纪检通报）",
    )
    assert response.status_code == 200
    assert {e.pk for e in response.context["rows"][0][1]} == {first.pk, second.pk}
    assert 'data-testid="needing-pair"' in response.content.decode()
    decision = Disqualification.objects.get(coordinator=a)
    assert decision.ground == DisqualificationGround.DIVULGING_SECRETS
    assert not PairAssignment.objects.active().of_coordinator(a).exists()


def test_officer_cannot_run_the_disqualifyrun_action(client, world):
    a = world.new_coordinator()
    client.force_login(world.officer)
    response = run_action(
        client,
        COORDINATORS,
        "disqualify",
        [a],
        apply="yes",
        ground=DisqualificationGround.VIOLATION,
        decided_on=timezone.localdate().isoformat(),
        evidence="x",
    )
    assert response.status_code in (200, 302)
    assert not Disqualification.objects.exists()


def test_disqualify_refusal_is_shown_not_a_500(client, world):
    a = world.new_coordinator()
    client.force_login(world.manager)
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    response = run_action(
        client,
        COORDINATORS,
        "disqualify",
        [a],
        apply="yes",
        ground=DisqualificationGround.VIOLATION,
        decided_on=future,
        evidence="x",
    )
    assert response.status_code == 200
    assert any("future" in m for m in messages_of(response))
    assert not Disqualification.objects.exists()
