"""Checks of the generated data set: every row valid for the app (run after generation; a failure
fails ``bench_generate``). Set-based queries, plus python-stdnum and the SLA service on samples."""

from __future__ import annotations

import random

from django.db import connection

COUNTED = [
    ("enterprises", "enterprises_enterprise"),
    ("users", "portal_user"),
    ("memberships", "enterprises_membership"),
    ("object permissions (guardian)", "enterprises_enterpriseuserobjectpermission"),
    ("coordinators", "coordinators_coordinator"),
    ("active pairs", "coordinators_pairassignment WHERE ended_on IS NULL"),
    ("credit events", "credit_creditevent"),
    ("untrustworthy findings", "credit_untrustworthyfinding"),
    ("abnormal-list entries", "credit_abnormallistentry"),
    ("  open", "credit_abnormallistentry WHERE removed_on IS NULL"),
    ("annual reports", "credit_annualreport"),
    ("coordination requests", "coordination_coordinationrequest"),
    (
        "  open",
        "coordination_coordinationrequest WHERE status IN "
        "('submitted','accepted','in_progress','awaiting_enterprise','transferred')",
    ),
    ("request handlers", "coordination_requesthandler"),
    ("request transitions", "coordination_requesttransition"),
    ("request messages", "coordination_requestmessage"),
    ("site visits", "coordination_sitevisit"),
    ("appeals", "appeals_appeal"),
    ("appeal events", "appeals_appealevent"),
    ("notifications", "portal_notification"),
    ("escalations", "portal_escalation"),
    ("re-certification reminders", "credit_recertificationreminder"),
    ("announcements", "outreach_announcement"),
]


