"""Driving the Django admin as its users do, for the admin tests of every app (tests/<app>/test_admin.py):
run a changelist action, read the messages shown, and compare a list's queries at two sizes."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse


def run_action(client, changelist: str, action: str, objects, **data):
    """Select ``objects`` on the ``changelist`` (a URL name) and run ``action``; with ``apply="yes"`` in
    ``data`` the action's confirmation page is confirmed with the rest of ``data`` as its form."""
    payload = {"action": action, "_selected_action": [o.pk for o in objects], **data}
    return client.post(reverse(changelist), payload)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def assert_constant_queries(client, url: str, grow, django_assert_max_num_queries, limit: int = 40):
    """The page at ``url`` runs no more queries after ``grow()`` added rows than before (and at most
    ``limit``)."""
    with django_assert_max_num_queries(limit) as few:
        assert client.get(url).status_code == 200
    grow()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
