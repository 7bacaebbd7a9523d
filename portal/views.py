"""Portal-wide pages: home (role routing), health check, notifications."""

from __future__ import annotations

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache

from portal.roles import Role
from portal.typing import AuthenticatedHttpRequest

START_PAGES = {
    Role.ADMINISTRATOR: "admin:index",
    Role.MANAGER: "supervision:dashboard",
    Role.CUSTOMS_OFFICER: "portal:officer_home",
    Role.COORDINATOR: "coordination:workspace",
    Role.CONTACT_PERSON: "enterprises:home",
    Role.ENTERPRISE_STAFF: "enterprises:home",
}


def start_page_for(user) -> str:
    role = user.primary_role
    if role is None:
        return reverse("portal:no_role")
    try:
        return reverse(START_PAGES[role])
    except NoReverseMatch:
        return reverse("portal:no_role")


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect(start_page_for(request.user))


@login_required
def no_role(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "portal/no_role.html")


@login_required
def officer_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.CUSTOMS_OFFICER, Role.MANAGER, Role.ADMINISTRATOR):
        return render(request, "403.html", status=403)
    return render(request, "portal/officer_home.html")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and Redis reachability: 200 when both answer, 503 otherwise."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        checks["redis"] = "ok"
    except Exception as exc:
        checks["redis"] = f"error: {exc.__class__.__name__}"
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


@login_required
def notifications(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The bell: the user's latest notifications; opening the page marks them read."""
    items = list(request.user.notifications.all()[:100])
    if request.method == "POST":
        from django.utils import timezone

        request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("portal:notifications")
    return render(request, "portal/notifications.html", {"items": items})
