"""The journey of a coordination request in real Chromium, in Chinese and in English: a contact person
files a request with an attachment; the coordinator finds it in the workspace, replies and resolves it;
the contact person sees the reply, confirms the resolution and rates the service."""

import pytest

from coordination.models import CoordinationRequest, RequestStatus
from tests.browser.test_login import sign_in
from tests.world import PDF

# serialized_rollback: the data migrations (credit regimes, role groups, SLA targets) survive the flush.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_out(page):
    page.context.clear_cookies()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_request_journey(page, live_server, artifacts, tmp_path, world, language):
    base = live_server.url
    attachment = tmp_path / "invoice.pdf"
    attachment.write_bytes(PDF)

    # The contact person files a request with an attachment.
    sign_in(page, base, world.contact.username, language)
    assert page.locator("html").get_attribute("lang") == language
    page.screenshot(path=str(artifacts / f"request-enterprise-home-{language}.png"), full_page=True)
    page.goto(f"{base}/coordination/requests/new/")
    page.select_option("#id_service_type", "consulting")
    page.get_by_test_id("subject").fill("出口退税申报提示报关单信息不一致")
    page.fill("#id_description", "我司出口货物退税申报时系统提示报关单电子信息不一致，请协助核查。")
    page.set_input_files("#id_attachments", str(attachment))
    page.screenshot(path=str(artifacts / f"request-new-{language}.png"), full_page=True)
    page.get_by_test_id("submit-request").click()
    page.wait_for_load_state()
    request = CoordinationRequest.objects.get()
    assert page.url.endswith(f"/coordination/requests/{request.pk}/")
    assert page.get_by_test_id("attachment").first.inner_text() == "invoice.pdf"
    sign_out(page)

    # The coordinator sees it in the workspace and replies, then resolves it.
    sign_in(page, base, world.coordinator.user.username, language)
    assert page.url.endswith("/coordination/workspace/")
    row = page.get_by_test_id("queue-row").filter(has_text="出口退税申报提示报关单信息不一致")
    assert row.count() == 1
    page.screenshot(path=str(artifacts / f"request-workspace-{language}.png"), full_page=True)
    row.get_by_role("link").first.click()
    page.wait_for_load_state()
    page.fill("#id_body", "已收到，请在“单一窗口”核对报关单状态，如有误请申请修改。")
    page.get_by_test_id("send-reply").click()
    page.wait_for_load_state()
    page.locator("details", has=page.get_by_test_id("action-resolve")).locator("summary").click()
    page.get_by_test_id("resolve-form").locator("textarea").fill("报关单已修改并重新传输，企业可申报退税。")
    page.get_by_test_id("action-resolve").click()
    page.wait_for_load_state()
    page.screenshot(path=str(artifacts / f"request-detail-coordinator-{language}.png"), full_page=True)
    sign_out(page)

    # The contact person sees the reply, confirms the resolution and rates it.
    sign_in(page, base, world.contact.username, language)
    page.goto(f"{base}/coordination/requests/{request.pk}/")
    assert "请在“单一窗口”核对报关单状态" in page.get_by_test_id("message").first.inner_text()
    page.get_by_test_id("confirm-form").locator("select[name=rating]").select_option("5")
    page.get_by_test_id("confirm-form").locator("textarea[name=comment]").fill("响应及时，谢谢！")
    page.get_by_test_id("action-confirm").click()
    page.wait_for_load_state()
    assert "5/5" in page.get_by_test_id("rating").inner_text()
    page.screenshot(path=str(artifacts / f"request-detail-closed-{language}.png"), full_page=True)
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED and request.rating == 5


def test_the_request_page_works_on_a_phone_sized_screen(page, live_server, artifacts, world):
    r = world.file_request()
    sign_in(page, live_server.url, world.contact.username, "zh-hans")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/coordination/requests/{r.pk}/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.screenshot(path=str(artifacts / "request-detail-phone.png"), full_page=True)
