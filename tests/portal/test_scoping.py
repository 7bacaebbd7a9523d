"""The one scoping design (portal.scoping) filters on columns of the row itself, so officers' and managers'
lists stay index scans at a million enterprises: no subplan over a district's enterprise ids.

The plans are checked at small scale with EXPLAIN: a subquery's *shape* (``IN (SELECT id FROM
enterprises_enterprise …)``) shows in the plan whatever the table sizes; the bench (bench/) measures the
same pages at full size.
"""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appeals import services as appeals
from appeals.models import Appeal
from coordination import services as requests
from coordination.models import CoordinationRequest
from coordinators.models import RecusalReason
from coordinators.services import declare_recusal
from credit.models import AbnormalListEntry, CreditEvent
from enterprises.models import Enterprise, Membership
from portal.roles import Role
from tests.factories import LocalCustomsFactory, customs_user, management_manager, member, paired_enterprise

pytestmark = pytest.mark.django_db

SCOPED = [CoordinationRequest, Appeal, CreditEvent, AbnormalListEntry, Membership, Enterprise]


def _file(enterprise, contact, subject="申请"):
    return requests.file_request(
        enterprise=enterprise, author=contact, service_type="consulting", subject=subject, description="d"
    )


@pytest.fixture
def two_districts():
    mine, a, b = paired_enterprise()
    other, *_ = paired_enterprise()
    contact, other_contact = member(mine), member(other)
    _file(mine, contact, "本关区")
    _file(other, other_contact, "外关区")
    appeals.file_appeal(
        enterprise=mine, author=contact, appeal_type="credit_decision", subject="s", grounds="g"
    )
    appeals.file_appeal(
        enterprise=other, author=other_contact, appeal_type="credit_decision", subject="s", grounds="g"
    )
    officer = customs_user(Role.CUSTOMS_OFFICER, LocalCustomsFactory(district=mine.district))
    return {"mine": mine, "other": other, "officer": officer, "a": a, "b": b, "contact": contact}


@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m.__name__)
def test_an_officers_scope_is_their_districts_column_not_a_subquery(two_districts, model):
    officer = two_districts["officer"]
    sql = str(model.objects.visible_to(officer).query)
    assert f'"district_id" = {two_districts["mine"].district_id}' in sql
    assert "SELECT" not in sql.split("WHERE", 1)[1], sql  # no subquery in the filter


def test_a_coordinators_scope_is_a_literal_list_without_the_enterprise_they_withdrew_from(two_districts):
    a, mine = two_districts["a"], two_districts["mine"]
    assert set(CoordinationRequest.objects.visible_to(a.user).values_list("enterprise_id", flat=True)) == {
        mine.pk
    }
    manager = management_manager(mine.district)
    declare_recusal(coordinator=a, enterprise=mine, reason=RecusalReason.KINSHIP, actor=manager)
    sql = str(CoordinationRequest.objects.visible_to(a.user).query)
    assert "SELECT" not in sql.split("WHERE", 1)[1], sql
    assert not CoordinationRequest.objects.visible_to(a.user).exists()


def _enterprise_subplans(plan: dict) -> list[str]:
    """The subplans over the enterprise table that *filter* rows (``… IN (SELECT id FROM enterprise …)``
    shows as ``(hashed) SubPlan n`` in a node's filter). A subplan that computes a figure per row of a
    small table (an office's count of AEO enterprises) is an aggregate, not a scope, and is allowed."""
    subplans: dict[str, dict] = {}
    filters: list[str] = []

    def walk(node: dict) -> None:
        if node.get("Parent Relationship") in ("SubPlan", "InitPlan") and "Subplan Name" in node:
            subplans[node["Subplan Name"].split(" (")[0]] = node
        for key in ("Filter", "Index Cond", "Recheck Cond", "Join Filter", "Hash Cond"):
            if key in node:
                filters.append(node[key])
        for child in node.get("Plans", []):
            walk(child)

    def reads_enterprises(node: dict) -> bool:
        if node.get("Relation Name") == "enterprises_enterprise":
            return True
        return any(reads_enterprises(child) for child in node.get("Plans", []))

    walk(plan)
    return [
        name
        for name, node in subplans.items()
        if reads_enterprises(node) and any(re.search(rf"\b{name}\b", f) for f in filters)
    ]


def _plans_of(client, url: str, table: str) -> list[tuple[str, list[str]]]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    checked = []
    with connection.cursor() as cursor:
        for query in ctx.captured_queries:
            sql = query["sql"]
            if not sql.startswith("SELECT") or table not in sql:
                continue
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            (plan,) = cursor.fetchone()
            plan = plan if isinstance(plan, list) else json.loads(plan)
            checked.append((sql, _enterprise_subplans(plan[0]["Plan"])))
    return checked


@pytest.mark.parametrize(
    ("url_name", "table"),
    [
        ("admin:coordination_coordinationrequest_changelist", "coordination_coordinationrequest"),
        ("admin:appeals_appeal_changelist", "appeals_appeal"),
        ("admin:credit_creditevent_changelist", "credit_creditevent"),
    ],
)
def test_officers_admin_lists_have_no_subplan_over_enterprise_ids(client, two_districts, url_name, table):
    client.force_login(two_districts["officer"])
    checked = _plans_of(client, reverse(url_name), table)
    assert checked, "the page read no rows of the list"
    for sql, subplans in checked:
        assert not subplans, f"{subplans} in {sql}"


def test_managers_dashboard_queries_have_no_subplan_over_enterprise_ids(client, two_districts):
    manager = management_manager(two_districts["mine"].district)
    client.force_login(manager)
    checked = _plans_of(client, reverse("supervision:dashboard"), "coordination_coordinationrequest")
    assert checked
    for sql, subplans in checked:
        assert not subplans, f"{subplans} in {sql}"


@pytest.mark.parametrize("model", [CoordinationRequest, Appeal, CreditEvent, Membership, Enterprise])
def test_the_officer_sees_only_their_districts_rows(two_districts, model):
    officer, mine = two_districts["officer"], two_districts["mine"]
    districts = set(model.objects.visible_to(officer).values_list("district_id", flat=True))
    assert districts == {mine.district_id}
    assert model.objects.exclude(district_id=mine.district_id).exists()  # the other district has rows


def test_the_plan_check_catches_the_old_subquery_scope(two_districts):
    """The shape that collapsed at a million enterprises is caught by the check above."""
    from django.db.models import Q

    mine = two_districts["mine"]
    old_scope = CoordinationRequest.objects.filter(
        Q(enterprise_id__in=Enterprise.objects.filter(district_id=mine.district_id).values("pk"))
        | Q(pending_office_id=mine.local_customs_id)
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + str(old_scope.query))
        (plan,) = cursor.fetchone()
    plan = plan if isinstance(plan, list) else json.loads(plan)
    assert _enterprise_subplans(plan[0]["Plan"])
