"""Object access on every path: one enterprise never sees or changes another's requests, messages or
attachments (guessing ids too); a recused coordinator never sees that enterprise's requests; internal
notes never reach enterprise users."""

import pytest
from django.urls import reverse

from coordination import services
from coordination.models import CoordinationRequest, RequestMessage, RequestStatus
from coordinators import services as coordination
from coordinators.models import RecusalReason
from tests.world import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(world):
    """The world's party, whose request has a public reply and an internal note (each with a file), and
    another party (of another district)."""
    other = world.new_party()
    ra = world.file_request(files=[pdf()])
    services.post_message(
        request=ra, author=world.coordinator.user, body="公开回复", files=[pdf("reply.pdf")]
    )
    services.post_message(
        request=ra, author=world.coordinator.user, body="内部备注", internal=True, files=[pdf("internal.pdf")]
    )
    return world.party, other, ra


def test_visible_to_keeps_enterprises_apart(two):
    a, b, ra = two
    assert list(CoordinationRequest.objects.visible_to(a.contact)) == [ra]
    assert list(CoordinationRequest.objects.visible_to(b.contact)) == []
    assert list(CoordinationRequest.objects.visible_to(b.coordinator.user)) == []
    assert list(CoordinationRequest.objects.visible_to(a.staff)) == [ra]


@pytest.mark.parametrize("name", ["request_detail", "request_reply", "schedule_visit", "publish_answer"])
def test_another_enterprise_gets_404_on_request_pages(client, two, name):
    _a, b, ra = two
    client.force_login(b.contact)
    response = (
        client.post(reverse(f"coordination:{name}", args=[ra.pk]), {"body": "x"})
        if name == "request_reply"
        else client.get(reverse(f"coordination:{name}", args=[ra.pk]))
    )
    assert response.status_code == 404
    assert ra.messages.filter(body="x").count() == 0


@pytest.mark.parametrize("action", ["withdraw", "confirm", "reopen", "accept", "resolve", "transfer"])
def test_another_enterprise_cannot_act_on_a_request(client, two, action):
    _a, b, ra = two
    client.force_login(b.contact)
    response = client.post(
        reverse("coordination:request_action", args=[ra.pk, action]), {"note": "x", "rating": 5}
    )
    assert response.status_code == 404
    ra.refresh_from_db()
    assert ra.status == RequestStatus.IN_PROGRESS


def test_attachments_are_downloadable_only_with_access(client, two):
    a, b, ra = two
    public = ra.attachments.get(original_name="invoice.pdf")
    client.force_login(a.contact)
    response = client.get(reverse("coordination:attachment_download", args=[public.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(b.contact)
    for attachment in ra.attachments.all():
        assert (
            client.get(reverse("coordination:attachment_download", args=[attachment.pk])).status_code == 404
        )
    assert client.get(reverse("coordination:attachment_download", args=[999999])).status_code == 404


def test_internal_attachments_are_hidden_from_the_enterprise(client, two):
    a, _b, ra = two
    internal = ra.attachments.get(original_name="internal.pdf")
    client.force_login(a.contact)
    assert client.get(reverse("coordination:attachment_download", args=[internal.pk])).status_code == 404
    client.force_login(a.coordinator.user)
    assert client.get(reverse("coordination:attachment_download", args=[internal.pk])).status_code == 200


def test_internal_notes_never_reach_the_enterprise_page(client, two):
    a, _b, ra = two
    client.force_login(a.contact)
    page = client.get(reverse("coordination:request_detail", args=[ra.pk])).content.decode()
    assert "公开回复" in page and "内部备注" not in page and "internal.pdf" not in page
    client.force_login(a.coordinator.user)
    page = client.get(reverse("coordination:request_detail", args=[ra.pk])).content.decode()
    assert "内部备注" in page


def test_internal_notes_never_in_message_selectors_for_the_enterprise(two):
    a, _b, _ra = two
    assert not RequestMessage.objects.visible_to(a.contact).filter(is_internal=True).exists()
    assert RequestMessage.objects.visible_to(a.coordinator.user).filter(is_internal=True).exists()


def test_attachment_files_are_not_under_a_public_url(two):
    _a, _b, ra = two
    attachment = ra.attachments.first()
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018
    assert "/private/" in attachment.file.path


def test_recused_coordinator_never_sees_the_enterprise_requests(client, world, two):
    a, _b, ra = two
    coordination.declare_recusal(
        coordinator=a.partner, enterprise=a.enterprise, reason=RecusalReason.KINSHIP, actor=world.manager
    )
    user = a.partner.user
    user.__dict__.pop("roles", None)
    assert not CoordinationRequest.objects.visible_to(user).exists()
    client.force_login(user)
    assert client.get(reverse("coordination:request_detail", args=[ra.pk])).status_code == 404
    assert str(ra.subject) not in client.get(reverse("coordination:workspace")).content.decode()
    for attachment in ra.attachments.all():
        assert (
            client.get(reverse("coordination:attachment_download", args=[attachment.pk])).status_code == 404
        )


def test_recused_coordinator_does_not_see_a_request_transferred_to_their_office(world, two):
    a, _b, ra = two
    recused = world.new_coordinator(world.other_office)
    coordination.declare_recusal(
        coordinator=recused, enterprise=a.enterprise, reason=RecusalReason.KINSHIP, actor=world.manager
    )
    services.transfer(request=ra, actor=a.coordinator.user, reason="属地", to_office=world.other_office)
    colleague = world.new_coordinator(world.other_office)
    recused.user.__dict__.pop("roles", None)
    assert CoordinationRequest.objects.visible_to(colleague.user).filter(pk=ra.pk).exists()
    assert not CoordinationRequest.objects.visible_to(recused.user).filter(pk=ra.pk).exists()


def test_coordinator_of_the_same_office_outside_the_pair_does_not_see_it(two):
    a, _b, _ra = two
    assert not CoordinationRequest.objects.visible_to(a.spare.user).exists()


def test_coordinator_of_the_receiving_office_sees_a_transferred_request(world, two):
    a, _b, ra = two
    receiver = world.new_coordinator(world.other_office)
    assert not CoordinationRequest.objects.visible_to(receiver.user).exists()
    services.transfer(request=ra, actor=a.coordinator.user, reason="属地", to_office=world.other_office)
    assert CoordinationRequest.objects.visible_to(receiver.user).filter(pk=ra.pk).exists()


def test_staff_page_shows_no_contact_person_actions(client, two):
    a, _b, ra = two
    client.force_login(a.staff)
    page = client.get(reverse("coordination:request_detail", args=[ra.pk])).content.decode()
    assert 'data-testid="action-withdraw"' not in page
    assert 'data-testid="reply-form"' in page
    client.force_login(a.contact)
    assert (
        'data-testid="action-withdraw"'
        in client.get(reverse("coordination:request_detail", args=[ra.pk])).content.decode()
    )


def test_staff_withdraw_by_post_is_refused_with_a_message(client, two):
    a, _b, ra = two
    client.force_login(a.staff)
    response = client.post(reverse("coordination:request_action", args=[ra.pk, "withdraw"]), follow=True)
    assert response.status_code == 200
    ra.refresh_from_db()
    assert ra.status == RequestStatus.IN_PROGRESS
    assert any("contact person" in str(m) or "联络员" in str(m) for m in response.context["messages"])
