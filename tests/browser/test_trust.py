"""Deadlines, ownership and language in real Chromium, each journey in Chinese and in English:

- an overdue re-certification is seen by the enterprise on its home and credit pages and in its
  notifications (in the reader's language; opening one marks it read);
- a site-visit record is written by one coordinator, confirmed by the other and acknowledged by the
  contact person (co-signed);
- a transfer is accepted by the second office, after which only that office can act;
- an upheld credit appeal: the officer records the correcting credit event on an admin form whose date
  input carries today's date in both languages.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from appeals import services as appeal_services
from coordination import services as request_services
from coordination.models import CoordinationRequest, SiteVisit, VisitSignature
from credit.models import CreditEventReason
from credit.services import record_credit_event
from credit.services.recertification import send_recertification_reminders
from enterprises.models import Enterprise
from portal.models import Notification
from portal.roles import Role
from tests.browser.test_login import sign_in
from tests.factories import customs_user, rating
from tests.world import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LANGUAGES = ["zh-hans", "en"]


def words(language: str, zh: str, en: str) -> str:
    return zh if language == "zh-hans" else en


def sign_out(page):
    page.context.clear_cookies()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_enterprise_sees_its_overdue_recertification(page, live_server, artifacts, world, language):
    base = live_server.url
    today = timezone.localdate()
    due = today - datetime.timedelta(days=33)
    Enterprise.objects.filter(pk=world.enterprise.pk).update(
        certified_on=due.replace(year=due.year - 3), recertification_due=due
    )
    send_recertification_reminders(today=today)

    sign_in(page, base, world.contact.username, language)
    page.goto(f"{base}/")
    item = page.get_by_test_id("deadline").filter(has_text=words(language, "重新认证", "Re-certification"))
    assert item.get_attribute("data-state") == "overdue"
    assert item.get_by_test_id("deadline-state").inner_text() == words(
        language, "已逾期 33 天", "Overdue by 33 days"
    )
    page.screenshot(path=str(artifacts / f"deadlines-home-{language}.png"), full_page=True)

    page.goto(f"{base}/credit/")
    badge = page.get_by_test_id("recertification-state")
    assert badge.get_attribute("data-state") == "overdue"
    assert words(language, "请联系协调员安排重新认证", "Contact your coordinators") in page.content()

    # The overdue notice is in the reader's language; opening it marks it read.
    assert page.get_by_test_id("unread-count").inner_text() == "1"
    page.get_by_test_id("bell").click()
    page.wait_for_load_state()
    notice = page.get_by_test_id("notification").first
    assert (
        words(language, "贵企业的重新认证已逾期", "Your re-certification is overdue") in notice.inner_text()
    )
    page.screenshot(path=str(artifacts / f"deadlines-notifications-{language}.png"), full_page=True)
    notice.get_by_role("link").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("unread-count").count() == 0
    assert Notification.objects.get(recipient=world.contact).read_at is not None


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_site_visit_record_is_co_signed(page, live_server, artifacts, tmp_path, world, language):
    base = live_server.url
    photo = tmp_path / "现场照片说明.pdf"
    photo.write_bytes(PDF)
    request = world.file_request()
    visit = request_services.schedule_site_visit(
        request=request,
        actor=world.coordinator.user,
        coordinators=[world.coordinator, world.partner],
        scheduled_for=timezone.now() + datetime.timedelta(days=2),
        place="厂区一号仓库",
        purpose="核查仓储管理",
    )

    # Before the day of the visit nobody can write its record.
    sign_in(page, base, world.coordinator.user.username, language)
    page.goto(f"{base}/coordination/visits/{visit.pk}/")
    assert page.get_by_test_id("write-record").count() == 0
    # The visit took place this morning.
    SiteVisit.objects.filter(pk=visit.pk).update(scheduled_for=timezone.now() - datetime.timedelta(hours=1))

    page.goto(f"{base}/coordination/visits/{visit.pk}/")
    page.get_by_test_id("write-record").click()
    page.wait_for_load_state()
    page.fill("#id_attendees", "王协调\n李协调\n张经理（关务负责人）")
    page.fill("#id_findings", "单证齐全；仓储区标识不清。")
    row = page.get_by_test_id("action-row").first
    row.locator("input[name$=description]").fill("整改仓储区标识")
    row.locator("select[name$=owner]").select_option("enterprise")
    due_on = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    row.locator("input[name$=due_on]").fill(due_on)
    page.set_input_files("#id_attachments", str(photo))
    page.screenshot(path=str(artifacts / f"visit-record-form-{language}.png"), full_page=True)
    page.get_by_test_id("save-record").click()
    page.wait_for_load_state()
    record = page.get_by_test_id("visit-record")
    assert record.get_attribute("data-state") == "coordinators"
    assert due_on in page.get_by_test_id("visit-action").inner_text()
    assert page.get_by_test_id("sign-form").count() == 0  # the writer has signed by writing
    sign_out(page)

    # The partner confirms.
    sign_in(page, base, world.partner.user.username, language)
    page.goto(f"{base}/coordination/visits/{visit.pk}/")
    page.get_by_test_id("sign-form").locator("select[name=decision]").select_option("confirmed")
    page.get_by_test_id("sign").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("visit-record").get_attribute("data-state") == "enterprise"
    sign_out(page)

    # The contact person acknowledges.
    sign_in(page, base, world.contact.username, language)
    page.goto(f"{base}/coordination/visits/{visit.pk}/")
    page.get_by_test_id("sign-form").locator("select[name=decision]").select_option("acknowledged")
    page.get_by_test_id("sign").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("visit-record").get_attribute("data-state") == "acknowledged"
    assert page.get_by_test_id("signature").count() == 3
    assert (
        words(language, "各方均已签署", "Signed by everyone")
        in page.get_by_test_id("visit-record").inner_text()
    )
    page.screenshot(path=str(artifacts / f"visit-record-signed-{language}.png"), full_page=True)
    decisions = list(
        VisitSignature.objects.filter(record__visit=visit)
        .order_by("signed_at")
        .values_list("decision", flat=True)
    )
    assert decisions == ["confirmed", "confirmed", "acknowledged"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_transfer_is_accepted_by_the_second_office(page, live_server, artifacts, world, language):
    base = live_server.url
    request = world.file_request()
    second_officer = customs_user(Role.CUSTOMS_OFFICER, world.other_office, username=f"chaoyang-{language}")

    # The officer of the first office transfers the request to the second office.
    sign_in(page, base, world.officer.username, language)
    page.goto(f"{base}/coordination/requests/{request.pk}/")
    page.locator("details", has=page.get_by_test_id("transfer-form")).locator("summary").click()
    page.select_option("#id_to_office", str(world.other_office.pk))
    page.fill("#id_note", "企业注册地已迁至朝阳，由属地海关办理。")
    page.get_by_test_id("action-transfer").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("pending-transfer").count() == 1
    sign_out(page)

    # An officer of the second office accepts it.
    sign_in(page, base, second_officer.username, language)
    page.goto(f"{base}/coordination/requests/{request.pk}/")
    page.get_by_test_id("action-accept_transfer").click()
    page.wait_for_load_state()
    assert world.other_office.name_zh in page.get_by_test_id("responsible").inner_text() or (
        world.other_office.name_en in page.get_by_test_id("responsible").inner_text()
    )
    assert page.get_by_test_id("pending-transfer").count() == 0
    page.screenshot(path=str(artifacts / f"transfer-accepted-{language}.png"), full_page=True)
    request.refresh_from_db()
    assert request.responsible_office_id == world.other_office.pk
    sign_out(page)

    # The first office's coordinator no longer handles it: no actions, not listed as a handler.
    sign_in(page, base, world.coordinator.user.username, language)
    page.goto(f"{base}/coordination/requests/{request.pk}/")
    assert page.get_by_test_id("action-resolve").count() == 0
    assert page.get_by_test_id("transfer-form").count() == 0
    handlers = page.get_by_test_id("handlers")
    assert handlers.count() == 0 or world.coordinator.user.display_name not in handlers.inner_text()
    assert CoordinationRequest.objects.get(pk=request.pk).handlers.filter(ended_at__isnull=True).count() == 0


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_upheld_credit_appeal_is_corrected_from_the_appeal(page, live_server, artifacts, world, language):
    base = live_server.url
    downgrade = record_credit_event(
        enterprise=world.enterprise,
        to_rating=rating("regular"),
        effective_date=timezone.localdate(),
        reason=CreditEventReason.DOWNGRADE,
        actor=world.officer,
    )
    appeal = world.file_appeal(credit_event=downgrade)
    appeal_services.decide_appeal(
        appeal=appeal, outcome="upheld", reasons="降级依据的违规记录已撤销。", actor=world.officer
    )

    sign_in(page, base, world.officer.username, language)
    page.goto(f"{base}/admin/appeals/appeal/{appeal.pk}/change/")
    assert page.get_by_test_id("correction-pending").count() == 1
    page.get_by_test_id("appeal-correct-credit").click()
    page.wait_for_load_state()
    # The date input carries today's date in ISO form, which <input type=date> accepts in any language.
    date_input = page.locator("#id_effective_date")
    assert date_input.get_attribute("type") == "date"
    assert date_input.input_value() == timezone.localdate().isoformat()
    assert page.locator("#id_to_rating").input_value() == str(rating("advanced_certified").pk)
    page.fill("#id_reasons", "撤销降级，恢复高级认证。")
    page.screenshot(path=str(artifacts / f"appeal-correct-credit-{language}.png"), full_page=True)
    page.get_by_test_id("confirm").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("appeal-correct-credit").count() == 0
    world.enterprise.refresh_from_db()
    assert world.enterprise.rating == rating("advanced_certified")
    sign_out(page)

    sign_in(page, base, world.contact.username, language)
    page.goto(f"{base}/appeals/{appeal.pk}/")
    correction = page.get_by_test_id("credit-correction").inner_text()
    assert words(language, "贵企业的信用等级已更正", "Your credit rating was corrected") in correction
    assert timezone.localdate().isoformat() in correction
