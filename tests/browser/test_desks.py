"""Every role's desk in real Chromium, in Chinese and in English: the coordinator finds an enterprise they
serve in "My enterprises" and reads its file (credit, requests, documents); the officer's desk counts
an appeal and opens the filtered admin list; a question typed in full in Chinese (出口退税怎么办) finds
the request and the published answer about 退税, and nothing else."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from coordination import services as request_services
from enterprises import services as enterprise_services
from tests.browser.test_login import sign_in
from tests.world import pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["zh-hans", "en"]


def words(language: str, zh: str, en: str) -> str:
    return zh if language == "zh-hans" else en


def shown(enterprise, language: str) -> str:
    """The enterprise's name as the page shows it in ``language``."""
    return words(language, enterprise.name_zh, enterprise.name_en or enterprise.name_zh)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_coordinator_reads_the_enterprise_file(page, live_server, artifacts, world, language):
    base = live_server.url
    enterprise = world.enterprise
    others = world.assign(world.coordinator, world.partner, 2)
    stranger = world.new_party(world.office).enterprise  # another pair's enterprise of the office
    world.file_request(subject="出口退税申报失败", files=[pdf("报关单.pdf")])
    enterprise_services.submit_registration_change(
        enterprise=enterprise,
        submitted_by=world.contact,
        new_values={"phone": "010-12345678"},
        note="新营业执照",
        files=[pdf("营业执照.pdf")],
    )

    sign_in(page, base, world.coordinator.user.username, language)
    page.goto(f"{base}/coordination/workspace/")
    page.get_by_test_id("my-enterprises").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("page-title").inner_text() == words(language, "我的企业", "My enterprises")
    listed = page.get_by_test_id("enterprise-row")
    assert listed.count() == 1 + len(others)
    assert shown(stranger, language) not in page.get_by_test_id("enterprises").inner_text()

    page.fill("#id_q", enterprise.uscc)
    page.get_by_test_id("apply-filters").click()
    page.wait_for_load_state()
    assert listed.count() == 1
    page.screenshot(path=str(artifacts / f"my-enterprises-{language}.png"), full_page=True)
    page.get_by_test_id("enterprise-link").click()
    page.wait_for_load_state()

    assert page.get_by_test_id("page-title").inner_text() == shown(enterprise, language)
    assert page.get_by_test_id("file-uscc").inner_text() == enterprise.uscc
    nav = page.get_by_test_id("file-sections").inner_text()
    for zh, en in (
        ("信用记录与信用修复", "Credit history and repair"),
        ("实地走访及记录", "Site visits and records"),
        ("文件资料", "Documents"),
    ):
        assert words(language, zh, en) in nav
    requests_section = page.locator('[data-section="requests"]')
    assert "出口退税申报失败" in requests_section.inner_text()
    documents = page.locator('[data-section="documents"]')
    assert "营业执照.pdf" in documents.inner_text() and "报关单.pdf" in documents.inner_text()
    page.screenshot(path=str(artifacts / f"enterprise-file-{language}.png"), full_page=True)
    # The document opens from the file.
    with page.expect_download() as download:
        documents.get_by_role("link", name="营业执照.pdf").click()
    assert download.value.suggested_filename == "营业执照.pdf"

    # Another pair's enterprise has no file for this coordinator.
    response = page.goto(f"{base}/enterprise/{stranger.pk}/file/")
    assert response is not None and response.status == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_officer_works_from_the_desk(page, live_server, artifacts, world, language):
    base = live_server.url
    appeal = world.file_appeal(subject="信用等级调整有误")
    enterprise_services.submit_registration_change(
        enterprise=world.enterprise, submitted_by=world.contact, new_values={"phone": "010-7654321"}
    )

    sign_in(page, base, world.officer.username, language)
    assert page.url.rstrip("/").endswith("/officer")
    assert page.get_by_test_id("page-title").inner_text() == words(language, "关员工作台", "Officer desk")
    appeals = page.locator('[data-queue="appeals"]')
    assert appeals.get_by_test_id("queue-count").inner_text() == "1"
    assert words(language, "待分办的申诉", "Appeals to triage") in appeals.inner_text()
    assert "信用等级调整有误" in appeals.get_by_test_id("queue-item").inner_text()
    changes = page.locator('[data-queue="registration-changes"]')
    assert changes.get_by_test_id("queue-count").inner_text() == "1"
    assert (
        page.locator('[data-queue="repair-applications"]').get_by_test_id("queue-count").inner_text() == "0"
    )
    page.screenshot(path=str(artifacts / f"officer-desk-{language}.png"), full_page=True)

    appeals.get_by_test_id("queue-link").click()
    page.wait_for_load_state()
    assert "/admin/appeals/appeal/" in page.url
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1 and "信用等级调整有误" in rows.first.inner_text()
    page.goto(f"{base}/officer/")
    page.get_by_test_id("desk-enterprises").click()
    page.wait_for_load_state()
    assert shown(world.enterprise, language) in page.get_by_test_id("enterprises").inner_text()
    assert appeal.pk


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_question_in_chinese_finds_the_request_and_the_answer(
    page, live_server, artifacts, world, language
):
    base = live_server.url
    tax = world.file_request(subject="出口退税申报失败", description="报关单信息不一致")
    request_services.post_message(request=tax, author=world.contact, body="退税款迟迟未到账")
    world.file_request(subject="查验等待时间过长", description="集装箱查验排队")
    world.file_request(subject="加工贸易手册核销", description="手册核销期限")
    request_services.publish_general_answer(
        actor=world.coordinator.user,
        service_type="consulting",
        title="出口退税申报失败的处理",
        question="报关单与退税申报信息不一致怎么办？",
        answer="修改报关单后重新申报出口退税。",
    )
    request_services.publish_general_answer(
        actor=world.coordinator.user,
        service_type="consulting",
        title="加工贸易手册核销期限",
        question="手册何时核销？",
        answer="按期核销。",
    )

    sign_in(page, base, world.coordinator.user.username, language)
    page.goto(f"{base}/coordination/workspace/")
    page.fill("#id_q", "出口退税怎么办")
    page.get_by_test_id("apply-filters").click()
    note = page.get_by_test_id("search-note")
    note.wait_for()
    assert words(language, "最匹配的排在前面", "Best matches first") in note.inner_text()
    rows = page.get_by_test_id("queue-row")
    assert rows.count() == 1 and rows.first.get_attribute("data-request") == str(tax.pk)
    page.screenshot(path=str(artifacts / f"search-workspace-{language}.png"), full_page=True)
    page.fill("#id_q", "不存在的词语")
    page.get_by_test_id("apply-filters").click()
    empty = page.get_by_test_id("empty-queue")
    empty.wait_for()
    assert words(language, "没有与搜索相符的申请", "No request matches your search") in empty.inner_text()

    page.context.clear_cookies()
    sign_in(page, base, world.other_contact.username, language)
    page.goto(f"{base}/coordination/answers/")
    page.fill("#id_q", "出口退税怎么办")
    page.get_by_test_id("search").click()
    # The results are swapped in place (htmx): the unrelated answer leaves, the answer about 退税 stays.
    expect(page.get_by_text("加工贸易手册核销期限")).to_have_count(0)
    expect(page.get_by_text("出口退税申报失败的处理").first).to_be_visible()
    assert "q=" in page.url
    page.screenshot(path=str(artifacts / f"search-knowledge-{language}.png"), full_page=True)
