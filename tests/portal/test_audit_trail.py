"""The audit trail (docs/ARCHITECTURE.md, "History is append-only"): every domain model keeps each
version with who made the change; its history is shown to the staff who may see the object and to
nobody else; requests, appeals, credit events, enterprises and announcements with receipts are never
hard-deleted."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

pytestmark = pytest.mark.django_db

DOMAIN_APPS = (
    "portal",
    "enterprises",
    "credit",
    "coordinators",
    "coordination",
    "appeals",
    "outreach",
    "supervision",
    "liaison",
    "compliance",
)
#: Machinery, not records of the domain: the bell, the task outbox, escalation and notice markers (a job
#: ran once for a deadline or a qualification), calendar tokens, digests already sent, django-guardian's
#: object permissions, and the daily jobs' runs and chunks (portal/chunks.py). Written by code only.
MACHINERY = {
    "portal.Notification",
    "portal.OutboxMessage",
    "portal.Escalation",
    "outreach.AnnouncementDigest",
    "outreach.CalendarToken",
    "enterprises.EnterpriseUserObjectPermission",
    "portal.DeadlineNotice",
    "coordinators.QualificationNotice",
    "portal.JobRun",
    "portal.JobChunk",
}


def domain_models():
    for config in apps.get_app_configs():
        if config.label not in DOMAIN_APPS:
            continue
        for model in config.get_models():
            if model.__name__.startswith("Historical") or model._meta.label in MACHINERY:
                continue
            yield model


def test_every_domain_model_keeps_its_history():
    missing = [
        m._meta.label for m in domain_models() if not hasattr(m._meta, "simple_history_manager_attribute")
    ]
    assert missing == []


def test_a_change_records_who_made_it(client, world):
    client.force_login(world.contact)
    response = client.post(
        "/api/requests/", {"service_type": "consulting", "subject": "审计", "description": "谁提交的"}
    )
    assert response.status_code == 201, response.content
    from coordination.models import CoordinationRequest

    version = CoordinationRequest.history.get(id=response.json()["id"])
    assert version.history_type == "+" and version.history_user == world.contact


def test_an_officer_reads_the_history_of_their_district_and_nobody_else_does(client, world):
    from coordination.models import CoordinationRequest

    client.force_login(world.contact)
    filed = client.post(
        "/api/requests/", {"service_type": "consulting", "subject": "审计", "description": "详情"}
    )
    request = CoordinationRequest.objects.get(pk=filed.json()["id"])
    url = reverse("admin:coordination_coordinationrequest_history", args=[request.pk])
    version = request.history.order_by("history_id").first()
    version_url = reverse(
        "admin:coordination_coordinationrequest_simple_history", args=[request.pk, version.history_id]
    )
    client.force_login(world.officer)
    page = client.get(url)
    assert page.status_code == 200
    assert str(world.contact) in page.content.decode()  # who filed it
    assert client.get(version_url).status_code == 200
    assert client.post(version_url, {}).status_code == 403  # shown, never reverted

    client.force_login(world.foreign_officer)
    assert client.get(url).status_code == 404
    assert client.get(version_url).status_code == 404
    user_history = reverse("admin:portal_user_history", args=[world.contact.pk])
    assert client.get(user_history).status_code == 404


@pytest.mark.parametrize("kind", ["request", "appeal", "credit_event", "enterprise"])
def test_records_are_never_deleted(world, kind):
    from credit.models import CreditEvent

    obj = {
        "request": lambda: world.file_request(),
        "appeal": lambda: world.file_appeal(),
        "credit_event": lambda: (
            CreditEvent.objects.filter(enterprise=world.enterprise).first() or pytest.skip("no credit event")
        ),
        "enterprise": lambda: world.new_enterprise(),
    }[kind]()
    model = type(obj)
    with pytest.raises(ProtectedError), transaction.atomic():
        obj.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        model.objects.filter(pk=obj.pk).delete()
    assert model.objects.filter(pk=obj.pk).exists()


def test_an_announcement_with_receipts_is_never_deleted_a_draft_is(client, world):
    from outreach.models import Announcement, AnnouncementReceipt
    from tests.factories import UserFactory

    draft = Announcement.objects.create(title="草稿", body="正文", created_by=world.officer)
    read = Announcement.objects.create(title="通知", body="正文", created_by=world.officer)
    AnnouncementReceipt.objects.create(announcement=read, user=world.contact, enterprise=world.enterprise)

    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("admin:outreach_announcement_delete", args=[read.pk])).status_code == 403
    with pytest.raises(ProtectedError), transaction.atomic():
        read.delete()
    assert AnnouncementReceipt.objects.filter(announcement=read).exists()

    assert client.get(reverse("admin:outreach_announcement_delete", args=[draft.pk])).status_code == 200
    draft.delete()
    assert not Announcement.objects.filter(pk=draft.pk).exists()
