"""Journey in headless Chromium: the contact person reports a change of registration data and sees it
pending, with the before and after values."""

import pytest
from django.contrib.auth.models import Group

from portal.roles import Role
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_contact_person_reports_a_change_and_sees_it_pending(page, live_server, artifacts, world):
    for name in Role.values:  # a transactional test may start after a flush of the migrations' rows
        Group.objects.get_or_create(name=name)
    enterprise = world.new_enterprise(registered_address="北京市朝阳区旧址1号")
    user = world.new_contact(enterprise, username="contact-journey")
    page.goto(f"{live_server.url}/accounts/login/")
    page.select_option("#language-select", "en")
    page.wait_for_load_state()
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/enterprise/registration/")
    assert "北京市朝阳区旧址1号" in page.get_by_test_id("address").inner_text()
    page.get_by_test_id("propose-change").click()
    page.fill("#id_registered_address", "北京市顺义区新址18号")
    page.fill("#id_note", "搬迁")
    page.get_by_test_id("submit-change").click()
    page.wait_for_load_state()
    change = page.get_by_test_id("registration-change").first
    assert change.get_attribute("data-status") == "pending"
    row = change.get_by_test_id("change-row-registered_address").inner_text()
    assert "北京市朝阳区旧址1号" in row and "北京市顺义区新址18号" in row
    # Nothing changes until customs accepts.
    assert "北京市朝阳区旧址1号" in page.get_by_test_id("address").inner_text()
    page.screenshot(path=str(artifacts / "registration-change-pending.png"), full_page=True)