def _scalar(statement: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.fetchone()[0]


def check_generated(generator) -> dict:
    counts = {name: _scalar(f"SELECT count(*) FROM {table}") for name, table in COUNTED}
    checks = []

    def check(name: str, ok: bool, detail) -> None:
        checks.append({"name": name, "ok": bool(ok), "detail": detail})

    # USCCs: validated with python-stdnum (every row up to 200,000, else a random sample of 20,000).
    from stdnum.cn import uscc

    with connection.cursor() as cursor:
        cursor.execute("SELECT uscc FROM enterprises_enterprise WHERE id > %s", [generator.e0])
        codes = [row[0] for row in cursor.fetchall()]
    sample = codes if len(codes) <= 200_000 else random.Random(1).sample(codes, 20_000)
    invalid = [c for c in sample if not uscc.is_valid(c)]
    check(
        "USCC check characters (python-stdnum)",
        not invalid,
        f"{len(sample):,} checked, {len(invalid)} invalid",
    )
    # One contact person per enterprise, with the grants.
    missing = _scalar(
        """SELECT count(*) FROM enterprises_enterprise e WHERE e.id > %s AND NOT EXISTS (
             SELECT 1 FROM enterprises_membership m WHERE m.enterprise_id = e.id AND m.role = 'contact_person'
               AND m.ended_at IS NULL)""",
        [generator.e0],
    )
    check("every enterprise has its contact person", missing == 0, f"{missing} without")
    grants = _scalar(
        """SELECT count(*) FROM enterprises_membership m WHERE m.ended_at IS NULL AND m.enterprise_id > %s
           AND NOT EXISTS (SELECT 1 FROM enterprises_enterpriseuserobjectpermission p
             JOIN auth_permission ap ON ap.id = p.permission_id AND ap.codename = 'view_enterprise'
             WHERE p.user_id = m.user_id AND p.content_object_id = m.enterprise_id)""",
        [generator.e0],
    )
    check("every member holds view_enterprise", grants == 0, f"{grants} without")
    pair_grants = _scalar(
        """SELECT count(*) FROM coordinators_pairassignment p
           JOIN coordinators_coordinator c ON c.id IN (p.coordinator_a_id, p.coordinator_b_id)
           WHERE p.ended_on IS NULL AND NOT EXISTS (SELECT 1 FROM enterprises_enterpriseuserobjectpermission g
             JOIN auth_permission ap ON ap.id = g.permission_id AND ap.codename = 'coordinate_enterprise'
             WHERE g.user_id = c.user_id AND g.content_object_id = p.enterprise_id)"""
    )
    check(
        "both coordinators of each pair hold coordinate_enterprise",
        pair_grants == 0,
        f"{pair_grants} without",
    )
    unpaired = _scalar(
        """SELECT count(*) FROM enterprises_enterprise e JOIN credit_creditrating r ON r.id = e.rating_id
           WHERE r.gets_coordinators AND e.id > %s AND NOT EXISTS (
             SELECT 1 FROM coordinators_pairassignment p WHERE p.enterprise_id = e.id AND p.ended_on IS NULL)""",
        [generator.e0],
    )
    check("every advanced-certified enterprise has an active pair", unpaired == 0, f"{unpaired} without")
    load = _scalar(
        """SELECT round(avg(n), 1) || ' (max ' || max(n) || ')' FROM (SELECT c.id, count(p.id) AS n
           FROM coordinators_coordinator c LEFT JOIN coordinators_pairassignment p
             ON c.id IN (p.coordinator_a_id, p.coordinator_b_id) AND p.ended_on IS NULL GROUP BY c.id) x"""
    )
    check("enterprises per coordinator", True, load)
    # Each coordinator's service of the enterprise (the rotation's clock): set, from the pair's start.
    since_wrong = _scalar(
        """SELECT count(*) FROM coordinators_pairassignment p WHERE p.enterprise_id > %s
           AND (p.a_since IS NULL OR p.b_since IS NULL OR p.a_since < p.started_on OR p.b_since < p.started_on
                OR greatest(p.a_since, p.b_since) > current_date)""",
        [generator.e0],
    )
    check("pairs: each coordinator serves since (a_since, b_since)", since_wrong == 0, f"{since_wrong} wrong")
    # The current rating is the latest event's; each event starts from the previous one's rating.
    wrong_rating = _scalar(
        """SELECT count(*) FROM enterprises_enterprise e JOIN LATERAL (
             SELECT to_rating_id FROM credit_creditevent ev WHERE ev.enterprise_id = e.id
             ORDER BY effective_date DESC, id DESC LIMIT 1) last ON true
           WHERE e.id > %s AND last.to_rating_id IS DISTINCT FROM e.rating_id""",
        [generator.e0],
    )
    check("current rating = latest credit event's", wrong_rating == 0, f"{wrong_rating} differ")
    broken = _scalar(
        """SELECT count(*) FROM (SELECT from_rating_id, lag(to_rating_id) OVER w AS previous, regime_id,
             lag(regime_id) OVER w AS previous_regime, reason, effective_date, lag(effective_date) OVER w AS previous_date,
             (SELECT effective_from FROM credit_creditregime r WHERE r.id = ev.regime_id) AS regime_from
           FROM credit_creditevent ev WHERE enterprise_id > %s
           WINDOW w AS (PARTITION BY enterprise_id ORDER BY effective_date, id)) x
           WHERE from_rating_id IS DISTINCT FROM previous OR effective_date < previous_date
              OR effective_date < regime_from
              OR (regime_id <> previous_regime AND reason <> 'regime_change')""",
        [generator.e0],
    )
    check(
        "credit event chains (from = previous to, dates in order, regime in force)",
        broken == 0,
        f"{broken} broken",
    )
    # The denormalised district on every enterprise-owned row.
    for table in (
        "enterprises_membership",
        "credit_creditevent",
        "credit_abnormallistentry",
        "credit_annualreport",
        "coordination_coordinationrequest",
        "coordination_sitevisit",
        "coordinators_pairassignment",
        "appeals_appeal",
    ):
        wrong = _scalar(
            f"""SELECT count(*) FROM {table} x JOIN enterprises_enterprise e ON e.id = x.enterprise_id
                WHERE x.district_id <> e.district_id"""
        )
        check(f"district_id of {table}", wrong == 0, f"{wrong} wrong")
    # SLA dues as coordination.sla computes them (a sample of 300 requests).
    from coordination import sla
    from coordination.models import CoordinationRequest

    sample_ids = list(
        CoordinationRequest.objects.filter(pk__gt=generator.r0)
        .order_by("?")
        .values_list("pk", flat=True)[:300]
    )
    off = 0
    for request in CoordinationRequest.objects.filter(pk__in=sample_ids):
        first, resolution = sla.due_dates(request.service_type, request.filed_at)
        if (first, resolution) != (request.first_response_due, request.resolution_due):
            off += 1
    check(
        "SLA dues = coordination.sla.due_dates (sample)", off == 0, f"{len(sample_ids)} checked, {off} differ"
    )
    status_vs_transition = _scalar(
        """SELECT count(*) FROM coordination_coordinationrequest r JOIN LATERAL (
             SELECT to_status FROM coordination_requesttransition t WHERE t.request_id = r.id
             ORDER BY at DESC, id DESC LIMIT 1) last ON true
           WHERE r.id > %s AND last.to_status <> r.status""",
        [generator.r0],
    )
    check(
        "request status = its latest transition's",
        status_vs_transition == 0,
        f"{status_vs_transition} differ",
    )
    # The deadline that matters now, as the services keep it (CoordinationRequest.compute_next_due).
    next_due_off = 0
    for request in CoordinationRequest.objects.filter(pk__in=sample_ids):
        if request.next_due != request.compute_next_due():
            next_due_off += 1
    check(
        "next deadline = compute_next_due (sample)",
        next_due_off == 0,
        f"{len(sample_ids)} checked, {next_due_off} differ",
    )
    # A done site visit has its record, confirmed by both coordinators (coordination.services).
    unrecorded = _scalar(
        """SELECT count(*) FROM coordination_sitevisit v WHERE v.status = 'done' AND v.enterprise_id > %s
           AND (SELECT count(*) FROM coordination_sitevisitrecord r
                JOIN coordination_visitsignature s ON s.record_id = r.id AND s.decision = 'confirmed'
                WHERE r.visit_id = v.id) <> 2""",
        [generator.e0],
    )
    check(
        "done site visits: a record confirmed by both coordinators", unrecorded == 0, f"{unrecorded} without"
    )
    # Notifications render in both languages (stored messages, portal.messages).
    from django.utils import translation

    from portal.messages import render
    from portal.models import Notification

    unrendered = 0
    for notification in Notification.objects.order_by("-pk")[:200]:
        for language in ("zh-hans", "en"):
            with translation.override(language):
                text = render(notification.message)
            if not text or "%(" in text:
                unrendered += 1
    check("notifications render in Chinese and English (sample)", unrendered == 0, f"{unrendered} not")
    return {"counts": counts, "checks": checks}
