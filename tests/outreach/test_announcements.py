"""Policy announcements: targeting, the enterprise home-page panel, read receipts, the unread report,
and the e-mail digest (one per user and day)."""

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from outreach import services as outreach
from outreach.models import AnnouncementDigest, AnnouncementReceipt
from outreach.tasks import send_announcement_digests
from portal.exceptions import PermissionDeniedError
from portal.roles import Role
from tests.factories import customs_user, member, rating

pytestmark = pytest.mark.django_db


def announce(world, **kwargs):
    defaults = {"title": "关于报关的政策解读", "body": "正文", "district": world.office.district}
    return outreach.create_announcement(actor=world.officer, **{**defaults, **kwargs})


def test_announcement_to_aeo_reaches_aeo_enterprises_only(world):
    aeo = world.new_enterprise()
    regular = world.new_enterprise("regular")
    announcement = announce(world, aeo_only=True)
    assert announcement in outreach.announcements_for_enterprise(aeo)
    assert announcement not in outreach.announcements_for_enterprise(regular)


def test_announcement_targeted_by_rating(world):
    regular = world.new_enterprise("regular")
    aeo = world.new_enterprise()
    announcement = announce(world, ratings=[rating("regular")])
    assert announcement in outreach.announcements_for_enterprise(regular)
    assert announcement not in outreach.announcements_for_enterprise(aeo)


def test_announcement_targeted_by_industry(world):
    logistics = world.new_enterprise(industry="logistics")
    trading = world.new_enterprise(industry="trading")
    announcement = announce(world, industries=["logistics"])
    assert announcement in outreach.announcements_for_enterprise(logistics)
    assert announcement not in outreach.announcements_for_enterprise(trading)


def test_district_announcement_does_not_reach_another_district(world):
    elsewhere = world.new_enterprise(office=world.foreign_office)
    announcement = announce(world)
    assert announcement not in outreach.announcements_for_enterprise(elsewhere)


def test_administrator_announcement_to_all_reaches_every_district(world):
    admin = customs_user(Role.ADMINISTRATOR, world.office)
    anywhere = world.new_enterprise(office=world.foreign_office)
    announcement = outreach.create_announcement(
        actor=admin, title="海关服务免费", body="谨防中介", kind="anti_intermediary"
    )
    assert announcement in outreach.announcements_for_enterprise(anywhere)


def test_officer_cannot_announce_to_all_districts(world):
    with pytest.raises(PermissionDeniedError):
        outreach.create_announcement(actor=world.officer, title="x", body="y", district=None)


def test_draft_is_not_shown_to_enterprises(world):
    enterprise = world.new_enterprise()
    draft = announce(world, publish=False)
    assert draft not in outreach.announcements_for_enterprise(enterprise)
    outreach.publish_announcement(announcement=draft, actor=world.officer)
    assert draft in outreach.announcements_for_enterprise(enterprise)


