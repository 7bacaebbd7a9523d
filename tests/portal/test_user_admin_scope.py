"""Managers and officers see the accounts of their own district only — the user list, change pages by
id, search by phone and the coordinator-user autocomplete — never another district's names, phones,
e-mails or last logins."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    _ = world.contact, world.officer, world.foreign_officer, world.other_manager, world.manager
    world.other_contact.phone = "13900000077"
    world.other_contact.save(update_fields=["phone"])
    return world


def test_the_user_list_shows_the_managers_district_only(client, people):
    client.force_login(people.manager)
    response = client.get(reverse("admin:portal_user_changelist"))
    assert response.status_code == 200
    shown = {u.pk for u in response.context["cl"].result_list}
    assert people.contact.pk in shown and people.coordinator.user.pk in shown and people.officer.pk in shown
    assert people.other_contact.pk not in shown and people.foreign_officer.pk not in shown
    assert people.other_manager.pk not in shown


def test_another_districts_user_is_a_404_and_search_by_phone_finds_nothing(client, people):
    client.force_login(people.manager)
    url = reverse("admin:portal_user_change", args=[people.other_contact.pk])
    assert client.get(url).status_code in (302, 404)
    found = client.get(reverse("admin:portal_user_changelist"), {"q": "13900000077"})
    assert list(found.context["cl"].result_list) == []


def test_the_coordinator_user_autocomplete_is_scoped(client, people):
    client.force_login(people.manager)
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "coordinators", "model_name": "coordinator", "field_name": "user", "term": ""},
    )
    assert response.status_code == 200
    ids = {int(row["id"]) for row in response.json()["results"]}
    assert people.other_contact.pk not in ids and people.foreign_officer.pk not in ids
    assert people.officer.pk in ids


def test_an_administrator_sees_everyone(client, people):
    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(reverse("admin:portal_user_changelist"))
    assert people.other_contact.pk in {u.pk for u in response.context["cl"].result_list}
