"""A person signs in through the real login page in headless Chromium and lands on their start page,
in Chinese and in English."""

import pytest

from portal.roles import Role
from tests.factories import PASSWORD, LocalCustomsFactory, customs_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, username, language):
    page.goto(f"{base_url}/accounts/login/")
    page.select_option("#language-select", language)
    page.wait_for_load_state()
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


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
