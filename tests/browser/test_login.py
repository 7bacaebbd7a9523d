"""A person signs in through the real login page in headless Chromium and lands on their start page,
in Chinese and in English; customs staff enter their second-factor code first (``sign_in`` is shared
with the journeys, tests/browser/signin.py)."""

import pytest

from portal.roles import Role
from tests.browser.signin import sign_in
from tests.factories import PASSWORD, LocalCustomsFactory, customs_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("language", "title", "role_label"),
    [("zh-hans", "工作台", "协调员"), ("en", "Workspace", "Coordinator")],
)
def test_coordinator_signs_in_and_sees_the_workspace(
    page, live_server, artifacts, language, title, role_label
):
    user = customs_user(Role.COORDINATOR, LocalCustomsFactory(), username=f"coord-{language}")
    sign_in(page, live_server.url, user.username, language)
    assert page.url.endswith("/coordination/workspace/")
    assert title in page.locator("h1").first.inner_text()
    assert role_label in page.get_by_test_id("current-role").inner_text()
    page.screenshot(path=str(artifacts / f"login-coordinator-{language}.png"), full_page=True)


def test_wrong_password_shows_a_clear_error(page, live_server):
    customs_user(Role.COORDINATOR, LocalCustomsFactory(), username="coord-wrong")
    page.goto(f"{live_server.url}/accounts/login/")
    page.select_option("#language-select", "en")
    page.wait_for_load_state()
    page.fill("#id_username", "coord-wrong")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    assert "correct username and password" in page.locator(".alert-danger").inner_text()


def test_a_new_officer_enrols_an_authenticator_in_the_browser_and_reaches_the_admin(page, live_server):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from portal.security import current_code

    officer = customs_user(Role.CUSTOMS_OFFICER, LocalCustomsFactory(), username="officer-enrol")
    page.goto(f"{live_server.url}/accounts/login/")
    page.select_option("#language-select", "en")  # the language switch submits itself (no inline handler)
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.fill("#id_username", officer.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/two-factor/" in page.url and page.get_by_test_id("totp-key").inner_text()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    page.fill("#id_code", current_code(device))
    page.click("[data-testid=enrol-form] button[type=submit]")
    page.wait_for_load_state()
    assert page.get_by_test_id("backup-codes").locator("li").count() == 10
    page.goto(f"{live_server.url}/admin/")
    assert page.locator("#site-name").count() == 1  # the admin, under the CSP