def test_opening_an_announcement_records_one_receipt(login, world):
    enterprise = world.new_enterprise()
    contact = world.new_contact(enterprise)
    announcement = announce(world)
    client = login(contact)
    url = reverse("outreach:announcement_detail", args=[announcement.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert AnnouncementReceipt.objects.filter(announcement=announcement, user=contact).count() == 1


def test_officer_opening_an_announcement_records_no_receipt(login, world):
    announcement = announce(world)
    login(world.officer).get(reverse("outreach:announcement_detail", args=[announcement.pk]))
    assert not AnnouncementReceipt.objects.exists()


def test_enterprise_cannot_open_an_announcement_not_meant_for_it(login, world):
    outsider = world.new_contact(world.new_enterprise(office=world.foreign_office))
    announcement = announce(world)
    assert (
        login(outsider).get(reverse("outreach:announcement_detail", args=[announcement.pk])).status_code
        == 404
    )


def test_unread_report_lists_who_has_not_opened_an_important_announcement(login, world):
    enterprise = world.new_enterprise()
    reader, skipper = (
        world.new_contact(enterprise, full_name="读过的人"),
        world.new_contact(enterprise, Role.ENTERPRISE_STAFF, full_name="没读的人"),
    )
    announcement = announce(world, is_important=True)
    outreach.record_receipt(announcement=announcement, user=reader)
    assert [m.user_id for m in outreach.unread_report(announcement)] == [skipper.pk]
    page = (
        login(world.officer)
        .get(reverse("outreach:announcement_unread", args=[announcement.pk]))
        .content.decode()
    )
    assert "没读的人" in page
    assert "读过的人" not in page
    assert outreach.receipt_counts(announcement) == {"audience": 2, "read": 1}


def test_enterprise_cannot_see_the_unread_report(login, world):
    contact = world.new_contact(world.new_enterprise())
    announcement = announce(world)
    assert (
        login(contact).get(reverse("outreach:announcement_unread", args=[announcement.pk])).status_code == 404
    )


def test_home_page_panel_shows_important_first_and_marks_unread(world):
    enterprise = world.new_enterprise()
    contact = world.new_contact(enterprise)
    announce(world, title="普通通知")
    announce(world, title="重要提醒", is_important=True)
    request = RequestFactory().get("/")
    request.user = contact
    html = Template('{% include "outreach/_announcements_panel.html" %}').render(
        Context({"request": request, "user": contact})
    )
    assert html.index("重要提醒") < html.index("普通通知")
    assert "<strong>重要提醒</strong>" in html


def test_the_home_page_says_customs_services_are_free_exactly_once(client, world):
    announce(world, title="重要提醒", is_important=True)
    client.force_login(world.contact)
    html = client.get(reverse("enterprises:home")).content.decode()
    assert html.count("Customs services are free") == 1
    request_form = client.get(reverse("coordination:request_create")).content.decode()
    assert request_form.count("Customs services are free") == 1


def test_panel_is_empty_for_customs_staff(world):
    announce(world, title="给企业的通知")
    html = Template('{% include "outreach/_announcements_panel.html" %}').render(
        Context({"user": world.officer})
    )
    assert "给企业的通知" not in html


def test_panel_query_count_is_constant(world, django_assert_max_num_queries):
    enterprise = world.new_enterprise()
    contact = world.new_contact(enterprise)
    for i in range(8):
        announce(world, title=f"通知{i}")
    contact = type(contact).objects.get(pk=contact.pk)
    with django_assert_max_num_queries(4):
        Template('{% include "outreach/_announcements_panel.html" %}').render(Context({"user": contact}))


def digest_user(enterprise, **kwargs):
    user = member(enterprise, **kwargs)
    user.announcement_digest = True
    user.save(update_fields=["announcement_digest"])
    return user


def test_digest_sends_one_mail_per_user_and_day(world):
    enterprise = world.new_enterprise()
    subscriber = digest_user(enterprise)
    world.new_contact(enterprise, Role.ENTERPRISE_STAFF)  # no digest asked for
    announce(world, title="昨天的公告")
    day = timezone.localdate()
    assert send_announcement_digests(day=day.isoformat()) == 1
    assert send_announcement_digests(day=day.isoformat()) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [subscriber.email]
    assert "昨天的公告" in mail.outbox[0].body
    assert AnnouncementDigest.objects.filter(user=subscriber, period_start=day).count() == 1


def test_no_digest_when_nothing_new_for_the_enterprise(world):
    digest_user(world.new_enterprise())
    outreach.create_announcement(
        actor=world.foreign_officer, title="别处的公告", body="正文", district=world.foreign_office.district
    )
    assert send_announcement_digests(day=timezone.localdate().isoformat()) == 0
    assert mail.outbox == []


def test_digest_schedule_is_installed():
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(task="outreach.send_announcement_digests", enabled=True).exists()


def test_manager_sees_the_unread_report_of_an_all_district_announcement_for_their_district_only(login, world):
    admin = customs_user(Role.ADMINISTRATOR, world.office)
    mine = world.new_contact(world.new_enterprise(), full_name="本关区联络员")
    world.new_contact(world.new_enterprise(office=world.foreign_office), full_name="外关区联络员")
    warning = outreach.create_announcement(
        actor=admin, title="海关服务免费", body="谨防中介", kind="anti_intermediary", is_important=True
    )
    client = login(world.officer)
    assert client.get(reverse("outreach:announcement_detail", args=[warning.pk])).status_code == 200
    page = client.get(reverse("outreach:announcement_unread", args=[warning.pk])).content.decode()
    assert "本关区联络员" in page
    assert "外关区联络员" not in page
    assert mine.pk


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_digest_task_runs_on_a_real_worker_and_is_idempotent(celery_worker_session, world):
    subscriber = digest_user(world.new_enterprise())
    announce(world, title="工作日公告")
    day = timezone.localdate().isoformat()
    assert send_announcement_digests.delay(day=day).get(timeout=60) == 1
    assert send_announcement_digests.delay(day=day).get(timeout=60) == 0
    assert AnnouncementDigest.objects.filter(user=subscriber).count() == 1
