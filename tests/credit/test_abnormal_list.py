"""The abnormal business list: listing, removal with a cure, and the daily job that identifies
enterprises listed more than the regime's days as untrustworthy (once, whatever runs twice or crashes)."""

from __future__ import annotations

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from credit.models import AbnormalListEntry, AbnormalListIdentification, CreditEvent, CreditEventReason
from credit.services import abnormal_list as abnormal
from portal.exceptions import ConflictError, DomainError
from portal.jobs import JobInterrupted
from portal.models import Notification
from tests.factories import customs_user, member, paired_enterprise, rated_enterprise

TZ = datetime.timezone(datetime.timedelta(hours=8))


def listed(enterprise, days_ago: int, today=None) -> AbnormalListEntry:
    today = today or timezone.localdate()
    return AbnormalListEntry.objects.create(
        enterprise=enterprise, reason="unreachable", listed_on=today - datetime.timedelta(days=days_ago)
    )


def long_listed_enterprise(days_ago=95):
    today = timezone.localdate()
    enterprise, first, second = paired_enterprise(on=today - datetime.timedelta(days=400))
    contact = member(enterprise)
    entry = listed(enterprise, days_ago)
    return enterprise, entry, contact, first, second


@pytest.mark.django_db
def test_enterprise_listed_95_days_is_identified_untrustworthy_with_notices_to_members_and_coordinators():
    enterprise, entry, contact, first, second = long_listed_enterprise(95)
    result = abnormal.identify_long_listed()
    enterprise.refresh_from_db()
    assert result.processed == 1
    assert enterprise.rating.code == "untrustworthy"
    event = CreditEvent.objects.get(source_key=f"abnormal:{entry.pk}")
    assert event.reason == CreditEventReason.ABNORMAL_LIST
    assert event.effective_date == entry.listed_on + datetime.timedelta(days=91)
    told = set(
        Notification.objects.filter(verb="abnormal_untrustworthy").values_list("recipient_id", flat=True)
    )
    assert told == {contact.pk, first.user_id, second.user_id}


@pytest.mark.django_db
def test_enterprise_listed_80_days_is_left_alone():
    enterprise, _entry, *_ = long_listed_enterprise(80)
    assert abnormal.identify_long_listed().processed == 0
    enterprise.refresh_from_db()
    assert enterprise.rating.code == "advanced_certified"
    assert not AbnormalListIdentification.objects.exists()


@pytest.mark.django_db
def test_exactly_90_days_is_not_more_than_90_days():
    _enterprise, _entry, *_ = long_listed_enterprise(90)
    assert abnormal.identify_long_listed().processed == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1), tick=False):
        assert abnormal.identify_long_listed().processed == 1


@pytest.mark.django_db
def test_running_the_job_twice_records_one_event_and_one_set_of_notices():
    long_listed_enterprise(95)
    abnormal.identify_long_listed()
    second = abnormal.identify_long_listed()
    assert second.processed == 0
    assert CreditEvent.objects.filter(reason=CreditEventReason.ABNORMAL_LIST).count() == 1
    assert Notification.objects.filter(verb="abnormal_untrustworthy").count() == 3


@pytest.mark.django_db
def test_enterprise_already_untrustworthy_keeps_its_rating_and_is_identified_once():
    enterprise = rated_enterprise(
        "seriously_untrustworthy", on=timezone.localdate() - datetime.timedelta(days=200)
    )
    listed(enterprise, 100)
    assert abnormal.identify_long_listed().processed == 1
    enterprise.refresh_from_db()
    assert enterprise.rating.code == "seriously_untrustworthy"
    assert AbnormalListIdentification.objects.get().credit_event is None
    assert abnormal.identify_long_listed().processed == 0


