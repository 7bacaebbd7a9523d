"""The credit admin: credit events recorded through the service (a refused raise is a form error, an
enterprise of another district is refused), never changed or deleted; the lists open for officers and
run a constant number of queries."""

import pytest
from django.urls import reverse
from django.utils import timezone

from credit.models import AbnormalListEntry, CreditEvent, CreditRating
from tests.admin_pages import assert_constant_queries


def test_credit_event_list_query_count_is_the_same_for_3_and_30_rows(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.officer)
    for _ in range(3):
        world.new_enterprise()

    def grow():
        for _ in range(27):
            world.new_enterprise()

    url = reverse("admin:credit_creditevent_changelist")
    assert_constant_queries(client, url, grow, django_assert_max_num_queries)
    assert CreditEvent.objects.count() >= 30


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:credit_selfexamination_changelist",
        "admin:credit_creditregime_changelist",
        "admin:credit_creditrating_changelist",
        "admin:credit_ratingmapping_changelist",
        "admin:credit_standarditem_changelist",
    ],
)
def test_officer_opens_every_credit_list(client, world, url_name):
    world.new_paired_enterprise()
    client.force_login(world.officer)
    assert client.get(reverse(url_name)).status_code == 200


def test_credit_event_form_records_through_the_service(client, world):
    enterprise = world.new_enterprise("regular")
    client.force_login(world.officer)
    url = reverse("admin:credit_creditevent_add")
    assert client.get(url, {"enterprise": enterprise.pk}).status_code == 200
    target = CreditRating.objects.get(regime__code="decree-282", code="advanced_certified")
    response = client.post(
        url,
        {
            "enterprise": enterprise.pk,
            "to_rating": target.pk,
            "effective_date": timezone.localdate().isoformat(),
            "reason": "certification",
            "evidence": "认证报告",
        },
    )
    assert response.status_code == 302
    event = CreditEvent.objects.filter(enterprise=enterprise).latest("id")
    assert event.to_rating == target and event.actor == world.officer


def test_credit_event_form_shows_a_refused_raise(client, world):
    enterprise = world.new_enterprise("regular")
    AbnormalListEntry.objects.create(
        enterprise=enterprise,
        reason="annual_report",
        listed_on=enterprise.certified_on or timezone.localdate(),
    )
    client.force_login(world.officer)
    target = CreditRating.objects.get(regime__code="decree-282", code="advanced_certified")
    before = CreditEvent.objects.count()
    response = client.post(
        reverse("admin:credit_creditevent_add"),
        {
            "enterprise": enterprise.pk,
            "to_rating": target.pk,
            "effective_date": timezone.localdate().isoformat(),
            "reason": "certification",
        },
    )
    assert response.status_code == 200
    assert "abnormal" in " ".join(response.context["form"].non_field_errors())
    assert CreditEvent.objects.count() == before


def test_credit_event_form_refuses_an_enterprise_of_another_district(client, world):
    foreign = world.new_enterprise("regular", office=world.foreign_office)
    client.force_login(world.officer)
    target = CreditRating.objects.get(regime__code="decree-282", code="advanced_certified")
    response = client.post(
        reverse("admin:credit_creditevent_add"),
        {
            "enterprise": foreign.pk,
            "to_rating": target.pk,
            "effective_date": timezone.localdate().isoformat(),
            "reason": "certification",
        },
    )
    assert response.status_code == 200 and "enterprise" in response.context["form"].errors


def test_credit_events_cannot_be_changed_or_deleted(client, world):
    enterprise = world.new_enterprise()
    event = CreditEvent.objects.get(enterprise=enterprise)
    client.force_login(world.manager)
    assert client.get(reverse("admin:credit_creditevent_delete", args=[event.pk])).status_code == 403
    client.post(reverse("admin:credit_creditevent_change", args=[event.pk]), {"reason_text": "rewritten"})
    event.refresh_from_db()
    assert event.reason_text != "rewritten"
