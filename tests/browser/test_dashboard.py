"""A manager opens the workload dashboard in headless Chromium, filters it to one local customs, sees
the overloaded coordinator highlighted, and downloads the coordinator table as CSV and Excel."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.browser import signin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, base_url, username):
    signin.sign_in(page, base_url, username)


def test_manager_filters_the_dashboard_and_downloads_exports(page, live_server, artifacts, world):
    airport, harbour = world.office, world.other_office
    heavy, b, c, _d = world.new_coordinators(4, airport)
    world.assign(heavy, b, 4)
    world.assign(heavy, c, 2)
    world.new_coordinator(harbour)

    sign_in(page, live_server.url, world.manager.username)
    assert page.url.endswith("/supervision/")
    assert page.get_by_test_id("coordinator-row").count() == 5

    page.select_option("#id_office", str(airport.pk))
    page.get_by_test_id("apply-filters").click()
    page.wait_for_load_state()
    rows = page.get_by_test_id("coordinator-row")
    assert rows.count() == 4
    overloaded = page.locator("[data-testid=coordinator-row][data-overloaded]")
    assert overloaded.count() == 1
    assert overloaded.first.get_attribute("data-coordinator") == str(heavy.pk)
    assert page.get_by_test_id("chart-load").is_visible()
    page.screenshot(path=str(artifacts / "dashboard-filtered.png"), full_page=True)

    with page.expect_download() as csv_download:
        page.get_by_test_id("export-coordinators-csv").click()
    text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    assert heavy.user.display_name in text
    assert len(text.strip().splitlines()) == 5  # header + the 4 filtered coordinators

    with page.expect_download() as xlsx_download:
        page.get_by_test_id("export-coordinators-xlsx").click()
    sheet = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes())).active
    assert sheet.max_row == 5
