"""Journey: an enterprise files an appeal in the portal; an officer triages it in the admin (assign,
decide with reasons) in headless Chromium; the enterprise reads the decision."""

from __future__ import annotations

import pytest

from appeals.models import Appeal
from tests.browser import signin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, username):
    signin.sign_in(page, base_url, username, clear=True)


def test_an_officer_triages_an_appeal_end_to_end(page, live_server, artifacts, world):
    contact, officer = world.contact, world.officer

    sign_in(page, live_server.url, contact.username)
    page.goto(f"{live_server.url}/appeals/new/")
    page.select_option("#id_appeal_type", "penalty")
    page.fill("#id_subject", "Fine miscalculated")
    page.fill("#id_grounds", "The customs value used was wrong.")
    page.get_by_test_id("submit-appeal").click()
    page.wait_for_load_state()
    appeal = Appeal.objects.get()
    assert "Submitted" in page.get_by_test_id("appeal-status").inner_text()

    sign_in(page, live_server.url, officer.username)
    page.goto(f"{live_server.url}/admin/appeals/appeal/{appeal.pk}/change/")
    page.get_by_test_id("appeal-assign").click()
    page.select_option("#id_officer", str(officer.pk))
    page.get_by_test_id("confirm").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/admin/appeals/appeal/{appeal.pk}/change/")
    page.get_by_test_id("appeal-decide").click()
    page.select_option("#id_outcome", "partly_upheld")
    page.fill("#id_reasons", "The fine is reduced; the rest stands.")
    page.screenshot(path=str(artifacts / "appeal-decide.png"), full_page=True)
    page.get_by_test_id("confirm").click()
    page.wait_for_load_state()
    appeal.refresh_from_db()
    assert (appeal.status, appeal.outcome, appeal.assigned_to_id) == ("decided", "partly_upheld", officer.pk)

    sign_in(page, live_server.url, contact.username)
    page.goto(f"{live_server.url}/appeals/{appeal.pk}/")
    assert "The fine is reduced; the rest stands." in page.get_by_test_id("decision-reasons").inner_text()
    page.screenshot(path=str(artifacts / "appeal-decided-portal.png"), full_page=True)
