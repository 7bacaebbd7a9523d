"""Credit repair: eligibility in one function (by cause, under the regime in force), the application
and the officer's decision, and the automatic repair after the clean period (time travel)."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from credit.models import CreditEvent, CreditEventReason, RepairApplication, UntrustworthyCause
from credit.services import record_credit_event, repair
from portal.exceptions import ConflictError
from tests.factories import customs_user, member, rated_enterprise, rating

TZ = datetime.timezone(datetime.timedelta(hours=8))


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), tzinfo=TZ), tick=False)


def downgraded(on: datetime.date, cause: str | None):
    with at(on):
        enterprise = rated_enterprise("regular", on=on - datetime.timedelta(days=30))
        event = record_credit_event(
            enterprise=enterprise,
            to_rating=rating("untrustworthy", on),
            effective_date=on,
            reason=CreditEventReason.DOWNGRADE,
        )
        if cause:
            repair.record_cause(event=event, cause=cause, actor=None)
    enterprise.refresh_from_db()
    return enterprise


@pytest.mark.django_db
def test_fines_wait_six_months_smuggling_one_year_and_unknown_cause_the_longer_wait():
    on = datetime.date(2026, 5, 1)
    fines = downgraded(on, UntrustworthyCause.FINES)
    smuggling = downgraded(on, UntrustworthyCause.SMUGGLING)
    unknown = downgraded(on, None)
    check = datetime.date(2026, 8, 1)
    assert repair.repair_eligibility(fines, on=check).eligible_from == datetime.date(2026, 11, 1)
    assert repair.repair_eligibility(smuggling, on=check).eligible_from == datetime.date(2027, 5, 1)
    assert repair.repair_eligibility(unknown, on=check).eligible_from == datetime.date(2027, 5, 1)
    assert repair.repair_eligibility(fines, on=datetime.date(2026, 11, 1)).eligible
    assert not repair.repair_eligibility(fines, on=datetime.date(2026, 10, 31)).eligible


@pytest.mark.django_db
def test_an_open_abnormal_list_entry_bars_repair_and_automatic_repair():
    from credit.models import AbnormalListEntry

    enterprise = downgraded(datetime.date(2026, 5, 1), UntrustworthyCause.FINES)
    AbnormalListEntry.objects.create(
        enterprise=enterprise, reason="other", listed_on=datetime.date(2026, 6, 1)
    )
    eligibility = repair.repair_eligibility(enterprise, on=datetime.date(2026, 12, 1))
    assert eligibility.status == repair.Status.BARRED and eligibility.automatic_on is None


@pytest.mark.django_db
def test_granted_application_repairs_to_the_regular_rating():
    enterprise = downgraded(datetime.date(2026, 5, 1), UntrustworthyCause.VIOLATION_COUNT)
    with at(datetime.date(2026, 11, 20)):
        application = repair.apply_for_repair(
            enterprise=enterprise,
            author=member(enterprise),
            statement="Fines paid; compliance officer hired.",
        )
        with pytest.raises(ConflictError):
            repair.apply_for_repair(
                enterprise=enterprise, author=member(enterprise, role="enterprise_staff"), statement="again"
            )
        officer = customs_user("customs_officer", enterprise.local_customs)
        repair.decide_repair(application=application, granted=True, reasons="Cause corrected.", actor=officer)
    enterprise.refresh_from_db()
    assert enterprise.rating.code == "regular"
    assert RepairApplication.objects.get().credit_event.reason == CreditEventReason.REPAIR


@pytest.mark.django_db
def test_applying_before_the_wait_is_over_is_refused_with_the_date():
    enterprise = downgraded(datetime.date(2026, 5, 1), UntrustworthyCause.SMUGGLING)
    with at(datetime.date(2026, 11, 20)), pytest.raises(ConflictError, match="2027-05-01"):
        repair.apply_for_repair(enterprise=enterprise, author=member(enterprise), statement="We improved.")


@pytest.mark.django_db
def test_automatic_repair_after_two_clean_years_once_across_the_regime_change():
    """Found untrustworthy under Decree 251 (2024-03-01); two clean years end on 2026-03-01, just before
    Decree 282; the job (run after 2026-04-01) repairs once, into the regime in force on that date."""
    enterprise = downgraded(datetime.date(2024, 3, 1), UntrustworthyCause.SMUGGLING)
    with at(datetime.date(2026, 2, 28)):
        assert repair.apply_automatic_repairs().processed == 0
    with at(datetime.date(2026, 4, 10)):
        assert repair.apply_automatic_repairs().processed == 1
        assert repair.apply_automatic_repairs().processed == 0
    event = CreditEvent.objects.get(enterprise=enterprise, reason=CreditEventReason.REPAIR)
    assert (event.effective_date, event.regime.code, event.to_rating.code) == (
        datetime.date(2026, 3, 1),
        "decree-251",
        "regular",
    )


@pytest.mark.django_db
def test_the_repair_decision_page_dates_the_application_in_local_time_in_customs_wording(client):
    enterprise = downgraded(datetime.date(2026, 5, 1), UntrustworthyCause.VIOLATION_COUNT)
    # 00:30 in Beijing on 2026-11-21 is still 2026-11-20 in UTC.
    with time_machine.travel(datetime.datetime(2026, 11, 21, 0, 30, tzinfo=TZ), tick=False):
        application = repair.apply_for_repair(
            enterprise=enterprise, author=member(enterprise), statement="Fines paid."
        )
        officer = customs_user("customs_officer", enterprise.local_customs)
        client.force_login(officer)
        page = client.post(
            "/admin/credit/repairapplication/",
            {"action": "grant_selected", "_selected_action": [application.pk]},
        ).content.decode()
    assert 'data-testid="repair-applications"' in page
    assert "2026-11-21 00:30" in page
    assert "made on 2026-11-21 awaits the customs' decision" in page.replace("&#x27;", "'")
    assert "Your application" not in page
    application.refresh_from_db()
    assert application.status == RepairApplication.Status.PENDING  # nothing decided by looking
