"""The admin lists over the biggest tables (requests, appeals, enterprises) at any size: the same number of
queries for a few rows or many, never a count of the whole table (``CappedCountPaginator``), and a
search by unified social credit code that goes through the enterprise's unique code, not ``LIKE``."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.admin.toolkit import CappedCountPaginator
from tests.admin_pages import assert_constant_queries

pytestmark = pytest.mark.django_db
REQUESTS = "admin:coordination_coordinationrequest_changelist"
APPEALS = "admin:appeals_appeal_changelist"
ENTERPRISES = "admin:enterprises_enterprise_changelist"


def test_request_list_query_count_is_the_same_for_3_and_30_requests(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.officer)
    for _ in range(3):
        world.file_request()

    def grow():
        for n in range(27):
            world.file_request(subject=f"出口退税申报问题 {n}")

    assert_constant_queries(client, reverse(REQUESTS), grow, django_assert_max_num_queries)


def test_appeal_list_query_count_is_the_same_for_2_and_12_appeals(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.officer)
    for _ in range(2):
        world.file_appeal()

    def grow():
        for _ in range(10):
            world.file_appeal()

    assert_constant_queries(client, reverse(APPEALS), grow, django_assert_max_num_queries)


def test_a_list_past_the_cap_is_not_counted_and_says_more_than(client, world, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "COUNT_CAP", 2)
    client.force_login(world.officer)
    for n in range(4):
        world.file_request(subject=f"归类咨询 {n}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(REQUESTS))
    assert response.status_code == 200
    assert "more than 2" in response.content.decode()
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 3" in sql for sql in counts if "coordination_coordinationrequest" in sql)


def test_a_list_under_the_cap_shows_its_count(client, world):
    client.force_login(world.officer)
    world.file_request()
    response = client.get(reverse(REQUESTS))
    assert response.context["cl"].result_count == 1
    assert "more than" not in response.content.decode()


@pytest.mark.parametrize("changelist", [REQUESTS, APPEALS, ENTERPRISES])
def test_search_by_uscc_uses_the_code_alone(client, world, changelist):
    client.force_login(world.officer)
    world.file_request()
    world.file_appeal()
    other = world.new_paired_enterprise()
    uscc = world.enterprise.uscc
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(changelist), {"q": uscc.lower()})
    assert response.status_code == 200
    shown = {getattr(row, "enterprise_id", row.pk) for row in response.context["cl"].result_list}
    assert shown == {world.enterprise.pk}
    assert other.pk not in shown
    listing = [q["sql"] for q in queries.captured_queries if "LIKE" in q["sql"].upper()]
    assert not listing, listing


def test_a_search_that_is_not_a_uscc_still_searches_the_names(client, world):
    client.force_login(world.officer)
    world.file_request(subject="特殊商品归类")
    response = client.get(reverse(REQUESTS), {"q": "特殊商品"})
    assert len(response.context["cl"].result_list) == 1
