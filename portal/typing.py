"""Typing helpers (no runtime behaviour)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

    from portal.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a view behind ``@login_required``: ``request.user`` is never anonymous."""

    user: User
    htmx: HtmxDetails  # set by django_htmx.middleware.HtmxMiddleware on every request
