"""API tokens for systems: created and revoked by their user, hashed at rest, listed in the admin; a
token reads and writes what its user may, narrowed by its scopes."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from portal import tokens
from portal.exceptions import DomainError
from portal.models import ApiToken

pytestmark = pytest.mark.django_db


def bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_a_token_is_shown_once_and_stored_only_as_a_hash(world):
    token, secret = tokens.create_token(user=world.contact, name="ERP", scopes=["read"])
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret.startswith(f"gq_{stored.prefix}_")
    assert secret not in (stored.key_hash, stored.prefix) and len(stored.key_hash) == 64
    assert tokens.authenticate(secret).user == world.contact
    assert tokens.authenticate(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None


def test_bad_token_requests_change_nothing(world):
    for kwargs in (
        {"name": "", "scopes": ["read"]},
        {"name": "ERP", "scopes": []},
        {"name": "x", "scopes": ["admin"]},
    ):
        with pytest.raises(DomainError):
            tokens.create_token(user=world.contact, **kwargs)
    with pytest.raises(DomainError):
        tokens.create_token(
            user=world.contact,
            name="x",
            scopes=["read"],
            expires_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert not ApiToken.objects.exists()


def test_an_erp_reads_its_enterprise_with_a_token_and_nothing_else(world):
    mine = world.file_request(subject="出口退税")
    theirs = world.file_request(world.new_party(), subject="别家的申请")
    _token, secret = tokens.create_token(user=world.contact, name="ERP", scopes=["read"])
    client = bearer(secret)
    listing = client.get("/api/requests/")
    assert listing.status_code == 200
    assert [r["id"] for r in listing.json()["results"]] == [mine.pk]
    assert client.get(f"/api/requests/{theirs.pk}/").status_code == 404
    assert client.get(f"/api/enterprises/{theirs.enterprise_id}/").status_code == 404
    profile = client.get(f"/api/enterprises/{world.enterprise.pk}/").json()
    assert profile["uscc"] == world.enterprise.uscc and profile["rating"]["is_aeo"] is True


def test_a_read_only_token_cannot_write_and_a_write_token_can(world):
    _t, read_only = tokens.create_token(user=world.contact, name="ERP", scopes=["read"])
    payload = {"service_type": "consulting", "subject": "ERP 申请", "description": "详情"}
    refused = bearer(read_only).post("/api/requests/", payload, format="json")
    assert refused.status_code == 403 and "write" in refused.json()["detail"]
    assert not world.enterprise.coordination_requests.exists()
    _t, writer = tokens.create_token(user=world.contact, name="ERP sync", scopes=["read", "write"])
    created = bearer(writer).post("/api/requests/", payload, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["subject"] == "ERP 申请"


def test_revoked_expired_unknown_and_missing_tokens_are_401(world):
    token, secret = tokens.create_token(user=world.contact, name="ERP", scopes=["read"])
    assert bearer(secret).get("/api/requests/").status_code == 200
    tokens.revoke_token(token=token, actor=world.contact)
    assert bearer(secret).get("/api/requests/").status_code == 401
    expiring, expired = tokens.create_token(
        user=world.contact,
        name="old",
        scopes=["read"],
        expires_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    ApiToken.objects.filter(pk=expiring.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert bearer(expired).get("/api/requests/").status_code == 401
    assert bearer("gq_nothing_here").get("/api/requests/").status_code == 401
    anonymous = APIClient().get("/api/requests/")
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"].startswith("Bearer")


def test_only_the_owner_revokes_a_token(client, world):
    token, secret = tokens.create_token(user=world.contact, name="ERP", scopes=["read"])
    client.force_login(world.staff)
    assert client.post(reverse("portal:revoke_api_token", args=[token.pk])).status_code == 404
    with pytest.raises(DomainError):
        tokens.revoke_token(token=token, actor=world.staff)
    assert bearer(secret).get("/api/requests/").status_code == 200


def test_the_token_page_creates_shows_once_and_revokes(client, world):
    client.force_login(world.contact)
    page = client.post(reverse("portal:api_tokens"), {"name": "ERP", "scopes": ["read", "write"]})
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    secret = page.context["secret"]
    assert secret in page.content.decode()
    token = ApiToken.objects.get(user=world.contact)
    assert token.scopes == ["read", "write"]
    again = client.get(reverse("portal:api_tokens")).content.decode()
    assert secret not in again and f"gq_{token.prefix}" in again
    client.post(reverse("portal:revoke_api_token", args=[token.pk]))
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    bad = client.post(reverse("portal:api_tokens"), {"name": "", "scopes": []})
    assert bad.status_code == 400 and ApiToken.objects.count() == 1


def test_administrators_list_and_revoke_tokens_in_the_admin_without_seeing_secrets(client, world):
    from tests.factories import UserFactory

    token, secret = tokens.create_token(user=world.contact, name="ERP", scopes=["read"])
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get(reverse("admin:portal_apitoken_changelist")).content.decode()
    assert token.prefix in listing and secret not in listing
    client.post(
        reverse("admin:portal_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    client.force_login(world.officer)
    assert client.get(reverse("admin:portal_apitoken_changelist")).status_code == 403
