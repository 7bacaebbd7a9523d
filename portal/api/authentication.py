"""API authentication: per-user tokens for systems (``portal.tokens``), the browser's session for people.

``Authorization: Bearer gq_…`` (``Token gq_…`` is accepted too). A request without credentials gets
401 with ``WWW-Authenticate: Bearer``; an unknown, revoked or expired token gets 401 as well.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from portal import tokens
from portal.models import ApiToken

KEYWORDS = ("bearer", "token")


class TokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as “Authorization: Bearer <token>”."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid API token.")) from None
        token = tokens.authenticate(raw)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid, revoked or expired API token."))
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class TokenScope(permissions.BasePermission):
    """A token's scopes narrow what its user may do: ``read`` for safe methods, ``write`` for the rest.
    A session (a person in the browser) is not narrowed."""

    message = _("This API token may not do this: it lacks the “%(scope)s” scope.")

    def has_permission(self, request, view) -> bool:
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return True
        scope = "read" if request.method in permissions.SAFE_METHODS else "write"
        if token.allows(scope):
            return True
        self.message = TokenScope.message % {"scope": scope}  # type: ignore[misc,assignment]
        return False


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = TokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (gq_…), created under “API tokens” in the portal.",
        }
