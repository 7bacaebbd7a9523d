"""Per-user API tokens (docs/ARCHITECTURE.md, "API"): created and revoked by the user, hashed at rest.

A token reads ``gq_<prefix>_<secret>``. The secret is 32 random bytes shown once, when the token is
created; only its SHA-256 hash is stored (a token is long and random, so a fast hash suffices — no
password stretching is needed to resist guessing). ``prefix`` finds the row in one indexed lookup and
is what the user and the admin see to tell tokens apart. A revoked or expired token authenticates
nobody (401). The token acts as its user: everything stays scoped by ``visible_to``; its scopes only
narrow what the user may do (``read``: GET, HEAD, OPTIONS; ``write``: the rest).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.exceptions import DomainError, PermissionDeniedError
from portal.models import ApiToken

PREFIX = "gq_"
MAX_ACTIVE_TOKENS = 20
# last_used_at is written at most this often per token: a busy integration causes no write per call.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=5)


class TokenError(DomainError):
    pass


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_token(
    *, user, name: str, scopes, expires_on: datetime.date | None = None, now=None
) -> tuple[ApiToken, str]:
    """A new token of ``user``; returns the row and the full token text, which is never shown again."""
    now = now or timezone.now()
    name = (name or "").strip()
    scopes = sorted(set(scopes or []))
    if not user.is_active:
        raise PermissionDeniedError(_("An inactive account cannot hold API tokens."))
    if not name:
        raise TokenError(_("Name the token after the system that will use it."))
    if not scopes or any(s not in ApiToken.Scope.values for s in scopes):
        raise TokenError(_("Choose what the token may do: read, write or both."))
    expires_at = None
    if expires_on is not None:
        if expires_on <= timezone.localdate(now):
            raise TokenError(_("A token expires on a future date."))
        expires_at = timezone.make_aware(datetime.datetime.combine(expires_on, datetime.time.min))
    active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True).count()
    if active >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            _("You already hold %(n)d API tokens; revoke one you no longer use first.") % {"n": active}
        )
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    secret = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=prefix,
        key_hash=_hash(secret),
        scopes=scopes,
        created_at=now,
        expires_at=expires_at,
    )
    return token, secret


@transaction.atomic
def revoke_token(*, token: ApiToken, actor, now=None) -> ApiToken:
    """Revoke ``token``: its owner or an administrator. Revoking twice changes nothing."""
    if actor.pk != token.user_id and not actor.is_superuser:
        raise PermissionDeniedError(_("Only the token's owner or an administrator revokes it."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = now or timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def authenticate(raw: str, *, now=None) -> ApiToken | None:
    """The active token ``raw`` names, with its user, or None (unknown, revoked, expired, inactive user)."""
    raw = (raw or "").strip()
    if not raw.startswith(PREFIX) or raw.count("_") < 2:
        return None
    prefix = raw[len(PREFIX) :].split("_", 1)[0]
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.key_hash, _hash(raw)):
        return None
    now = now or timezone.now()
    if not token.is_active or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
