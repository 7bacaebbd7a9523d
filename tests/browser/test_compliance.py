"""The compliance assessment end to end in real Chromium, in Chinese and in English: a coordinator
writes the assessment beside the enterprise's self-examination (a not-met item, highlighted as differing,
with an improvement action) and signs; the partner signs; the contact person sees it, answers the action
with a file; the coordinator accepts the answer."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from compliance.models import ActionStatus, Assessment, ImprovementAction
from credit.services.self_examination import submit_self_examination
from tests.browser.test_login import sign_in
from tests.compliance.helpers import codes
from tests.world import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["zh-hans", "en"]


def words(language: str, zh: str, en: str) -> str:
    return zh if language == "zh-hans" else en


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_assessment_with_an_improvement_action_answered_by_the_enterprise(
    page, live_server, artifacts, tmp_path, world, language
):
    base = live_server.url
    evidence = tmp_path / "复核制度.pdf"
    evidence.write_bytes(PDF)
    items = codes()
    gap = items[1]
    submit_self_examination(
        enterprise=world.enterprise, submitted_by=world.contact, answers=dict.fromkeys(items, ("met", ""))
    )

    # The coordinator finds the enterprise in the list and writes the assessment.
    sign_in(page, base, world.coordinator.user.username, language)
    page.get_by_role("link", name=words(language, "合规评估", "Assessments"), exact=True).click()
    page.wait_for_load_state()
    row = page.locator(f'[data-testid=assessment-row][data-enterprise="{world.enterprise.pk}"]')
    row.get_by_test_id("assess").click()
    page.wait_for_load_state()
    for code in items:
        page.get_by_test_id(f"judgement-{code}").select_option("met")
    page.get_by_test_id(f"judgement-{gap}").select_option("not_met")
    # The item now differs from the enterprise's own "met": highlighted as the coordinator chooses.
    assert "item-differs" in (page.get_by_test_id(f"item-{gap}").get_attribute("class") or "")
    assert "item-differs" not in (page.get_by_test_id(f"item-{items[0]}").get_attribute("class") or "")
    page.get_by_test_id(f"evidence-{gap}").fill("抽查 5 份报关单，2 份缺少复核记录。")
    action_row = page.get_by_test_id("action-row").first
    action_row.locator("select[name$=item]").select_option(gap)
    action_row.locator("input[name$=description]").fill("建立报关单复核制度并培训关务人员")
    action_row.locator("input[name$=owner]").fill("关务经理 王芳")
    due_on = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    action_row.locator("input[name$=due_on]").fill(due_on)
    page.screenshot(path=str(artifacts / f"compliance-form-{language}.png"), full_page=True)
    page.get_by_test_id("save-and-sign").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("assessment-state").get_attribute("data-state") == "awaiting_partner"
    assert page.get_by_test_id(f"item-{gap}").get_attribute("data-differs") == "1"
    assert page.get_by_test_id("sign-form").count() == 0  # signed by saving and signing
    assessment = Assessment.objects.get()
    page.context.clear_cookies()

    # The enterprise sees nothing yet.
    sign_in(page, base, world.contact.username, language)
    page.goto(f"{base}/compliance/assessments/{assessment.pk}/")
    assert page.get_by_test_id("assessment-state").count() == 0
    page.context.clear_cookies()

    # The partner signs.
    sign_in(page, base, world.partner.user.username, language)
    page.goto(f"{base}/compliance/assessments/{assessment.pk}/")
    page.get_by_test_id("sign").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("assessment-state").get_attribute("data-state") == "signed"
    assert page.get_by_test_id("signature").count() == 2
    page.screenshot(path=str(artifacts / f"compliance-signed-{language}.png"), full_page=True)
    page.context.clear_cookies()

    # The contact person sees it on the home page and answers the action with a file.
    sign_in(page, base, world.contact.username, language)
    page.goto(f"{base}/")
    assert page.get_by_test_id("compliance-panel").count() == 1
    deadline = page.get_by_test_id("deadline").filter(has_text="建立报关单复核制度")
    assert deadline.get_attribute("data-state") == "on_time"
    page.get_by_role(
        "link", name=words(language, "海关合规评估", "Compliance assessment"), exact=True
    ).click()
    page.wait_for_load_state()
    page.get_by_test_id("action-row").get_by_role("link").click()
    page.wait_for_load_state()
    page.get_by_test_id("answer").fill("已建立报关单复核制度，并于本月完成关务人员培训。")
    page.set_input_files("#id_response-attachments", str(evidence))
    page.get_by_test_id("send-answer").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("action-status").get_attribute("data-status") == "answered"
    assert page.get_by_test_id("response-file").inner_text() == "复核制度.pdf"
    page.screenshot(path=str(artifacts / f"compliance-answered-{language}.png"), full_page=True)
    page.context.clear_cookies()

    # The coordinator accepts the answer.
    action = ImprovementAction.objects.get()
    sign_in(page, base, world.coordinator.user.username, language)
    page.goto(f"{base}/compliance/actions/{action.pk}/")
    page.get_by_test_id("review-form").locator("input[value=accepted]").check()
    page.get_by_test_id("send-review").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("action-status").get_attribute("data-status") == "accepted"
    assert words(language, "已通过", "Accepted") in page.get_by_test_id("review").inner_text()
    action.refresh_from_db()
    assert action.status == ActionStatus.ACCEPTED
