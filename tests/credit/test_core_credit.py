"""Credit rules: regimes versioned by date, events judged under the regime in force, bars on raising,
re-certification due dates, regime change by mapping, losing the pair on a downgrade."""

import datetime

import pytest

from coordinators import selectors as coordinator_selectors
from coordinators.models import PairAssignment
from credit import services
from credit.models import AbnormalListEntry, CreditEvent, CreditEventReason, CreditRating, CreditRegime
from tests.factories import EnterpriseFactory, rated_enterprise

D = datetime.date
R = CreditEventReason


def rating(regime_code, code):
    return CreditRating.objects.get(regime__code=regime_code, code=code)


def record(enterprise, regime_code, code, on, reason=R.CERTIFICATION, **kwargs):
    return services.record_credit_event(
        enterprise=enterprise, to_rating=rating(regime_code, code), effective_date=on, reason=reason, **kwargs
    )


@pytest.mark.parametrize(
    ("on", "code"),
    [
        (D(2021, 10, 31), "decree-237"),
        (D(2021, 11, 1), "decree-251"),
        (D(2026, 3, 31), "decree-251"),
        (D(2026, 4, 1), "decree-282"),
    ],
)
def test_regime_in_force_is_chosen_by_date(db, on, code):
    assert CreditRegime.in_force_on(on).code == code


def test_no_regime_before_the_first_one(db):
    with pytest.raises(services.CreditRuleError):
        services.regime_on(D(2000, 1, 1))


def test_event_must_use_a_rating_of_the_regime_in_force_on_its_date(world):
    enterprise = EnterpriseFactory(local_customs=world.office)
    with pytest.raises(services.CreditRuleError, match="regime in force"):
        record(enterprise, "decree-237", "advanced_certified", D(2022, 1, 10))
    event = record(enterprise, "decree-251", "advanced_certified", D(2022, 1, 10))
    assert event.regime.code == "decree-251"


def test_events_are_recorded_in_date_order_and_never_in_the_future(world):
    enterprise = EnterpriseFactory(local_customs=world.office)
    record(enterprise, "decree-251", "regular", D(2022, 5, 1), reason=R.INITIAL)
    with pytest.raises(services.CreditRuleError, match="date order"):
        record(enterprise, "decree-251", "advanced_certified", D(2022, 4, 1))
    with pytest.raises(services.CreditRuleError, match="future"):
        record(enterprise, "decree-282", "advanced_certified", D(2099, 1, 1))


def test_rating_cannot_be_raised_while_on_the_abnormal_list(world):
    enterprise = rated_enterprise("regular", on=D(2026, 5, 1), local_customs=world.office)
    entry = AbnormalListEntry.objects.create(
        enterprise=enterprise, reason="annual_report", listed_on=D(2026, 6, 1)
    )
    with pytest.raises(services.CreditRuleError, match="abnormal"):
        record(enterprise, "decree-282", "advanced_certified", D(2026, 7, 1))
    entry.removed_on, entry.cure = D(2026, 7, 2), "年报已补报"
    entry.save()
    record(enterprise, "decree-282", "advanced_certified", D(2026, 7, 3))


def test_downgrade_is_allowed_while_on_the_abnormal_list(world):
    enterprise = rated_enterprise("advanced_certified", on=D(2026, 5, 1), local_customs=world.office)
    AbnormalListEntry.objects.create(enterprise=enterprise, reason="unreachable", listed_on=D(2026, 6, 1))
    event = record(enterprise, "decree-282", "regular", D(2026, 7, 1), reason=R.DOWNGRADE)
    enterprise.refresh_from_db()
    assert (enterprise.rating.code, enterprise.rating.regime.code) == ("regular", "decree-282")
    assert CreditEvent.objects.filter(enterprise=enterprise).latest("id") == event


def test_gift_rule_bars_a_raise_for_three_years(world):
    enterprise = EnterpriseFactory(local_customs=world.office)
    record(enterprise, "decree-251", "advanced_certified", D(2021, 12, 1))
    record(enterprise, "decree-251", "untrustworthy", D(2022, 1, 10), reason=R.GIFT_RULE)
    with pytest.raises(services.CreditRuleError, match="gifts"):
        record(enterprise, "decree-251", "regular", D(2024, 12, 31), reason=R.REPAIR)
    record(enterprise, "decree-251", "regular", D(2025, 1, 10), reason=R.REPAIR)


def test_gift_rule_must_lower_the_rating(world):
    enterprise = EnterpriseFactory(local_customs=world.office)
    record(enterprise, "decree-251", "regular", D(2022, 1, 1), reason=R.INITIAL)
    with pytest.raises(services.CreditRuleError):
        record(enterprise, "decree-251", "advanced_certified", D(2022, 2, 1), reason=R.GIFT_RULE)


def test_reapplying_is_barred_for_a_year_after_a_downgrade(world):
    enterprise = EnterpriseFactory(local_customs=world.office)
    record(enterprise, "decree-251", "advanced_certified", D(2023, 1, 5))
    record(enterprise, "decree-251", "regular", D(2025, 3, 1), reason=R.DOWNGRADE)
    with pytest.raises(services.CreditRuleError, match="no new application before 2026-03-01"):
        record(enterprise, "decree-251", "advanced_certified", D(2026, 2, 28))
    record(enterprise, "decree-251", "advanced_certified", D(2026, 3, 1))


