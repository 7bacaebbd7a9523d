"""Discovery and requests of the access matrix (tests/portal/test_access_matrix.py).

Every route is found from the URL resolver (pages, the admin and the API's routes, which the OpenAPI
schema also lists), every admin action from the admin's registry; each gets a key. A route or action
without an entry in the matrix fails the matrix test, as does an entry for a route that no longer exists.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

DENY_REDIRECTS = ("/accounts/login/", "/admin/login/", "/accounts/two-factor/")
# What Django and our actions say when nothing was selected: the action is not offered to the user, or
# the object lies outside their queryset (Django runs an action on the selection *within* it).
DENY_MESSAGES = (
    "No action selected",
    "Items must be selected",
    "Select exactly one",
    "Select at most",
    "not one you may see",  # the workspace's bulk actions (issue 13)
)


def route_keys() -> dict[str, str]:
    """{key: route}: ``namespace:name`` for named routes, the route itself for unnamed ones; the API's
    format-suffix twins (``requests.json``) are one route with their base."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                joined = f"{namespace}:{inner}" if namespace and inner else inner or namespace
                walk(pattern.url_patterns, prefix + str(pattern.pattern), joined)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                if "(?P<format>" in route:
                    continue
                key = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name or route
                if not pattern.name:
                    key = route
                found.setdefault(key, route)

    walk(get_resolver().url_patterns, "", None)
    return found


def admin_actions() -> dict[str, tuple]:
    """{``action:app.model.name``: (model admin, name)} for every action of every registered admin."""
    actions = {}
    for model, model_admin in admin.site._registry.items():
        names = {name for _f, name, _d in (model_admin._get_base_actions())}  # type: ignore[attr-defined]
        for name in names:
            actions[f"action:{model._meta.label_lower}.{name}"] = (model_admin, name)
    return actions


@dataclass
class Outcome:
    allowed: bool
    status: int
    detail: str = ""


def classify(response, *, action: bool = False, admin_page: bool = False) -> Outcome:
    status = response.status_code
    location = response.get("Location", "") if status in (301, 302, 303) else ""
    if status >= 500:
        return Outcome(False, status, "server error")
    if response.request["PATH_INFO"].endswith("/logout/") and status in (200, 302):
        return Outcome(True, status, "signed out")
    if status in (401, 403, 404, 405, 429):
        return Outcome(False, status)
    if status == 400 and b"No such" in response.content:
        # An API write naming an object in its body ("request": id) that the user cannot see.
        return Outcome(False, status, "no such object")
    if location:
        if location.startswith(DENY_REDIRECTS) or (admin_page and location.rstrip("/").endswith("/admin")):
            return Outcome(False, status, location)
        if action:
            texts = " | ".join(str(m) for m in get_messages(response.wsgi_request))
            return Outcome(not any(t in texts for t in DENY_MESSAGES), status, texts)
        if admin_page and "/change/" not in location and location.rstrip("/").count("/") == 3:
            # Back to a changelist from an object's page: the object is out of the user's scope.
            return Outcome(False, status, location)
        return Outcome(True, status, location)
    context = getattr(response, "context_data", None) or {}
    if action:
        texts = " | ".join(str(m) for m in get_messages(response.wsgi_request))
        if any(t in texts for t in DENY_MESSAGES):
            return Outcome(False, status, texts)
        if "cl" in context:
            # The changelist again: the action is not offered to the user (Django ignores it).
            return Outcome(False, status, "the changelist again")
    if action and "queryset" in context and not context["queryset"].exists():
        return Outcome(False, status, "a confirmation page over nothing: the object is out of scope")
    return Outcome(True, status)


def fetch(client, method: str, url: str, data=None, *, action: bool = False, follow: bool = False) -> Outcome:
    """One request in a savepoint that is rolled back, and the client's cookies restored: nothing a
    request changes (a sign-out included) leaks to the next.

    ``follow``: a redirect onwards is followed once, and the request is allowed only if its target is
    too (a page that sends customs staff to the enterprise file must not open a file they may not see)."""
    admin_page = url.startswith("/admin/")
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        send = client.get if method == "GET" else client.post
        response = send(url, data or {})
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
        outcome = classify(response, action=action, admin_page=admin_page)
        if follow and outcome.allowed and outcome.status in (301, 302, 303):
            target = outcome.detail.split("#")[0]
            onwards = classify(client.get(target), admin_page=target.startswith("/admin/"))
            outcome = Outcome(onwards.allowed, onwards.status, f"{outcome.status} {target}: {onwards}")
        transaction.set_rollback(True)
    client.cookies = cookies
    return outcome
