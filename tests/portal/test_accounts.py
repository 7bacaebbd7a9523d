"""Accounts: lockout after repeated wrong passwords (django-axes, counted in the database), the TOTP
second factor of customs staff (enrol, verify, backup codes; the admin and the API behind it), password
reset by e-mail, stronger passwords, the idle timeout of staff sessions."""

from __future__ import annotations

import re
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal import security
from tests.factories import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.password_only]


def sign_in(client, user, password=PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


# --- Lockout --------------------------------------------------------------------------------------


def test_the_fifth_wrong_password_locks_the_username_even_for_the_right_password(client, world):
    contact = world.contact
    for _ in range(4):
        assert sign_in(client, contact, "wrong-password").status_code == 200  # the form again
    locked = sign_in(client, contact, "wrong-password")
    assert locked.status_code == 429
    assert AccessAttempt.objects.filter(username=contact.username).exists()  # counted in the database
    right = sign_in(client, contact)
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    # Another user is not affected.
    assert sign_in(client, world.staff).status_code == 302


def test_a_success_before_the_limit_resets_the_count(client, world):
    for _ in range(3):
        sign_in(client, world.contact, "wrong-password")
    assert sign_in(client, world.contact).status_code == 302
    client.logout()
    for _ in range(3):
        sign_in(client, world.contact, "wrong-password")
    assert sign_in(client, world.contact).status_code == 302


# --- Second factor --------------------------------------------------------------------------------


def test_staff_enrol_a_totp_device_and_get_backup_codes_before_anything_else(client, world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # (a wrong code otherwise delays the next try by a second)
    officer = world.officer
    assert sign_in(client, officer).status_code == 302
    for url in ("/admin/", reverse("portal:officer_home")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("two_factor"))
    assert client.get("/api/requests/").status_code == 403
    enrol = client.get(reverse("two_factor"))
    key = enrol.context["key"]
    assert key and enrol.context["uri"].startswith("otpauth://totp/")
    assert client.post(reverse("two_factor"), {"code": "000000"}).context["form"].errors
    device = security.pending_totp(officer)
    page = client.post(reverse("two_factor"), {"code": security.current_code(device)})
    codes = page.context["codes"]
    assert len(codes) == 10
    assert client.get("/admin/").status_code == 200  # verified: the admin opens


def test_a_backup_code_signs_in_once(client, world):
    officer = world.officer
    device = security.pending_totp(officer)
    device.confirmed = True
    device.save()
    code = security.new_backup_codes(officer)[0]
    sign_in(client, officer)
    assert client.post(reverse("two_factor"), {"code": code}).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.logout()
    sign_in(client, officer)
    again = client.post(reverse("two_factor"), {"code": code})
    assert again.status_code == 200 and again.context["form"].errors  # used up
    assert client.get("/admin/").status_code == 302


def test_enterprise_users_need_no_second_factor(client, world):
    assert sign_in(client, world.contact).status_code == 302
    assert client.get(reverse("enterprises:home")).status_code == 200


def test_the_demo_code_command_refuses_without_debug(world, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_code", world.officer.username)


# --- Passwords ------------------------------------------------------------------------------------


def test_weak_passwords_are_refused_and_staff_need_twelve_characters(world):
    with pytest.raises(ValidationError):
        validate_password("aaaaaaaaaaaaaaaa", world.contact)
    with pytest.raises(ValidationError):
        validate_password("Tq7#vz2!pk", world.officer)  # 10: enough for an enterprise, not for staff
    validate_password("Tq7#vz2!pk", world.contact)
    validate_password("Tq7#vz2!pk-Lm", world.officer)


def test_password_reset_by_e_mail(client, world):
    contact = world.contact
    contact.email = "zhang@example.test"
    contact.save(update_fields=["email"])
    response = client.post(reverse("password_reset"), {"email": "zhang@example.test"})
    assert response.status_code == 302 and len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    weak = client.post(set_url, {"new_password1": "aaaaaaaaaaaaaaaa", "new_password2": "aaaaaaaaaaaaaaaa"})
    assert weak.status_code == 200 and weak.context["form"].errors
    done = client.post(
        set_url, {"new_password1": "Lantern-Harbour-58", "new_password2": "Lantern-Harbour-58"}
    )
    assert done.status_code == 302
    assert sign_in(client, contact, "Lantern-Harbour-58").status_code == 302
    # The link works once.
    assert client.get(link, follow=True).context["validlink"] is False


# --- Idle timeout ---------------------------------------------------------------------------------


def test_an_idle_staff_session_ends_and_an_enterprise_session_does_not(client, world, settings):
    settings.GUANQI = {"STAFF_IDLE_TIMEOUT_MINUTES": 30}
    officer_client = client
    officer_client.force_login(world.officer)
    session = officer_client.session
    session[security.LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    response = officer_client.get(reverse("portal:officer_home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in officer_client.session

    from django.test import Client

    enterprise_client = Client()
    enterprise_client.force_login(world.contact)
    session = enterprise_client.session
    session[security.LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    assert enterprise_client.get(reverse("enterprises:home")).status_code == 200


def test_every_page_carries_a_content_security_policy_without_unsafe_inline(client, world):
    client.force_login(world.contact)
    policy = client.get(reverse("enterprises:home"))["Content-Security-Policy"]
    assert (
        "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    )
    assert "Content-Security-Policy" in client.get("/admin/login/").headers
