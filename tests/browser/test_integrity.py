"""Integrity by design in real Chromium, in Chinese and in English: a manager confirms a coordinator's
rotation and the open work moves to the substitute; a coordinator refers a question to a department and
the liaison officer's answer arrives inside the request, passed on to the enterprise by the coordinator."""

from __future__ import annotations

import pytest
from django.utils import timezone

from coordinators import services as coordinators
from coordinators.models import PairAssignment, Rotation, RotationPolicy
from coordinators.services import add_months
from liaison import services as liaison_services
from portal.roles import Role
from tests.browser.test_login import sign_in
from tests.factories import DepartmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["zh-hans", "en"]


def words(language: str, zh: str, en: str) -> str:
    return zh if language == "zh-hans" else en


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_manager_confirms_a_rotation_and_the_work_moves(page, live_server, artifacts, world, language):
    base = live_server.url
    request = world.file_request(subject="加工贸易手册核销咨询")
    RotationPolicy.objects.create(district=world.district, max_service_months=36, cooling_off_months=24)
    pair = PairAssignment.objects.active().get(enterprise=world.enterprise)
    side = "a_since" if pair.coordinator_a_id == world.coordinator.pk else "b_since"
    PairAssignment.objects.filter(pk=pair.pk).update(**{side: add_months(timezone.localdate(), -36)})
    coordinators.list_rotations_due()

    sign_in(page, base, world.manager.username, language)
    page.goto(f"{base}/supervision/")
    page.get_by_test_id("rotations-link").click()
    page.wait_for_load_state()
    row = page.get_by_test_id("rotation-row")
    assert row.count() == 1
    assert world.spare.user.display_name in row.get_by_test_id("proposed-substitute").inner_text()
    page.screenshot(path=str(artifacts / f"rotations-{language}.png"), full_page=True)
    row.get_by_test_id("rotation-confirm-link").click()
    page.wait_for_load_state()
    assert "加工贸易手册核销咨询" in page.get_by_test_id("handover").inner_text()
    assert page.locator("#id_substitute").input_value() == str(world.spare.pk)
    page.get_by_test_id("confirm-rotation").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("rotation-row").count() == 0
    assert Rotation.objects.get().status == "done"
    page.context.clear_cookies()

    # The substitute finds the request in the workspace and may act on it.
    sign_in(page, base, world.spare.user.username, language)
    row = page.get_by_test_id("queue-row").filter(has_text="加工贸易手册核销咨询")
    assert row.count() == 1
    page.goto(f"{base}/coordination/requests/{request.pk}/")
    assert world.spare.user.display_name in page.get_by_test_id("handlers").inner_text()
    assert world.coordinator.user.display_name not in page.get_by_test_id("handlers").inner_text()
    page.context.clear_cookies()

    # The enterprise is told who its coordinators are now.
    sign_in(page, base, world.contact.username, language)
    page.get_by_test_id("bell").click()
    page.wait_for_load_state()
    assert (
        words(language, "贵企业的协调员现为", "Your coordinators are now")
        in page.get_by_test_id("notifications").inner_text()
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_question_referred_to_a_department_is_answered_inside_the_request(
    page, live_server, artifacts, world, language
):
    base = live_server.url
    request = world.file_request(subject="查验比例偏高")
    department = DepartmentFactory(district=world.district, name_zh="风险防控处", name_en="Risk Control")
    liaison = UserFactory(roles=[Role.CUSTOMS_OFFICER], department=department, is_staff=True)
    liaison_services.name_liaison_officer(department=department, user=liaison, actor=world.manager)

    # The coordinator refers a question from the request page.
    sign_in(page, base, world.coordinator.user.username, language)
    page.goto(f"{base}/coordination/requests/{request.pk}/")
    form = page.get_by_test_id("refer-form")
    form.locator("select[name=department]").select_option(str(department.pk))
    form.locator("textarea[name=question]").fill("请核实该企业是否在布控名单内及原因。")
    page.get_by_test_id("refer").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("referral").get_attribute("data-status") == "open"
    page.context.clear_cookies()

    # The liaison officer finds it on the desk and answers inside the request.
    sign_in(page, base, liaison.username, language)
    page.goto(f"{base}/liaison/")
    page.get_by_test_id("open-referral").get_by_role("link").click()
    page.wait_for_load_state()
    page.get_by_test_id("answer-form").locator("textarea").fill("该企业不在布控名单内，查验系随机抽中。")
    page.screenshot(path=str(artifacts / f"referral-answer-{language}.png"), full_page=True)
    page.get_by_test_id("send-answer").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("referral").get_attribute("data-status") == "answered"
    page.context.clear_cookies()

    # The coordinator reads the answer and passes it on to the enterprise.
    sign_in(page, base, world.coordinator.user.username, language)
    page.goto(f"{base}/coordination/requests/{request.pk}/")
    assert "查验系随机抽中" in page.get_by_test_id("referral-answer").inner_text()
    page.get_by_test_id("share-answer").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("answer-shared").count() == 1
    page.screenshot(path=str(artifacts / f"referral-shared-{language}.png"), full_page=True)
    page.context.clear_cookies()

    # The enterprise reads customs' reply, and nothing of the referral.
    sign_in(page, base, world.contact.username, language)
    page.goto(f"{base}/coordination/requests/{request.pk}/")
    assert "查验系随机抽中" in page.get_by_test_id("message").last.inner_text()
    assert page.get_by_test_id("referrals").count() == 0
