"""Signing in as a person does, in the browser: the password, then — for customs staff — the code of
their authenticator (a confirmed TOTP device is given to them first; portal/security.py)."""

from __future__ import annotations

from tests.factories import PASSWORD


def sign_in(page, base_url, username, language="en", *, clear=False):
    from portal.models import User
    from portal.security import current_code, give_demo_device, needs_second_factor

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
        page.fill("#id_code", current_code(device))
        page.click("[data-testid=two-factor-form] button[type=submit]")
        page.wait_for_load_state()
