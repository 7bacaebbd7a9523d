"""docs/OPERATIONS.md: key rotation keeps people signed in and reset links working through
SECRET_KEY_FALLBACKS, the setting is read from the environment, and the health check answers."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse

from tests.portal.test_foundation import run_django

OLD = "old-key-" + "o" * 60
NEW = "new-key-" + "n" * 60

pytestmark = pytest.mark.django_db


def test_a_rotated_key_keeps_sessions_and_reset_links_while_it_is_a_fallback(settings, world):
    from django.test import Client

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = OLD, []
    active, away = Client(), Client()
    active.force_login(world.contact)
    away.force_login(world.staff)
    token = default_token_generator.make_token(world.contact)
    home = reverse("enterprises:home")
    assert active.get(home).status_code == 200

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW, [OLD]
    assert active.get(home).status_code == 200  # still signed in; the session moves to the new key
    assert default_token_generator.check_token(world.contact, token)

    settings.SECRET_KEY_FALLBACKS = []  # the old key retired
    assert active.get(home).status_code == 200
    assert default_token_generator.check_token(world.contact, token) is False
    assert away.get(home).status_code == 302  # not seen while the old key was a fallback: signed out


def test_fallback_keys_come_from_the_environment():
    result = run_django(
        "from django.conf import settings; print(settings.SECRET_KEY_FALLBACKS)",
        DEBUG="0",
        SECRET_KEY=NEW,
        SECRET_KEY_FALLBACKS=f"{OLD},{OLD}2",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str([OLD, OLD + "2"])
