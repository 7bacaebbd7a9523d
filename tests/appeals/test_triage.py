"""Filing and triage: deadlines in working days, attachment limits, assign and decide through the admin's
confirmation pages (one at a time and in bulk), the enterprise reading the decision, history kept."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from appeals import services
from appeals.models import Appeal, AppealEvent
from portal.conf import appeal_deadline_working_days
from portal.exceptions import ConflictError, DomainError, PermissionDeniedError
from portal.workdays import deadline

pytestmark = pytest.mark.django_db


def test_default_deadlines_are_working_days_per_type(settings):
    settings.GUANQI = {k: v for k, v in settings.GUANQI.items() if k != "APPEAL_DEADLINE_WORKING_DAYS"}
    assert appeal_deadline_working_days("coordinator_conduct") == 10
    assert appeal_deadline_working_days("penalty") == 20


def test_the_deadline_counts_working_days_from_filing(world):
    appeal = world.file_appeal("credit_decision")
    assert appeal.due_at == deadline(appeal.filed_at, appeal_deadline_working_days("credit_decision"))
    assert appeal.events.get().kind == AppealEvent.Kind.FILED


def test_a_disallowed_attachment_saves_nothing(world):
    with pytest.raises(DomainError):
        world.file_appeal(attachments=[SimpleUploadedFile("virus.exe", b"MZ")])
    assert not Appeal.objects.exists()


def test_an_attachment_over_the_size_limit_saves_nothing(world, settings):
    settings.GUANQI = {**settings.GUANQI, "ATTACHMENT_MAX_BYTES": 10}
    with translation.override("en"), pytest.raises(DomainError, match="larger"):
        world.file_appeal(attachments=[SimpleUploadedFile("scan.pdf", b"x" * 11)])
    assert not Appeal.objects.exists()


def test_someone_outside_the_enterprise_cannot_file_for_it(world):
    with pytest.raises(PermissionDeniedError):
        services.file_appeal(
            enterprise=world.enterprise,
            author=world.other_contact,
            appeal_type="penalty",
            subject="s",
            grounds="g",
        )


def test_a_decision_needs_reasons_and_a_decided_appeal_cannot_be_decided_again(world):
    appeal = world.file_appeal()
    with pytest.raises(DomainError):
        services.decide_appeal(appeal=appeal, outcome="rejected", reasons=" ", actor=world.officer)
    services.decide_appeal(
        appeal=appeal, outcome="rejected", reasons="The rating followed the rules.", actor=world.officer
    )
    with pytest.raises(ConflictError):
        services.decide_appeal(
            appeal=appeal, outcome="upheld", reasons="Changed my mind.", actor=world.officer
        )


def test_officer_triages_an_appeal_end_to_end_in_the_admin(world, client):
    appeal = world.file_appeal()
    client.force_login(world.officer)
    assign_url = reverse("admin:appeals_appeal_assign", args=[appeal.pk])
    page = client.get(assign_url)
    assert page.status_code == 200 and 'data-testid="confirmation-page"' in page.content.decode()
    client.post(assign_url, {"apply": "yes", "officer": world.officer.pk})
    appeal.refresh_from_db()
    assert (appeal.status, appeal.assigned_to) == ("in_review", world.officer)
    decide_url = reverse("admin:appeals_appeal_decide", args=[appeal.pk])
    client.post(
        decide_url,
        {"apply": "yes", "outcome": "partly_upheld", "reasons": "The fine stands; the rating is restored."},
    )
    appeal.refresh_from_db()
    assert (appeal.status, appeal.outcome, appeal.decided_by) == ("decided", "partly_upheld", world.officer)
    kinds = list(appeal.events.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == ["filed", "assigned", "decided"]
    assert appeal.history.count() >= 3
    # The enterprise reads the status and the reasons in the portal.
    client.force_login(world.contact)
    detail = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
    assert "The fine stands; the rating is restored." in detail
    assert 'data-testid="decision"' in detail


def test_bulk_decision_goes_through_a_confirmation_page_and_the_service(world, client):
    first, second = world.file_appeal(), world.file_appeal("penalty")
    client.force_login(world.officer)
    url = reverse("admin:appeals_appeal_changelist")
    selection = {"action": "decide_selected", "_selected_action": [first.pk, second.pk]}
    confirm = client.post(url, selection)
    assert confirm.status_code == 200 and 'data-testid="confirmation-page"' in confirm.content.decode()
    assert Appeal.objects.filter(status="decided").count() == 0
    client.post(url, {**selection, "apply": "yes", "outcome": "rejected", "reasons": "Out of time."})
    assert Appeal.objects.filter(status="decided", outcome="rejected").count() == 2


def test_forwarding_sends_the_appeal_to_the_management_department_which_decides(world):
    appeal = world.file_appeal()
    services.decide_appeal(
        appeal=appeal, outcome="forwarded", reasons="Needs the Management Department.", actor=world.officer
    )
    appeal.refresh_from_db()
    assert appeal.status == "forwarded"
    with pytest.raises(PermissionDeniedError):
        services.decide_appeal(appeal=appeal, outcome="upheld", reasons="ok", actor=world.officer)
    services.decide_appeal(
        appeal=appeal, outcome="upheld", reasons="Upheld by the Management Department.", actor=world.manager
    )
    appeal.refresh_from_db()
    assert appeal.outcome == "upheld"


def test_nothing_can_be_deleted_or_added_in_the_admin(world, client):
    appeal = world.file_appeal()
    client.force_login(world.officer)
    assert client.get(reverse("admin:appeals_appeal_delete", args=[appeal.pk])).status_code in (302, 403)
    assert client.get(reverse("admin:appeals_appeal_add")).status_code == 403
    changelist = client.get(reverse("admin:appeals_appeal_changelist")).content.decode()
    assert "delete_selected" not in changelist
    assert Appeal.objects.filter(pk=appeal.pk).exists()


def test_overdue_appeals_are_highlighted_and_the_changelist_query_count_is_constant(
    world, client, django_assert_max_num_queries
):
    for _ in range(3):
        world.file_appeal()
    Appeal.objects.update(due_at=timezone.now() - datetime.timedelta(days=1))
    client.force_login(world.officer)
    url = reverse("admin:appeals_appeal_changelist")
    with django_assert_max_num_queries(20):
        page = client.get(url, {"overdue": "yes"})
    assert page.content.decode().count('data-testid="overdue"') == 3
    for _ in range(10):
        world.file_appeal()
    with django_assert_max_num_queries(20):
        client.get(url)


def test_management_department_disqualifies_the_coordinator_from_an_integrity_appeal(world, client):
    appeal = world.file_appeal("coordinator_conduct")
    client.force_login(world.manager)
    url = reverse("admin:appeals_appeal_disqualify", args=[appeal.pk])
    assert 'data-testid="confirmation-page"' in client.get(url).content.decode()
    client.post(
        url,
        {
            "apply": "yes",
            "ground": "neglect_or_delay",
            "evidence": "Ignored three requests.",
            "decided_on": timezone.localdate().isoformat(),
            "confirm": "on",
        },
    )
    appeal.refresh_from_db()
    world.coordinator.refresh_from_db()
    assert world.coordinator.status == "disqualified"
    assert appeal.disqualification.ground == "neglect_or_delay"
    assert appeal.events.filter(kind="disqualification").exists()


def test_an_ordinary_officer_cannot_disqualify(world):
    appeal = world.file_appeal("coordinator_conduct")
    with pytest.raises(DomainError):
        services.disqualify_from_appeal(appeal=appeal, ground="violation", evidence="x", actor=world.officer)
