"""Portal-wide pages: home (role routing), the officer's desk, health check, notifications, API tokens,
the favicon."""

from __future__ import annotations

import redis
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from portal import desk, tokens
from portal.exceptions import DomainError
from portal.forms import ApiTokenForm
from portal.models import ApiToken
from portal.roles import Role
from portal.typing import AuthenticatedHttpRequest

NOTIFICATIONS_SHOWN = 100

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
    """The officer's desk: each queue an officer works (``portal.registry.desk_queues``) with its count —
    bounded, "1,000+" beyond the cap, so the desk stays fast at a million enterprises — its overdue
    part, the first items by deadline and a link into the filtered admin list."""
    if not request.user.has_role(Role.CUSTOMS_OFFICER, Role.MANAGER, Role.ADMINISTRATOR):
        return render(request, "403.html", status=403)
    return render(request, "portal/officer_home.html", {"queues": desk.queues_for(request)})


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
    """The bell: the user's latest notifications, in the reader's language; POST marks all read."""
    if request.method == "POST":
        request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("portal:notifications")
    items = list(request.user.notifications.all()[:NOTIFICATIONS_SHOWN])
    return render(request, "portal/notifications.html", {"items": items})


@login_required
def open_notification(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Opening a notification marks it read and follows its link (only the recipient's own: else 404)."""
    notification = get_object_or_404(request.user.notifications, pk=pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    target = notification.url
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect("portal:notifications")
    return redirect(target)


class LoginView(auth_views.LoginView):
    """Sign-in; remembers the browser's language for the e-mails and notifications of a user who never
    chose one."""

    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        language = getattr(self.request, "LANGUAGE_CODE", "")
        if language and language != user.browser_language:
            type(user).objects.filter(pk=user.pk).update(browser_language=language)
        return response


@login_required
@require_POST
def set_language(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The header's language switch: remembered for the user (pages, notifications and e-mails)."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    if language in dict(settings.LANGUAGES):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


@login_required
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The user's API tokens: create one (its secret is shown once, on this response only) or revoke one."""
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = tokens.create_token(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_on=form.cleaned_data["expires_on"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            form = ApiTokenForm()
    items = list(ApiToken.objects.filter(user=request.user).order_by("-created_at", "-id")[:100])
    response = render(
        request,
        "portal/api_tokens.html",
        {"form": form, "items": items, "secret": secret},
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke_api_token(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.revoke_token(token=token, actor=request.user)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("portal:api_tokens")


def favicon(request: HttpRequest) -> HttpResponse:
    """``/favicon.ico``, which browsers ask for whatever the page links: the vendored icon."""
    return redirect(static("img/favicon.ico"), permanent=True)
