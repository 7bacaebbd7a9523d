"""The admin shows officers a request's history (transitions, thread, handlers, transfers), and a
published answer's source request and coordinator only to the customs who may see that request."""

from __future__ import annotations

import pytest
from django.urls import reverse

from coordination import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def answer(world):
    r = world.file_request(subject="出口退税问题", description="申报失败。")
    coordinator = world.coordinator.user
    r = services.resolve(
        request=services.accept(request=r, actor=coordinator), actor=coordinator, summary="重新申报。"
    )
    return services.publish_answer(
        request=r,
        actor=coordinator,
        title="退税",
        question="问题",
        answer="答复",
        publish_despite_identity=True,
    )


def test_an_officer_sees_the_requests_history_in_the_admin(client, world):
    r = world.file_request()
    services.accept(request=r, actor=world.coordinator.user)
    client.force_login(world.officer)
    response = client.get(reverse("admin:coordination_coordinationrequest_change", args=[r.pk]))
    assert response.status_code == 200
    inlines = {
        f.opts.model._meta.model_name: len(f.formset.queryset)
        for f in response.context["inline_admin_formsets"]
    }
    assert inlines.get("requesttransition", 0) >= 2  # filed, accepted
    assert "requestmessage" in inlines and "requesthandler" in inlines


def test_another_districts_officer_sees_the_answer_without_its_source(client, world, answer):
    client.force_login(world.foreign_officer)
    url = reverse("admin:coordination_publishedanswer_change", args=[answer.pk])
    response = client.get(url)
    assert response.status_code == 200
    fields = response.context["adminform"].form.fields.keys() | {
        f
        for line in response.context["adminform"]
        for row in line
        for f in [getattr(row, "field", None)]
        if f
    }
    content = response.content.decode()
    assert world.coordinator.user.display_name not in content
    assert str(answer.source_request) not in content
    assert "source_request" not in str(fields)
    listing = client.get(reverse("admin:coordination_publishedanswer_changelist")).content.decode()
    assert world.coordinator.user.display_name not in listing
    assert client.post(url, {"is_withdrawn": "on"}).status_code == 403


def test_the_officer_of_the_district_sees_the_source(client, world, answer):
    client.force_login(world.officer)
    response = client.get(reverse("admin:coordination_publishedanswer_change", args=[answer.pk]))
    assert world.coordinator.user.display_name in response.content.decode()
