"""Personal iCal feeds behind an unguessable, rotatable token (RFC 5545 text, CRLF, escaping)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise
from outreach import services as outreach

pytestmark = pytest.mark.django_db


def feed(client, user):
    token = outreach.calendar_token_for(user).token
    return client.get(reverse("outreach:calendar_feed", args=[token]))


def test_enterprise_feed_has_its_recertification_date_and_registered_sessions(client, world):
    enterprise, contact, officer = world.enterprise, world.contact, world.officer
    Enterprise.objects.filter(pk=enterprise.pk).update(recertification_due=datetime.date(2027, 3, 1))
    start = timezone.now() + datetime.timedelta(days=5)
    session = outreach.create_training_session(
        actor=officer,
        title="合规培训, 第一期; 必到",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=5,
        district=enterprise.district,
    )
    outreach.invite_audience(session=session, actor=officer)
    outreach.register_attendee(session=session, enterprise=enterprise, actor=contact, attendee=contact)
    response = feed(client, contact)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "DTSTART;VALUE=DATE:20270301" in text
    assert "合规培训\\, 第一期\\; 必到" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_coordinator_feed_has_their_site_visits(client, world):
    from coordination import services as requests

    enterprise, a, b = world.enterprise, world.coordinator, world.partner
    request = world.file_request(subject="s", description="d")
    requests.schedule_site_visit(
        request=request,
        actor=a.user,
        coordinators=[a, b],
        scheduled_for=timezone.now() + datetime.timedelta(days=2),
        place="厂区",
        purpose="核查",
    )
    text = feed(client, b.user).content.decode()
    assert "UID:visit-" in text
    # iCal escapes commas and semicolons in text values (RFC 5545 §3.3.11).
    assert enterprise.name.replace(",", "\\,") in text


def test_wrong_token_is_404(client):
    assert client.get(reverse("outreach:calendar_feed", args=["not-a-token"])).status_code == 404


def test_rotating_revokes_the_old_token(client, world):
    contact = world.contact
    old = outreach.calendar_token_for(contact).token
    new = outreach.rotate_calendar_token(user=contact).token
    assert new != old
    assert client.get(reverse("outreach:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("outreach:calendar_feed", args=[new])).status_code == 200


def test_token_of_a_user_who_left_the_enterprise_shows_nothing_of_it(client, world):
    from enterprises import services

    Enterprise.objects.filter(pk=world.enterprise.pk).update(recertification_due=datetime.date(2027, 3, 1))
    staff = world.staff
    token = outreach.calendar_token_for(staff).token
    services.end_membership(membership=staff.memberships.get())
    assert client.get(reverse("outreach:calendar_feed", args=[token])).status_code == 404


def test_calendar_page_shows_the_feed_address(login, world):
    contact = world.contact
    page = login(contact).get(reverse("outreach:calendar"))
    assert outreach.calendar_token_for(contact).token in page.content.decode()


def test_long_lines_are_folded():
    event = outreach.CalendarEvent(uid="x@y", summary="长" * 60, start=datetime.date(2027, 1, 1))
    text = outreach.render_ical([event], name="n")
    assert "\r\n " in text
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:" + "长" * 60 in unfolded
