"""Appeals about a coordinator's conduct are seen only by the Management Department (and the filing
enterprise): in querysets, the admin, the portal, attachments and notifications."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from appeals.models import Appeal
from portal.models import Notification
from portal.roles import Role

pytestmark = pytest.mark.django_db


def visible(user):
    return set(Appeal.objects.visible_to(user).values_list("pk", flat=True))


def test_only_the_management_department_and_the_enterprise_see_an_integrity_appeal(world):
    appeal = world.file_appeal("coordinator_conduct")
    assert appeal.pk in visible(world.manager)
    assert appeal.pk in visible(world.contact)
    for user in (
        world.coordinator.user,
        world.partner.user,
        world.officer,
        world.leader,
        world.other_manager,
        world.other_contact,
    ):
        assert appeal.pk not in visible(user), user


def test_the_coordinator_concerned_never_sees_it_even_as_a_manager(world):
    appeal = world.file_appeal("coordinator_conduct")
    user = world.coordinator.user
    user.groups.add(Group.objects.get(name=Role.MANAGER))
    user.department = world.manager.department
    user.save()
    user.__dict__.pop("roles", None)
    assert appeal.pk not in visible(user)


def test_ordinary_appeals_are_seen_by_the_districts_officers_but_not_by_other_enterprises(world):
    appeal = world.file_appeal("penalty")
    assert appeal.pk in visible(world.officer)
    assert appeal.pk not in visible(world.other_contact)
    assert appeal.pk not in visible(world.other_manager)


def test_officer_guessing_an_integrity_appeal_id_in_the_admin_is_turned_away(world, client):
    appeal = world.file_appeal("coordinator_conduct")
    client.force_login(world.officer)
    response = client.get(reverse("admin:appeals_appeal_change", args=[appeal.pk]))
    assert response.status_code == 302 and response.url == reverse("admin:index")
    changelist = client.get(reverse("admin:appeals_appeal_changelist"))
    assert changelist.status_code == 200
    assert appeal.subject not in changelist.content.decode()
    client.force_login(world.manager)
    assert client.get(reverse("admin:appeals_appeal_change", args=[appeal.pk])).status_code == 200


def test_another_enterprise_gets_404_for_the_appeal_and_its_attachment(world, client):
    appeal = world.file_appeal(
        "coordinator_conduct", attachments=[SimpleUploadedFile("note.txt", b"evidence")]
    )
    attachment = appeal.attachments.get()
    client.force_login(world.other_contact)
    assert client.get(reverse("appeals:detail", args=[appeal.pk])).status_code == 404
    assert client.get(reverse("appeals:attachment", args=[attachment.pk])).status_code == 404
    client.force_login(world.coordinator.user)
    assert client.get(reverse("appeals:attachment", args=[attachment.pk])).status_code == 404
    client.force_login(world.contact)
    download = client.get(reverse("appeals:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"evidence"


def test_filing_an_integrity_appeal_notifies_only_the_management_department(world):
    world.file_appeal("coordinator_conduct")
    told = set(Notification.objects.filter(verb="appeal_filed").values_list("recipient_id", flat=True))
    assert told == {world.manager.pk}


def test_filing_an_ordinary_appeal_notifies_the_local_customs_leader(world):
    world.file_appeal("penalty")
    told = set(Notification.objects.filter(verb="appeal_filed").values_list("recipient_id", flat=True))
    assert told == {world.leader.pk}
