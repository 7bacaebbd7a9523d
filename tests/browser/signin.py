"""Signing in as a person does, in the browser: the password, then — for customs staff — the code of
their authenticator (a confirmed TOTP device is given to them first; portal/security.py)."""

from __future__ import annotations

import time

from tests.factories import PASSWORD


def sign_in(page, base_url, username, language="en", *, clear=False):
    from portal.models import User
    from portal.security import give_demo_device, needs_second_factor

    user = User.objects.get(username=username)
    device = give_demo_device(user) if needs_second_factor(user) else None
    if clear:
        page.context.clear_cookies()
    page.goto(f"{base_url}/accounts/login/")
    page.select_option("#language-select", language)
    page.wait_for_load_state()
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if device is not None:
        assert "/accounts/two-factor/" in page.url, page.url
        page.fill("#id_code", unused_code(device))
        page.click("[data-testid=two-factor-form] button[type=submit]")
        page.wait_for_load_state()


def unused_code(device) -> str:
    """The device's code now — or, when this person already signed in with it during the current 30-second
    step (a code is good once), the next step's, which the device accepts within its tolerance."""
    from django_otp.oath import TOTP

    from portal.security import current_code

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if device.last_t is not None and totp.t() <= device.last_t:
        totp.time += device.step * (device.last_t + 1 - totp.t())
        return f"{totp.token():0{device.digits}d}"
    return current_code(device)
