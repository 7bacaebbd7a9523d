"""Every deadline the product knows is shown to the enterprise with its state (on time, due soon, overdue
by N days) on its home page, the relevant page and its calendar feed (portal.deadlines)."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from enterprises.models import Enterprise
from outreach import services as outreach
from portal import deadlines
from portal.deadlines import Deadline
from portal.messages import text

pytestmark = pytest.mark.django_db

REGISTERED_LONG_AGO = datetime.datetime(2024, 1, 2, 9, tzinfo=datetime.UTC)


def _states(html: str) -> dict[str, str]:
    """The deadlines of the home page's card: key -> state."""
    return {key: state for state, key in re.findall(r'data-state="([a-z_]+)" data-key="([^"]+)"', html)}


def test_a_deadline_knows_its_state_and_says_it():
    today = datetime.date(2026, 12, 5)

    def deadline(due, **kwargs):
        return Deadline(key="k", title=text("x"), due=due, **kwargs)

    assert deadline(datetime.date(2026, 11, 2)).state(today) == deadlines.OVERDUE
    assert deadline(datetime.date(2026, 12, 20)).state(today) == deadlines.DUE_SOON
    assert deadline(datetime.date(2027, 3, 1)).state(today) == deadlines.ON_TIME
    assert deadline(datetime.date(2026, 12, 1), opens=True).state(today) == deadlines.OPEN
    with translation.override("en"):
        assert deadline(datetime.date(2026, 11, 2)).state_label(today) == "Overdue by 33 days"
        assert deadline(datetime.date(2026, 12, 4)).state_label(today) == "Overdue by 1 day"
        assert deadline(datetime.date(2026, 12, 5)).state_label(today) == "Due today"
    with translation.override("zh-hans"):
        assert "33" in deadline(datetime.date(2026, 11, 2)).state_label(today)


def test_the_enterprise_sees_its_overdue_recertification_and_annual_report_at_home_and_on_the_credit_page(
    client, world
):
    Enterprise.objects.filter(pk=world.enterprise.pk).update(
        recertification_due=datetime.date(2026, 11, 2), created_at=REGISTERED_LONG_AGO
    )
    client.force_login(world.contact)
    with time_machine.travel(datetime.datetime(2026, 12, 5, 9, tzinfo=timezone.get_current_timezone())):
        home = client.get(reverse("enterprises:home")).content.decode()
        credit = client.get(reverse("credit:home")).content.decode()
    states = _states(home)
    assert states[f"recertification:{world.enterprise.pk}:2026-11-02"] == "overdue"
    assert states[f"annual-report:{world.enterprise.pk}:2026"] == "overdue"
    assert 'data-testid="recertification-state" data-state="overdue"' in credit
    assert 'data-testid="report-state" data-state="overdue"' in credit
    assert "Overdue by 33 days" in credit


def test_an_enterprise_registered_after_the_report_deadline_owes_no_report_that_year(client, world):
    Enterprise.objects.filter(pk=world.enterprise.pk).update(
        created_at=datetime.datetime(2026, 8, 1, 9, tzinfo=timezone.get_current_timezone())
    )
    world.enterprise.credit_events.update(effective_date=datetime.date(2026, 8, 1))
    client.force_login(world.contact)
    with time_machine.travel(datetime.datetime(2026, 12, 5, 9, tzinfo=timezone.get_current_timezone())):
        home = client.get(reverse("enterprises:home")).content.decode()
    assert f"annual-report:{world.enterprise.pk}:2026" not in _states(home)


def test_an_appeal_past_its_deadline_says_so(client, world):
    appeal = world.file_appeal()
    with time_machine.travel(appeal.due_at + datetime.timedelta(days=2)):
        client.force_login(world.contact)
        page = client.get(reverse("appeals:detail", args=[appeal.pk])).content.decode()
        listing = client.get(reverse("appeals:list")).content.decode()
    assert 'data-testid="appeal-deadline" data-state="overdue"' in page
    assert "Overdue by" in page and "Overdue by" in listing


def test_the_calendar_feed_carries_the_deadlines(client, world):
    Enterprise.objects.filter(pk=world.enterprise.pk).update(
        recertification_due=datetime.date(2027, 3, 1), created_at=REGISTERED_LONG_AGO
    )
    token = outreach.calendar_token_for(world.contact)
    feed = client.get(reverse("outreach:calendar_feed", args=[token.token])).content.decode()
    assert f"UID:recertification-{world.enterprise.pk}-2027-03-01@" in feed
    assert "DTSTART;VALUE=DATE:20270301" in feed
    year = timezone.localdate().year
    assert f"annual-report-{world.enterprise.pk}-{year}@" in feed
