"""Scale benchmark: seed the product's real size, then time the pages and jobs that must stay fast.

Prints figures (median of repeated runs, query counts, and whether the plan of each page's main query
uses an index); asserts nothing. See bench/README.md.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", "1000000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", str(ENTERPRISES * 2)))
RESEED = os.environ.get("BENCH_RESEED") == "1"
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))


def bench_database_url() -> str:
    url = urlsplit(os.environ.get("DATABASE_URL", "postgres://guanqi@127.0.0.1:54329/guanqi"))
    name = url.path.lstrip("/") or "guanqi"
    return urlunsplit(url._replace(path=f"/{name}_bench"))


os.environ["DATABASE_URL"] = bench_database_url()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402


def ensure_database() -> None:
    import psycopg2

    url = urlsplit(os.environ["DATABASE_URL"])
    name = url.path.lstrip("/")
    admin = psycopg2.connect(urlunsplit(url._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        if exists and RESEED:
            cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = False
        if not exists:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def sql(statement: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def scalar(statement: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])
        return cursor.fetchone()[0]


def step(label: str):
    class _Step:
        def __enter__(self):
            self.start = time.perf_counter()
            print(f"  {label} ...", end="", flush=True)

        def __exit__(self, *exc):
            print(f" {time.perf_counter() - self.start:.1f}s", flush=True)

    return _Step()


def seed() -> None:
    """Set-based seeding on top of the demo organisation (districts, offices, coordinators)."""
    from coordination.models import CoordinationRequest
    from coordinators.models import Coordinator, PairAssignment
    from credit.models import CreditRating, CreditRegime
    from enterprises.models import Enterprise, EnterpriseUserObjectPermission, Membership
    from portal.models import User

    call_command("migrate", verbosity=0)
    have = Enterprise.objects.count()
    if have >= ENTERPRISES:
        print(f"Seed: the bench database already has {have:,} enterprises (BENCH_RESEED=1 to redo).")
        return
    print(f"Seeding {ENTERPRISES:,} enterprises and {REQUESTS:,} requests:")
    with step("demo organisation"):
        call_command("load_demo", verbosity=0)
    regime = CreditRegime.objects.order_by("-effective_from").first()
    ratings = list(CreditRating.objects.filter(regime=regime).order_by("-rank").values_list("pk", flat=True))
    ent, usr, mem, perm = (
        m._meta.db_table for m in (Enterprise, User, Membership, EnterpriseUserObjectPermission)
    )
    coord, pair, req = (m._meta.db_table for m in (Coordinator, PairAssignment, CoordinationRequest))
    view_perm = scalar("SELECT id FROM auth_permission WHERE codename = 'view_enterprise'")
    start = Enterprise.objects.count()
    n = ENTERPRISES - start
    with step(f"{n:,} enterprises"):
        sql(
            f"""
            INSERT INTO {ent} (uscc, customs_code, name_zh, name_en, registered_address, district_id,
                               local_customs_id, industry, is_listed, employees, premises, phone, email,
                               rating_id, certified_on, recertification_due, created_at)
            SELECT 'B' || lpad(i::text, 17, '0'), 'B' || lpad(i::text, 9, '0'),
                   '基准企业' || i || '有限公司', 'Bench Enterprise ' || i, '基准路' || i || '号',
                   lc.district_id, lc.id, 'trading', false, 100, '', '', '',
                   (%(ratings)s::bigint[])[1 + (i %% %(nratings)s)],
                   CASE WHEN i %% %(nratings)s = 0 THEN date '2022-01-01' + (i %% 1500) END,
                   CASE WHEN i %% %(nratings)s = 0 THEN date '2027-01-01' + (i %% 1500) END,
                   now() - (i %% 2000) * interval '1 day'
            FROM generate_series(1, %(n)s) AS i
            JOIN LATERAL (SELECT id, district_id FROM portal_localcustoms
                          ORDER BY id OFFSET (i %% (SELECT count(*) FROM portal_localcustoms)) LIMIT 1) lc ON true
            """,
            {"ratings": ratings, "nratings": len(ratings), "n": n},
        )
    with step("contact persons, memberships and their object grants"):
        sql(
            f"""
            INSERT INTO {usr} (password, is_superuser, username, first_name, last_name, email, is_staff,
                               is_active, date_joined, full_name, phone, email_notifications, announcement_digest,
                               language, browser_language)
            SELECT '!', false, 'bench.cp.' || e.id, '', '', '', false, true, now(), '联系人' || e.id, '', false, false,
                   '', ''
            FROM {ent} e WHERE e.uscc LIKE 'B%%'
            """
        )
        sql(
            f"""
            INSERT INTO {mem} (enterprise_id, user_id, role, position, is_senior_executive, started_at, district_id)
            SELECT e.id, u.id, 'contact_person', '副总经理', true, now(), e.district_id
            FROM {ent} e JOIN {usr} u ON u.username = 'bench.cp.' || e.id
            """
        )
        sql(
            f"""
            INSERT INTO {perm} (permission_id, user_id, content_object_id)
            SELECT %s, m.user_id, m.enterprise_id FROM {mem} m JOIN {usr} u ON u.id = m.user_id
            WHERE u.username LIKE 'bench.cp.%%'
            """,
            [view_perm],
        )
        sql(
            f"""
            INSERT INTO {User.groups.through._meta.db_table} (user_id, group_id)
            SELECT u.id, g.id FROM {usr} u, auth_group g
            WHERE u.username LIKE 'bench.cp.%%' AND g.name = 'contact_person'
            """
        )
    with step("pairs for advanced-certified enterprises (and coordinator grants)"):
        sql(
            f"""
            WITH c AS (SELECT id, local_customs_id, row_number() OVER (PARTITION BY local_customs_id ORDER BY id) - 1 AS k,
                              count(*) OVER (PARTITION BY local_customs_id) AS n
                       FROM {coord} WHERE status = 'active' AND qualification_valid_until >= current_date)
            INSERT INTO {pair} (enterprise_id, coordinator_a_id, coordinator_b_id, started_on, end_reason,
                                district_id, a_since, b_since)
            SELECT e.id, LEAST(a.id, b.id), GREATEST(a.id, b.id), current_date - 100, '',
                   e.district_id, current_date - 100, current_date - 100
            FROM {ent} e
            JOIN credit_creditrating r ON r.id = e.rating_id AND r.gets_coordinators
            JOIN c a ON a.local_customs_id = e.local_customs_id AND a.k = e.id %% a.n
            JOIN c b ON b.local_customs_id = e.local_customs_id AND b.k = (e.id + 1) %% b.n
            WHERE e.uscc LIKE 'B%%' AND a.n >= 2
            """
        )
        sql(
            f"""
            INSERT INTO {perm} (permission_id, user_id, content_object_id)
            SELECT %s, c.user_id, p.enterprise_id FROM {pair} p
            JOIN {coord} c ON c.id IN (p.coordinator_a_id, p.coordinator_b_id)
            JOIN {ent} e ON e.id = p.enterprise_id
            WHERE p.ended_on IS NULL AND e.uscc LIKE 'B%%'
            """,
            [view_perm],
        )
    with step(f"{REQUESTS:,} coordination requests over five years"):
        sql(
            f"""
            INSERT INTO {req} (enterprise_id, service_type, subject, description, urgency, status, filed_by_id,
                               filed_at, status_changed_at, first_office_id, responsible_office_id,
                               first_response_due, resolution_due, paused_working_days, resolution_summary,
                               rating_comment, resolved_at, closed_at, first_responded_at, district_id,
                               search_vector)
            SELECT e.id, (ARRAY['consulting','appeals','difficult_problems','opinions','standards_guidance',
                                'cooperation_guidance','other'])[1 + i %% 7],
                   '关于进口货物归类与退税的咨询 ' || i, '基准数据', 'normal',
                   CASE WHEN i %% 50 = 0 THEN 'submitted' WHEN i %% 50 = 1 THEN 'in_progress' ELSE 'closed' END,
                   m.user_id, f.at, f.at, e.local_customs_id, e.local_customs_id,
                   f.at + interval '2 days', f.at + interval '10 days', 0, '', '',
                   CASE WHEN i %% 50 > 1 THEN f.at + interval '5 days' END,
                   CASE WHEN i %% 50 > 1 THEN f.at + interval '6 days' END,
                   CASE WHEN i %% 50 > 1 THEN f.at + interval '1 day' END,
                   e.district_id,
                   -- the words jieba cuts from the subject (portal.search), weighted as the service writes them
                   setweight(to_tsvector('simple', '关于 进口 货物 归类 与 退税 的 咨询 ' || i), 'A')
                   || setweight(to_tsvector('simple', '基准 数据'), 'B')
            FROM generate_series(1, %(n)s) AS i
            JOIN {ent} e ON e.id = (SELECT min(id) FROM {ent} WHERE uscc LIKE 'B%%') + (i %% %(ents)s)
            JOIN {mem} m ON m.enterprise_id = e.id AND m.ended_at IS NULL AND m.role = 'contact_person'
            CROSS JOIN LATERAL (SELECT now() - ((i::bigint * 7919) %% (5 * 365 * 24)) * interval '1 hour' AS at) f
            """,
            {"n": REQUESTS, "ents": n},
        )
    with step("ANALYZE"):
        sql("ANALYZE")


class QueryCounter:
    """Counts SQL statements (a request resets Django's own query log, so wrap execution instead)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(label: str, func, repeat: int = REPEAT) -> None:
    durations, queries = [], 0
    for _ in range(repeat):
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            start = time.perf_counter()
            outcome = func()
            durations.append((time.perf_counter() - start) * 1000)
        queries = counter.count
    status = getattr(outcome, "status_code", "")
    print(
        f"  {label:<58} median {statistics.median(durations):8.1f} ms  max {max(durations):8.1f} ms  "
        f"{queries:3d} queries  {status}"
    )


def page(client: Client, url: str):
    return lambda: client.get(url)


def main() -> None:
    from coordinators.models import Coordinator, PairAssignment
    from enterprises.models import Enterprise, Membership
    from portal.models import User

    ensure_database()
    seed()
    total = Enterprise.objects.count()
    print(
        f"\nData: {total:,} enterprises; {scalar('SELECT count(*) FROM coordination_coordinationrequest'):,} requests; "
        f"{PairAssignment.objects.filter(ended_on__isnull=True).count():,} active pairs.\n"
    )

    officer = User.objects.get(username="officer.bj")
    manager = User.objects.get(username="manager.bj")
    admin = User.objects.get(username="admin")
    busy = (
        PairAssignment.objects.filter(ended_on__isnull=True)
        .values("coordinator_a")
        .order_by()
        .annotate(n=django.db.models.Count("id"))
        .order_by("-n")
        .first()
    )
    coordinator = Coordinator.objects.select_related("user").get(pk=busy["coordinator_a"]) if busy else None
    contact = (
        Membership.objects.filter(user__username__startswith="bench.cp.", ended_at__isnull=True)
        .select_related("user")
        .first()
    )

    file_enterprise = (
        PairAssignment.objects.filter(ended_on__isnull=True, coordinator_a=coordinator)
        .values_list("enterprise_id", flat=True)
        .first()
        if coordinator
        else None
    )
    clients = {"anonymous": Client()}
    for name, user in (
        ("officer", officer),
        ("manager", manager),
        ("admin", admin),
        ("coordinator", coordinator.user if coordinator else None),
        ("contact", contact.user if contact else None),
    ):
        if user is not None:
            clients[name] = Client()
            clients[name].force_login(user)

    print("Pages (as their users see them):")
    probes = [
        ("admin", "/admin/enterprises/enterprise/", "admin: enterprise changelist"),
        ("admin", "/admin/enterprises/enterprise/?q=B00000000000012345", "admin: enterprise search by USCC"),
        (
            "admin",
            "/admin/enterprises/enterprise/?rating__id__exact="
            + str(Enterprise.objects.values_list("rating_id", flat=True).first()),
            "admin: enterprises filtered by rating",
        ),
        ("officer", "/admin/coordination/coordinationrequest/", "admin: coordination requests (officer)"),
        ("officer", "/admin/appeals/appeal/", "admin: appeals triage (officer)"),
        ("contact", "/enterprise/", "enterprise home (contact person)"),
        ("contact", "/coordination/requests/", "my requests (contact person)"),
        ("contact", "/api/requests/", "API: request list (contact person)"),
        (
            "coordinator",
            "/coordination/workspace/",
            f"coordinator workspace ({busy['n'] if busy else 0:,} enterprises)",
        ),
        ("manager", "/supervision/", "workload dashboard (manager, district)"),
        ("contact", "/coordination/answers/?q=退税", "published answers search (Chinese)"),
        ("officer", "/officer/", "officer's desk (bounded counts, officer)"),
        ("manager", "/officer/", "officer's desk (bounded counts, manager)"),
        ("officer", "/enterprise/served/", "My enterprises (officer, district, first page)"),
        ("officer", "/enterprise/served/?q=B00000000000012345", "My enterprises: search by USCC"),
        ("officer", "/enterprise/served/?due=soon&sort=due", "My enterprises: re-certification due soon"),
        ("coordinator", "/enterprise/served/", "My enterprises (coordinator)"),
        ("coordinator", f"/enterprise/{file_enterprise}/file/", "enterprise file (coordinator)"),
        ("coordinator", "/coordination/workspace/?q=出口退税怎么办", "workspace full-text search (Chinese)"),
        ("anonymous", "/verify/?code=B00000000000012345", "public status look-up (by USCC)"),
    ]
    for who, url, label in probes:
        if who in clients:
            try:
                timed(label, page(clients[who], url))
            except Exception as exc:  # a page that breaks at scale is itself a figure to report
                print(f"  {label:<58} ERROR {exc.__class__.__name__}: {exc}")

    print("\nScoping:")
    if coordinator:
        timed(
            "visible_to(coordinator).count()", lambda: Enterprise.objects.visible_to(coordinator.user).count()
        )
    timed("visible_to(manager) first page", lambda: list(Enterprise.objects.visible_to(manager)[:25]))

    print("\nJobs (one full run each over all enterprises):")
    from django.utils.module_loading import import_string

    for dotted, label in (
        ("credit.services.recertification.send_recertification_reminders", "re-certification reminders"),
        ("credit.services.abnormal_list.identify_long_listed", "abnormal list over 90 days → untrustworthy"),
        (
            "credit.services.annual_reports.list_annual_report_candidates",
            "annual-report abnormal-list candidates",
        ),
        ("credit.services.repair.apply_automatic_repairs", "automatic credit repair"),
        ("coordination.escalation.escalate_overdue", "escalate overdue requests"),
    ):
        try:
            job = import_string(dotted)
        except ImportError:
            print(f"  {label:<58} (not found: {dotted})")
            continue
        timed(label, job, repeat=1)


if __name__ == "__main__":
    main()