@pytest.mark.django_db
def test_a_crash_mid_batch_keeps_finished_batches_and_the_rerun_completes_the_rest():
    entries = [long_listed_enterprise(95)[1] for _ in range(5)]

    def kill_after_third(seen):
        if seen == 3:
            raise JobInterrupted("worker killed")

    with pytest.raises(JobInterrupted):
        abnormal.identify_long_listed(batch_size=2, kill_point=kill_after_third)
    # The first batch (2 entries) committed whole; the third entry's batch rolled back whole.
    done = set(AbnormalListIdentification.objects.values_list("entry_id", flat=True))
    assert done == {entries[0].pk, entries[1].pk}
    assert CreditEvent.objects.filter(reason=CreditEventReason.ABNORMAL_LIST).count() == 2
    assert Notification.objects.filter(verb="abnormal_untrustworthy").count() == 2 * 3
    result = abnormal.identify_long_listed(batch_size=2)
    assert result.processed == 3
    assert CreditEvent.objects.filter(reason=CreditEventReason.ABNORMAL_LIST).count() == 5
    assert Notification.objects.filter(verb="abnormal_untrustworthy").count() == 5 * 3


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_record_one_event_per_entry():
    entries = [long_listed_enterprise(95)[1] for _ in range(4)]
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            barrier.wait()
            abnormal.identify_long_listed(batch_size=1)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert CreditEvent.objects.filter(reason=CreditEventReason.ABNORMAL_LIST).count() == len(entries)
    assert AbnormalListIdentification.objects.count() == len(entries)
    assert Notification.objects.filter(verb="abnormal_untrustworthy").count() == len(entries) * 3


@pytest.mark.django_db
def test_the_untrustworthy_rating_is_the_regime_in_force_on_the_day_after_90_days():
    """Listed in August 2021 (Decree 237) and January 2026 (Decree 251): the identification falls after
    the change of regime in the second case, so the Decree 282 rating applies — "untrustworthy", not
    "seriously untrustworthy"."""
    with time_machine.travel(datetime.datetime(2021, 8, 1, 10, tzinfo=TZ), tick=False):
        old = rated_enterprise("general_credit", on=datetime.date(2021, 7, 1))
        listed(old, 0)
    with time_machine.travel(datetime.datetime(2021, 11, 15, 10, tzinfo=TZ), tick=False):
        abnormal.identify_long_listed()
    event = CreditEvent.objects.get(enterprise=old, reason=CreditEventReason.ABNORMAL_LIST)
    assert (event.effective_date, event.regime.code, event.to_rating.code) == (
        datetime.date(2021, 10, 31),
        "decree-237",
        "untrustworthy",
    )

    with time_machine.travel(datetime.datetime(2026, 1, 10, 10, tzinfo=TZ), tick=False):
        recent = rated_enterprise("regular", on=datetime.date(2026, 1, 5))
        listed(recent, 0)
    with time_machine.travel(datetime.datetime(2026, 4, 20, 10, tzinfo=TZ), tick=False):
        abnormal.identify_long_listed()
    event = CreditEvent.objects.get(enterprise=recent, reason=CreditEventReason.ABNORMAL_LIST)
    assert (event.effective_date, event.regime.code, event.to_rating.code) == (
        datetime.date(2026, 4, 11),
        "decree-282",
        "untrustworthy",
    )


@pytest.mark.django_db
def test_leaving_the_list_requires_the_cure():
    enterprise = rated_enterprise("regular")
    officer = customs_user("customs_officer", enterprise.local_customs)
    entry = abnormal.list_enterprise(enterprise=enterprise, reason="unreachable", actor=officer)
    with pytest.raises(DomainError):
        abnormal.remove_from_list(entry=entry, cure="  ", actor=officer)
    entry.refresh_from_db()
    assert entry.is_open
    abnormal.remove_from_list(entry=entry, cure="Premises found; contacts answer again.", actor=officer)
    entry.refresh_from_db()
    assert entry.removed_on == timezone.localdate() and entry.removed_by == officer


@pytest.mark.django_db
def test_listing_an_enterprise_already_listed_is_refused():
    enterprise = rated_enterprise("regular")
    officer = customs_user("customs_officer", enterprise.local_customs)
    abnormal.list_enterprise(enterprise=enterprise, reason="unreachable", actor=officer)
    with pytest.raises(ConflictError):
        abnormal.list_enterprise(enterprise=enterprise, reason="other", actor=officer)
    assert AbnormalListEntry.objects.filter(enterprise=enterprise).count() == 1