def test_reapplying_is_barred_for_a_year_after_a_failed_certification(world):
    enterprise = EnterpriseFactory(local_customs=world.office)
    record(enterprise, "decree-251", "regular", D(2024, 1, 5), reason=R.INITIAL)
    record(enterprise, "decree-251", "regular", D(2025, 2, 1), reason=R.FAILED_CERTIFICATION)
    with pytest.raises(services.CreditRuleError, match="Failed certification"):
        record(enterprise, "decree-251", "advanced_certified", D(2025, 12, 1))
    record(enterprise, "decree-251", "advanced_certified", D(2026, 2, 1))


def test_recertification_due_follows_the_cycle_of_the_regime_at_certification(world):
    old = EnterpriseFactory(local_customs=world.office)
    record(old, "decree-237", "advanced_certified", D(2020, 6, 1))
    old.refresh_from_db()
    assert old.recertification_due == D(2023, 6, 1)  # 3 years under Decree 237
    new = EnterpriseFactory(local_customs=world.office)
    record(new, "decree-251", "advanced_certified", D(2022, 1, 10))
    new.refresh_from_db()
    assert new.recertification_due == D(2027, 1, 10)  # 5 years under Decree 251


def test_losing_aeo_clears_the_recertification_due_date(world):
    enterprise = EnterpriseFactory(local_customs=world.office)
    record(enterprise, "decree-251", "advanced_certified", D(2022, 1, 10))
    record(enterprise, "decree-251", "regular", D(2022, 3, 1), reason=R.DOWNGRADE)
    enterprise.refresh_from_db()
    assert enterprise.recertification_due is None and enterprise.certified_on is None


def test_regime_change_maps_ratings_and_keeps_the_certification_terms(world):
    advanced = EnterpriseFactory(local_customs=world.office)
    record(advanced, "decree-237", "advanced_certified", D(2020, 6, 1))
    general = EnterpriseFactory(local_customs=world.office)
    record(general, "decree-237", "general_certified", D(2020, 6, 1))
    moved = services.apply_regime_change(CreditRegime.objects.get(code="decree-251"))
    assert moved == 2
    advanced.refresh_from_db()
    general.refresh_from_db()
    assert (advanced.rating.regime.code, advanced.rating.code) == ("decree-251", "advanced_certified")
    assert (general.rating.regime.code, general.rating.code) == ("decree-251", "regular")
    assert advanced.recertification_due == D(2023, 6, 1)
    event = CreditEvent.objects.filter(enterprise=advanced).order_by("-id").first()
    assert event.reason == R.REGIME_CHANGE and event.effective_date == D(2021, 11, 1)


def test_regime_change_is_idempotent(world):
    enterprise = EnterpriseFactory(local_customs=world.office)
    record(enterprise, "decree-237", "advanced_certified", D(2020, 6, 1))
    regime = CreditRegime.objects.get(code="decree-251")
    services.apply_regime_change(regime)
    assert services.apply_regime_change(regime) == 0
    assert CreditEvent.objects.filter(enterprise=enterprise, reason=R.REGIME_CHANGE).count() == 1


def test_downgrade_out_of_gets_coordinators_ends_the_pair(world):
    enterprise = world.new_paired_enterprise()
    today = enterprise.certified_on
    record(enterprise, "decree-282", "certified", today, reason=R.DOWNGRADE)
    pair = PairAssignment.objects.get(enterprise=enterprise)
    assert pair.ended_on is not None and pair.end_reason == PairAssignment.EndReason.NO_LONGER_AEO
    assert enterprise not in coordinator_selectors.enterprises_needing_pair()


def test_every_event_is_kept(world):
    enterprise = EnterpriseFactory(local_customs=world.office)
    record(enterprise, "decree-251", "regular", D(2022, 1, 1), reason=R.INITIAL)
    record(enterprise, "decree-251", "advanced_certified", D(2022, 2, 1))
    record(enterprise, "decree-251", "regular", D(2022, 3, 1), reason=R.DOWNGRADE)
    assert list(
        CreditEvent.objects.filter(enterprise=enterprise).order_by("id").values_list("reason", flat=True)
    ) == [
        R.INITIAL,
        R.CERTIFICATION,
        R.DOWNGRADE,
    ]


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_calls_with_one_source_key_record_one_event_and_both_return_it():
    import threading

    from django.db import connection

    from credit.models import CreditEvent, CreditEventReason
    from credit.services import record_credit_event
    from tests.factories import rated_enterprise, rating

    enterprise = rated_enterprise("regular")
    target = rating("untrustworthy")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def call():
        try:
            barrier.wait()
            results.append(
                record_credit_event(
                    enterprise=enterprise,
                    to_rating=target,
                    effective_date=enterprise.credit_events.first().effective_date,
                    reason=CreditEventReason.ABNORMAL_LIST,
                    source_key=f"concurrency:{enterprise.pk}",
                ).pk
            )
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert CreditEvent.objects.filter(source_key=f"concurrency:{enterprise.pk}").count() == 1
