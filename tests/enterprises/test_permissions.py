"""Object access: each boundary proved through Enterprise.objects.visible_to and through the pages
(guessing ids gives a 404)."""

import pytest
from django.urls import reverse

from coordinators import services as coordination
from coordinators.models import RecusalReason
from enterprises import scoping as permissions
from enterprises import services
from enterprises.models import Enterprise
from portal.roles import Role
from tests.factories import UserFactory, member


def _visible(user):
    user.__dict__.pop("roles", None)
    return set(Enterprise.objects.visible_to(user).values_list("pk", flat=True))


def test_enterprise_member_sees_only_their_enterprise(world):
    own, other = world.new_enterprise(), world.new_enterprise()
    assert _visible(member(own)) == {own.pk}
    assert _visible(member(own, role=Role.ENTERPRISE_STAFF)) == {own.pk}
    assert other.pk not in _visible(member(own, role=Role.ENTERPRISE_STAFF))


def test_coordinator_sees_only_assigned_enterprises(world):
    a, b = world.new_coordinator(), world.new_coordinator()
    assigned = world.new_paired_enterprise(a, b)
    world.new_enterprise()  # same office, not assigned
    assert _visible(a.user) == {assigned.pk}


def test_coordinator_stops_seeing_an_enterprise_when_the_pair_ends(world):
    a, b = world.new_coordinator(), world.new_coordinator()
    enterprise = world.new_paired_enterprise(a, b)
    coordination.assign_pair(
        enterprise=enterprise, coordinators=[world.new_coordinator(), world.new_coordinator()]
    )
    assert _visible(a.user) == set()


def test_recused_coordinator_never_sees_the_enterprise_even_with_a_grant(world):
    a, b = world.new_coordinator(), world.new_coordinator()
    enterprise = world.new_paired_enterprise(a, b)
    coordination.declare_recusal(
        coordinator=a, enterprise=enterprise, reason=RecusalReason.KINSHIP, actor=world.manager
    )
    permissions.grant(permissions.VIEW, a.user, enterprise)  # a stray grant must not help
    assert enterprise.pk not in _visible(a.user)


def test_officers_and_managers_see_their_district(world):
    home = world.new_enterprise()
    sibling_office = world.new_enterprise(office=world.other_office)
    foreign = world.new_enterprise(office=world.foreign_office)
    assert _visible(world.officer) == {home.pk, sibling_office.pk}
    assert _visible(world.manager) == {home.pk, sibling_office.pk}
    assert _visible(world.foreign_officer) == {foreign.pk}


def test_administrator_sees_all(world):
    enterprises = {world.new_enterprise().pk, world.new_enterprise(office=world.foreign_office).pk}
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    assert _visible(admin) >= enterprises


def test_user_without_role_sees_nothing(world):
    world.new_enterprise()
    assert _visible(UserFactory()) == set()


# --- Through the pages -----------------------------------------------------------------------------------


@pytest.fixture
def pages(world, client):
    enterprise, other = world.new_enterprise(), world.new_enterprise()
    user, other_user = member(enterprise), member(other)
    change = services.submit_registration_change(
        enterprise=enterprise, submitted_by=user, new_values={"phone": "1"}
    )
    return {
        "enterprise": enterprise,
        "other": other,
        "user": user,
        "other_user": other_user,
        "change": change,
    }


def _urls(p):
    e, c = p["enterprise"], p["change"]
    return [
        reverse("enterprises:registration", args=[e.pk]),
        reverse("enterprises:propose_change", args=[e.pk]),
        reverse("enterprises:registration_change", args=[e.pk, c.pk]),
    ]


def test_member_reaches_their_registration_pages(client, pages):
    client.force_login(pages["user"])
    for url in _urls(pages):
        assert client.get(url).status_code == 200, url


def test_member_of_another_enterprise_gets_404_on_guessed_ids(client, pages):
    client.force_login(pages["other_user"])
    for url in _urls(pages):
        assert client.get(url).status_code == 404, url
    # Their own enterprise id with the other enterprise's change id is a 404 too.
    url = reverse("enterprises:registration_change", args=[pages["other"].pk, pages["change"].pk])
    assert client.get(url).status_code == 404


def test_customs_staff_who_see_the_enterprise_are_sent_to_its_file(client, world, pages):
    """The enterprise's own coordinator (and its district's officer) reading its registration land on the
    enterprise file; proposing a change stays the members' (404)."""
    a, b = world.new_coordinator(), world.new_coordinator()
    coordination.assign_pair(enterprise=pages["enterprise"], coordinators=[a, b])
    registration, propose, change = _urls(pages)
    file_url = reverse("enterprises:file", args=[pages["enterprise"].pk]) + "#section-profile"
    for user in (world.officer, a.user):
        client.force_login(user)
        assert client.get(registration)["Location"] == file_url, user
        assert client.get(change)["Location"] == file_url, user
        assert client.get(propose).status_code == 404, user


def test_customs_staff_who_may_not_see_the_enterprise_get_404(client, world, pages):
    client.force_login(world.foreign_officer)
    for url in _urls(pages):
        assert client.get(url).status_code == 404, url


def test_posting_a_change_for_another_enterprise_is_a_404(client, pages):
    client.force_login(pages["other_user"])
    response = client.post(
        reverse("enterprises:propose_change", args=[pages["enterprise"].pk]), {"name_zh": "X"}
    )
    assert response.status_code == 404


def test_my_registration_redirects_to_the_members_enterprise(client, pages):
    client.force_login(pages["user"])
    response = client.get(reverse("enterprises:my_registration"))
    assert response["Location"] == reverse("enterprises:registration", args=[pages["enterprise"].pk])
