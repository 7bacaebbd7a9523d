"""A coordination request of the "appeals" service type becomes an appeal; the request is closed as
converted; a complaint about a coordinator cannot be routed through a coordinator."""

from __future__ import annotations

import pytest
from django.urls import reverse

from appeals import services
from appeals.models import Appeal
from coordination.services import file_request
from portal.exceptions import DomainError

pytestmark = pytest.mark.django_db


def appeals_request(world):
    return file_request(
        enterprise=world.enterprise,
        author=world.contact,
        service_type="appeals",
        subject="Penalty decision 2026-17",
        description="We contest the fine.",
    )


def test_coordinator_converts_an_appeals_request_into_an_appeal_once(world, client):
    request = appeals_request(world)
    client.force_login(world.coordinator.user)
    url = reverse("appeals:from_request", args=[request.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"appeal_type": "penalty", "note": "Heard at the premises."})
    appeal = Appeal.objects.get()
    request.refresh_from_db()
    assert (appeal.source_request_id, appeal.filed_by, appeal.grounds) == (
        request.pk,
        world.contact,
        "We contest the fine.",
    )
    assert request.converted_appeal_id == appeal.pk
    with pytest.raises(DomainError):
        services.appeal_from_request(request=request, actor=world.coordinator.user, appeal_type="penalty")
    assert Appeal.objects.count() == 1


def test_a_complaint_about_a_coordinator_is_not_converted_by_a_coordinator(world):
    request = appeals_request(world)
    with pytest.raises(DomainError):
        services.appeal_from_request(
            request=request, actor=world.coordinator.user, appeal_type="coordinator_conduct"
        )
    assert not Appeal.objects.exists()


def test_an_enterprise_user_cannot_convert(world, client):
    request = appeals_request(world)
    client.force_login(world.contact)
    assert (
        client.post(
            reverse("appeals:from_request", args=[request.pk]), {"appeal_type": "penalty"}
        ).status_code
        == 403
    )
    assert not Appeal.objects.exists()
