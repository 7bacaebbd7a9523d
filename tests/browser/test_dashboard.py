"""A manager opens the workload dashboard in headless Chromium, filters it to one local customs, sees
the overloaded coordinator highlighted, and downloads the coordinator table as CSV and Excel."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from coordinators.services import assign_pair
from portal.roles import Role
from tests.factories import (
    PASSWORD,
    CoordinatorFactory,
    LocalCustomsFactory,
    management_manager,
    rated_enterprise,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, base_url, username):
    page.goto(f"{base_url}/accounts/login/")
    page.select_option("#language-select", "en")
    page.wait_for_load_state()
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_manager_filters_the_dashboard_and_downloads_exports(page, live_server, artifacts):
    airport = LocalCustomsFactory(name_en="Airport Customs")
    harbour = LocalCustomsFactory(district=airport.district, name_en="Harbour Customs")
    heavy, b, c, _d = (CoordinatorFactory(local_customs=airport) for _ in range(4))
    for partner, count in ((b, 4), (c, 2)):
        for _ in range(count):
            assign_pair(enterprise=rated_enterprise(local_customs=airport), coordinators=[heavy, partner])
    CoordinatorFactory(local_customs=harbour)
    manager = management_manager(airport.district, username="manager-browser")
    manager.groups.add(*type(manager.groups.first()).objects.filter(name=Role.CUSTOMS_OFFICER))

    sign_in(page, live_server.url, manager.username)
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
