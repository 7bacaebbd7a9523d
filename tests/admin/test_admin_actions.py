"""The admin's actions go through a confirmation page and the services; refusals are messages, never
a 500. Logged in as customs staff with the groups' model permissions (enterprises migration 0004)."""

import datetime

from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from coordinators.models import (
    Disqualification,
    DisqualificationGround,
    PairAssignment,
    Recusal,
    RecusalReason,
)
from credit.models import AbnormalListEntry, CreditEvent, CreditRating
from enterprises import services
from enterprises.models import RegistrationChange
from portal.roles import Role
from tests.factories import member

ENTERPRISES = "admin:enterprises_enterprise_changelist"


def _action(client, url_name, action, objects, **data):
    payload = {"action": action, "_selected_action": [o.pk for o in objects], **data}
    return client.post(reverse(url_name), payload)


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- Assign pair --------------------------------------------------------------------------------------


def test_assign_pair_shows_the_suggestion_then_assigns_the_officers_pick(client, world):
    enterprise = world.new_enterprise()
    low_1, low_2 = world.new_coordinator(), world.new_coordinator()
    busy_1, busy_2 = world.new_coordinator(), world.new_coordinator()
    world.new_paired_enterprise(busy_1, busy_2)
    client.force_login(world.officer)
    page = _action(client, ENTERPRISES, "assign_suggested_pair", [enterprise])
    assert page.status_code == 200
    assert page.context["suggestion"] == [low_1, low_2] or set(page.context["suggestion"]) == {low_1, low_2}
    assert PairAssignment.objects.filter(enterprise=enterprise).count() == 0  # nothing until confirmed
    done = _action(
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
    page = _action(client, ENTERPRISES, "assign_suggested_pair", [first, second])
    assert page.status_code == 200 and len(page.context["rows"]) == 2
    _action(client, ENTERPRISES, "assign_suggested_pair", [first, second], apply="yes")
    assert PairAssignment.objects.active().filter(enterprise__in=[first, second]).count() == 2


def test_assign_pair_refusal_is_shown_on_the_page_not_a_500(client, world):
    regular = world.new_enterprise("regular")
    a, b = world.new_coordinator(), world.new_coordinator()
    client.force_login(world.officer)
    response = _action(
        client, ENTERPRISES, "assign_suggested_pair", [regular], apply="yes", first=a.pk, second=b.pk
    )
    assert response.status_code == 200
    assert any("advanced-certified" in m for m in _messages(response))
    assert not PairAssignment.objects.exists()


def test_assign_pair_offers_only_assignable_coordinators(client, world):
    enterprise = world.new_enterprise()
    a, b = world.new_coordinator(), world.new_coordinator()
    lapsed = world.new_coordinator(
        qualification_valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(world.officer)
    response = _action(
        client, ENTERPRISES, "assign_suggested_pair", [enterprise], apply="yes", first=a.pk, second=lapsed.pk
    )
    assert response.status_code == 200
    assert "second" in response.context["form"].errors
    assert b in response.context["form"].fields["first"].queryset
    assert not PairAssignment.objects.exists()


# --- Recusal -------------------------------------------------------------------------------------------


def test_record_recusal_through_the_confirmation_page_replaces_the_coordinator(client, world):
    a, b = world.new_coordinator(), world.new_coordinator()
    enterprise = world.new_paired_enterprise(a, b)
    substitute = world.new_coordinator()
    client.force_login(world.officer)
    page = _action(client, ENTERPRISES, "record_recusal", [enterprise])
    assert page.status_code == 200 and "form" in page.context
    response = _action(
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
    assert any(str(substitute) in m for m in _messages(response))


def test_record_recusal_refusal_is_a_form_error(client, world):
    enterprise = world.new_enterprise()
    a = world.new_coordinator()
    client.force_login(world.officer)
    response = _action(
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


# --- Disqualification -------------------------------------------------------------------------------


def test_manager_disqualifies_with_a_ground_and_sees_the_enterprises_needing_a_pair(client, world):
    a, b = world.new_coordinator(), world.new_coordinator()
    first = world.new_paired_enterprise(a, b)
    second = world.new_paired_enterprise(a, world.new_coordinator())
    client.force_login(world.manager)
    url = "admin:coordinators_coordinator_changelist"
    page = _action(client, url, "disqualify", [a])
    assert page.status_code == 200
    response = _action(
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


def test_officer_cannot_run_the_disqualify_action(client, world):
    a = world.new_coordinator()
    client.force_login(world.officer)
    response = _action(
        client,
        "admin:coordinators_coordinator_changelist",
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
    response = _action(
        client,
        "admin:coordinators_coordinator_changelist",
        "disqualify",
        [a],
        apply="yes",
        ground=DisqualificationGround.VIOLATION,
        decided_on=future,
        evidence="x",
    )
    assert response.status_code == 200
    assert any("future" in m for m in _messages(response))
    assert not Disqualification.objects.exists()


# --- Registration changes -----------------------------------------------------------------------------


def _pending_change(world, **values):
    enterprise = world.new_enterprise(phone="010-1")
    return services.submit_registration_change(
        enterprise=enterprise, submitted_by=member(enterprise), new_values=values or {"phone": "010-2"}
    )


def test_officer_accepts_a_registration_change_after_seeing_before_and_after(client, world):
    change = _pending_change(world)
    client.force_login(world.officer)
    url = "admin:enterprises_registrationchange_changelist"
    page = _action(client, url, "accept", [change])
    assert page.status_code == 200 and "010-1" in page.content.decode() and "010-2" in page.content.decode()
    _action(client, url, "accept", [change], apply="yes", note="")
    change.refresh_from_db()
    assert change.status == RegistrationChange.Status.ACCEPTED
    assert change.enterprise.phone == "010-2"


def test_rejecting_without_a_reason_is_an_error_message(client, world):
    change = _pending_change(world)
    client.force_login(world.officer)
    url = "admin:enterprises_registrationchange_changelist"
    response = _action(client, url, "reject", [change], apply="yes", note="")
    assert any("reason" in m for m in _messages(response))
    assert RegistrationChange.objects.get(pk=change.pk).status == RegistrationChange.Status.PENDING
    _action(client, url, "reject", [change], apply="yes", note="与营业执照不符")
    assert RegistrationChange.objects.get(pk=change.pk).status == RegistrationChange.Status.REJECTED


def test_registration_change_detail_shows_before_after(client, world):
    change = _pending_change(world)
    client.force_login(world.officer)
    html = client.get(
        reverse("admin:enterprises_registrationchange_change", args=[change.pk])
    ).content.decode()
    assert 'data-testid="changes"' in html and "010-1" in html and "010-2" in html


# --- Credit events ------------------------------------------------------------------------------------


def test_credit_event_form_records_through_the_service(client, world):
    enterprise = world.new_enterprise("regular")
    client.force_login(world.officer)
    url = reverse("admin:credit_creditevent_add")
    assert client.get(url, {"enterprise": enterprise.pk}).status_code == 200
    target = CreditRating.objects.get(regime__code="decree-282", code="advanced_certified")
    response = client.post(
        url,
        {
            "enterprise": enterprise.pk,
            "to_rating": target.pk,
            "effective_date": timezone.localdate().isoformat(),
            "reason": "certification",
            "evidence": "认证报告",
        },
    )
    assert response.status_code == 302
    event = CreditEvent.objects.filter(enterprise=enterprise).latest("id")
    assert event.to_rating == target and event.actor == world.officer


def test_credit_event_form_shows_a_refused_raise(client, world):
    enterprise = world.new_enterprise("regular")
    AbnormalListEntry.objects.create(
        enterprise=enterprise,
        reason="annual_report",
        listed_on=enterprise.certified_on or timezone.localdate(),
    )
    client.force_login(world.officer)
    target = CreditRating.objects.get(regime__code="decree-282", code="advanced_certified")
    before = CreditEvent.objects.count()
    response = client.post(
        reverse("admin:credit_creditevent_add"),
        {
            "enterprise": enterprise.pk,
            "to_rating": target.pk,
            "effective_date": timezone.localdate().isoformat(),
            "reason": "certification",
        },
    )
    assert response.status_code == 200
    assert "abnormal" in " ".join(response.context["form"].non_field_errors())
    assert CreditEvent.objects.count() == before


def test_credit_event_form_refuses_an_enterprise_of_another_district(client, world):
    foreign = world.new_enterprise("regular", office=world.foreign_office)
    client.force_login(world.officer)
    target = CreditRating.objects.get(regime__code="decree-282", code="advanced_certified")
    response = client.post(
        reverse("admin:credit_creditevent_add"),
        {
            "enterprise": foreign.pk,
            "to_rating": target.pk,
            "effective_date": timezone.localdate().isoformat(),
            "reason": "certification",
        },
    )
    assert response.status_code == 200 and "enterprise" in response.context["form"].errors


def test_credit_events_cannot_be_changed_or_deleted(client, world):
    enterprise = world.new_enterprise()
    event = CreditEvent.objects.get(enterprise=enterprise)
    client.force_login(world.manager)
    assert client.get(reverse("admin:credit_creditevent_delete", args=[event.pk])).status_code == 403
    client.post(reverse("admin:credit_creditevent_change", args=[event.pk]), {"reason_text": "rewritten"})
    event.refresh_from_db()
    assert event.reason_text != "rewritten"


# --- Group permissions --------------------------------------------------------------------------------


def test_groups_get_the_admin_permissions_they_need_and_no_delete_on_history(db):
    officer = set(Group.objects.get(name=Role.CUSTOMS_OFFICER).permissions.values_list("codename", flat=True))
    manager = set(Group.objects.get(name=Role.MANAGER).permissions.values_list("codename", flat=True))
    assert {
        "view_enterprise",
        "add_enterprise",
        "change_registrationchange",
        "add_pairassignment",
        "add_recusal",
        "add_creditevent",
    } <= officer
    assert "add_disqualification" not in officer
    assert {"add_disqualification", "change_coordinator"} <= manager
    history = [
        "creditevent",
        "membership",
        "pairassignment",
        "recusal",
        "disqualification",
        "registrationchange",
        "selfexamination",
    ]
    for codenames in (officer, manager):
        assert not {f"delete_{model}" for model in history} & codenames
