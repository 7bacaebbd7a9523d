"""The failure drill of the cluster (``make cluster-test``; docs/OPERATIONS.md, "What the drill measured").

Against the running cluster (scripts/cluster/cluster.sh start), under a steady wrk load on loopback of
mixed pages (enterprise home, request list, the coordinators' workspace, the managers' dashboard, the
knowledge base, admin change lists, the API's request list) and request filings through the API:

1. a split daily job starts (re-certification, over enterprises seeded overdue for it);
2. web node b is killed (SIGKILL of its gunicorn master and workers);
3. the jobs worker of node a is killed (SIGKILL) while it runs a chunk of the job;
4. the replica is stopped (immediate shutdown).

Then it checks and prints: failed client requests (0 for pages; filings in flight on the killed node
at most one per gunicorn worker, since nginx never resends a POST), every filing answered 201 present
once, every notification created during the drill e-mailed exactly once, and the job completed once
with each overdue enterprise flagged once (the chunk of the killed worker taken over by the other).
Exit status 1 when a check fails. Figures also go to var/cluster/drill.json.
"""

from __future__ import annotations

import email
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from email.header import decode_header, make_header
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = ROOT / "scripts" / "cluster" / "cluster.sh"
C = ROOT / "var" / "cluster"
BASE = "http://127.0.0.1:8490"
DURATION = int(os.environ.get("DRILL_SECONDS", "90"))
CONNECTIONS = 4
OVERDUE = int(os.environ.get("DRILL_OVERDUE_ENTERPRISES", "2000"))
WEB_WORKERS = int(os.environ.get("CLUSTER_WEB_WORKERS", "2"))


def say(message: str) -> None:
    print(f"[drill {time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def cluster(*args: str) -> None:
    subprocess.run([str(CLUSTER), *args], check=True)


def setup_django() -> None:
    for line in subprocess.run(
        [str(CLUSTER), "env"], check=True, capture_output=True, text=True
    ).stdout.splitlines():
        key, _, value = line.partition("=")
        os.environ[key] = value
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def session_cookie(username: str, csrf: str) -> str:
    """A signed-in session of the demo user, made the way ``login()`` makes it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    for hook in SESSION_HOOKS:
        hook(user, session)
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"


def _verified_second_factor(user, session) -> None:
    """Customs staff sign in with a second factor where the portal asks for one (portal.security, with
    django-otp): mark the session verified with the user's TOTP device, as the second-factor form does."""
    import importlib

    try:
        security = importlib.import_module("portal.security")
    except ModuleNotFoundError:
        return
    if not security.needs_second_factor(user):
        return
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="drill", confirmed=True)
    session["otp_device_id"] = device.persistent_id


SESSION_HOOKS = [_verified_second_factor]


def seed_overdue(token: str) -> list[int]:
    """Enterprises of Beijing overdue for re-certification (set-based), for the split job."""
    import datetime

    from django.utils import timezone

    from enterprises.models import Enterprise
    from portal.demo_ids import make_customs_code, make_uscc

    # A Beijing enterprise of the demo lends its district, office and rating (its USCC starts 9111).
    template = (
        Enterprise.objects.filter(uscc__startswith="9111").exclude(local_customs=None).first()
        or Enterprise.objects.exclude(local_customs=None).first()
    )
    if template is None:
        raise SystemExit("the demo is not loaded: no enterprise to take a district and office from")
    base = 700_000 + Enterprise.objects.filter(name_en__startswith="drill").count()
    due = timezone.localdate() - datetime.timedelta(days=10)
    rows = [
        Enterprise(
            uscc=make_uscc(base + n),
            customs_code=make_customs_code(base + n),
            name_zh=f"演练企业{token}-{n}",
            name_en=f"drill {token} {n}",
            registered_address="北京",
            district_id=template.district_id,
            local_customs_id=template.local_customs_id,
            rating_id=template.rating_id,
            certified_on=due - datetime.timedelta(days=3 * 365),
            recertification_due=due,
        )
        for n in range(OVERDUE)
    ]
    return [e.pk for e in Enterprise.objects.bulk_create(rows, batch_size=1000)]


def preflight(lines: list[tuple[str, str, str]]) -> None:
    for method, path, cookie in lines:
        if method != "GET":
            continue
        request = urllib.request.Request(BASE + path, headers={"Cookie": cookie, "Accept-Language": "en"})

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        try:
            status = urllib.request.build_opener(NoRedirect).open(request, timeout=60).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        if status != 200:
            raise SystemExit(f"preflight: {path} answered {status}, not 200")


def mail_messages(since: float) -> list[tuple[str, str, str]]:
    """(recipient, subject, the body's last line: the link, which names the request or enterprise) of
    every e-mail the file backend wrote since ``since``."""
    found = []
    for path in (C / "mail").glob("*.log"):
        if path.stat().st_mtime < since:
            continue
        for chunk in path.read_text(errors="replace").split("-" * 79):
            if "Subject:" not in chunk:
                continue
            message = email.message_from_bytes(chunk.strip().encode())
            payload = message.get_payload(decode=True)
            payload = payload if isinstance(payload, bytes) else b""
            body = payload.decode(message.get_content_charset() or "utf-8", errors="replace").strip()
            # Without whitespace: a long subject is folded into encoded words, which decode with spaces.
            subject = "".join(str(make_header(decode_header(message.get("Subject", "")))).split())
            found.append((message.get("To", ""), subject, body.splitlines()[-1] if body else ""))
    return found


def expected_mail(notification) -> tuple[str, str, str]:
    from django.utils import translation

    portal_url = os.environ["GUANQI_PORTAL_URL"]
    link = f"{portal_url}{notification.url}" if notification.url else ""
    with translation.override(notification.recipient.reading_language):
        subject, body = f"[关企 Guanqi] {notification.title}", notification.body
    text = "\n\n".join(part for part in (body, link) if part).strip()
    return notification.recipient.email, "".join(subject.split()), text.splitlines()[-1] if text else ""


def proxy_log(since: float) -> dict:
    """What nginx saw during the drill: failures by method, requests it re-sent to the other node."""
    figures = {
        "GET": 0,
        "POST": 0,
        "GET_failed": 0,
        "POST_failed": 0,
        "resent_to_other_node": 0,
        "abandoned": 0,
    }
    for line in (C / "log" / "nginx-access.log").read_text(errors="replace").splitlines():
        parts = line.split(" ")
        if len(parts) < 6 or float(parts[0]) < since:
            continue
        method, status = parts[1], int(parts[3])
        if method not in ("GET", "POST"):
            continue
        figures[method] += 1
        if status == 499:  # wrk closed its connections at the end with these in flight
            figures["abandoned"] += 1
        elif status >= 400:
            figures[f"{method}_failed"] += 1
        if "," in parts[4]:
            figures["resent_to_other_node"] += 1
    return figures


def main() -> int:
    setup_django()
    from django.db.models import Count
    from django.utils.crypto import get_random_string

    from coordination.models import CoordinationRequest
    from credit.models import RecertificationReminder
    from portal.models import JobChunk, JobRun, Notification
    from portal.tasks import run_chunked_job

    token = f"drill{int(time.time())}"
    csrf = get_random_string(32)
    say(f"token {token}: seeding {OVERDUE} enterprises overdue for re-certification")
    overdue_ids = seed_overdue(token)
    cookies = {
        u: session_cookie(u, csrf) for u in ("contact.bj", "coordinator.bj", "manager.bj", "officer.bj")
    }
    pages = [
        ("GET", "/enterprise/", "contact.bj"),
        ("GET", "/coordination/requests/", "contact.bj"),
        ("POST", "/api/requests/", "contact.bj"),
        ("GET", "/api/requests/", "contact.bj"),
        ("GET", "/coordination/answers/", "contact.bj"),
        ("GET", "/coordination/workspace/", "coordinator.bj"),
        ("GET", "/supervision/", "manager.bj"),
        ("POST", "/api/requests/", "contact.bj"),
        ("GET", "/admin/enterprises/enterprise/", "officer.bj"),
        ("GET", "/admin/coordination/coordinationrequest/", "officer.bj"),
    ]
    lines = [(m, p, cookies[u]) for m, p, u in pages]
    preflight(lines)

    replica_before = replica_transactions()
    first_notification = (Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    started = time.time()
    work = Path(tempfile.mkdtemp(prefix="guanqi-drill-"))
    (work / "requests.txt").write_text("".join(f"{m}\t{p}\t{c}\n" for m, p, c in lines))
    env = {
        **os.environ,
        "DRILL_REQUESTS": str(work / "requests.txt"),
        "DRILL_TOKEN": token,
        "DRILL_CSRF": csrf,
        "DRILL_OUT": str(work),
    }
    say(f"wrk: {CONNECTIONS} connections for {DURATION} s through nginx, 2 of 10 requests file a request")
    wrk = subprocess.Popen(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{DURATION}s",
            "--timeout",
            "30s",
            "-s",
            str(ROOT / "scripts/cluster/drill.lua"),
            BASE,
        ],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    events: dict[str, float] = {}
    wrk_out: list[str] = []
    reader = threading.Thread(target=lambda: wrk_out.extend(wrk.stdout or ()), daemon=True)
    reader.start()

    def at(second: float) -> None:
        time.sleep(max(0.0, started + second - time.time()))

    at(5)
    sent = run_chunked_job.delay("recertification", over="enterprises.enterprise", run_key=token)
    events["job sent"] = time.time() - started
    say("the split re-certification job is sent")
    at(15)
    cluster("kill-web", "b")
    events["web node b killed"] = time.time() - started
    say("web node b killed (SIGKILL)")

    run = None
    victim = None
    deadline = time.time() + 60
    while time.time() < deadline and victim is None:
        run = JobRun.objects.filter(job="recertification", run_key=token).first()
        if run is not None:
            victim = JobChunk.objects.filter(
                run=run, done_at=None, worker__startswith="jobs-a@", attempts__gte=1
            ).first()
        if victim is None:
            time.sleep(0.2)
    if victim is None or run is None:
        say("no chunk of jobs-a in progress within 60 s")
        wrk.wait()
        return 1
    time.sleep(0.5)  # let it commit a batch or two of the chunk
    cluster("kill-worker", "jobs-a")
    events["worker jobs-a killed"] = time.time() - started
    say(f"worker jobs-a killed (SIGKILL) during chunk {victim.number} of {run.chunks}")

    at(max(45, time.time() - started + 5))
    lag = replica_lag()
    replica_served = replica_transactions() - replica_before
    cluster("stop-replica")
    events["replica stopped"] = time.time() - started
    say(f"replica stopped (its replay lag just before: {lag})")

    wrk.wait()
    reader.join(timeout=5)
    say("load finished; waiting for the job and the e-mails")

    deadline = time.time() + 240
    while time.time() < deadline:
        run.refresh_from_db()
        if run.completed_at is not None:
            break
        time.sleep(1)
    time.sleep(3)  # what the web nodes were still doing when wrk stopped
    last_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    notifications = Notification.objects.filter(pk__gte=first_notification, pk__lte=last_notification)
    deadline = time.time() + 180
    while time.time() < deadline and (
        notifications.filter(emailed_at=None, recipient__email_notifications=True)
        .exclude(recipient__email="")
        .exists()
    ):
        time.sleep(1)

    # --- figures -------------------------------------------------------------------------------
    figures = json.loads(next(line for line in wrk_out if line.startswith("DRILL_JSON")).split(" ", 1)[1])
    outcomes = [line.strip() for f in work.glob("filed-*.txt") for line in f.read_text().splitlines()]
    ok_subjects = [s for s in outcomes if not s.startswith("STATUS ")]
    bad_statuses = [s for s in outcomes if s.startswith("STATUS ")]
    in_db = dict(
        CoordinationRequest.objects.filter(subject__startswith=f"{token}-")
        .values("subject")
        .annotate(n=Count("pk"))
        .values_list("subject", "n")
    )
    socket_errors = (
        figures["connect_errors"] + figures["read_errors"] + figures["write_errors"] + figures["timeouts"]
    )
    failed = socket_errors + figures["not_ok"]
    missing = [s for s in ok_subjects if in_db.get(s) != 1]
    saved_unanswered = sorted(set(in_db) - set(ok_subjects))
    emailable = notifications.filter(recipient__email_notifications=True).exclude(recipient__email="")
    expected = emailable.count()
    emailed = emailable.exclude(emailed_at=None).count()
    # Each notification's e-mail as portal.tasks.send_notification_email writes it: (recipient, subject,
    # the body's last line); compare the e-mails written with the notifications, as multisets.
    wanted = Counter(expected_mail(n) for n in emailable.select_related("recipient"))
    time.sleep(2)
    mails = [key for key in mail_messages(started - 1) if key in wanted]
    mail_count = Counter(mails)
    proxy = proxy_log(started)
    duplicates = sum(max(0, mail_count[key] - n) for key, n in wanted.items())
    unsent = sum(max(0, n - mail_count[key]) for key, n in wanted.items())
    delays = [
        (emailed_at - created_at).total_seconds()
        for created_at, emailed_at in notifications.values_list("created_at", "emailed_at")
        if emailed_at is not None
    ]
    chunks = list(JobChunk.objects.filter(run=run).order_by("number"))
    victim.refresh_from_db()
    flagged = RecertificationReminder.objects.filter(
        enterprise_id__in=overdue_ids, kind=RecertificationReminder.Kind.OVERDUE
    )
    flagged_count, flagged_distinct = flagged.count(), flagged.values("enterprise_id").distinct().count()
    completions = sum(
        (C / "log" / f"{w}.log").read_text(errors="replace").count(f"recertification {token} completed")
        for w in ("jobs-a", "jobs-b")
    )
    result = {
        "token": token,
        "duration_s": round(figures["duration_us"] / 1e6, 1),
        "requests": figures["requests"],
        "requests_per_s": round(figures["requests"] / (figures["duration_us"] / 1e6), 1),
        "latency_p50_ms": round(figures["p50_us"] / 1000, 1),
        "latency_p99_ms": round(figures["p99_us"] / 1000, 1),
        "latency_max_ms": round(figures["max_us"] / 1000, 1),
        "failed_requests": failed,
        "failed_statuses": sorted(set(bad_statuses)),
        "socket_errors": socket_errors,
        "failed_bound": WEB_WORKERS,
        "proxy_get": proxy["GET"],
        "proxy_get_failed": proxy["GET_failed"],
        "proxy_post": proxy["POST"],
        "proxy_post_failed": proxy["POST_failed"],
        "proxy_resent_to_other_node": proxy["resent_to_other_node"],
        "proxy_abandoned_by_wrk_at_end": proxy["abandoned"],
        "filings_sent": figures["posts_sent"],
        "filings_answered_201": len(ok_subjects),
        "filings_in_db": sum(in_db.values()),
        "filings_201_missing_or_duplicated": len(missing),
        "filings_saved_without_201": len(saved_unanswered),
        "notifications": notifications.count(),
        "notifications_to_email": expected,
        "notifications_emailed": emailed,
        "emails_written": len(mails),
        "emails_duplicated": duplicates,
        "emails_missing": unsent,
        "email_delay_p50_s": round(statistics.median(delays), 2) if delays else None,
        "email_delay_max_s": round(max(delays), 2) if delays else None,
        "job_chunks": len(chunks),
        "job_chunks_done": sum(c.done_at is not None for c in chunks),
        "job_completed": run.completed_at is not None,
        "job_completed_log_lines": completions,
        "job_seconds": round((run.completed_at - run.started_at).total_seconds(), 1)
        if run.completed_at
        else None,
        "killed_chunk_attempts": victim.attempts,
        "killed_chunk_finished_by": victim.worker,
        "overdue_seeded": len(overdue_ids),
        "overdue_flagged": flagged_count,
        "overdue_flagged_distinct": flagged_distinct,
        "replica_transactions_before_stop": replica_served,
        "replica_lag_before_stop": lag,
        "events_s": {k: round(v, 1) for k, v in events.items()},
        "job_sent": sent.id,
    }
    say("restarting what the drill stopped: web node b, worker jobs-a, the replica")
    cluster("start-web", "b")
    cluster("start-worker", "jobs-a", "jobs,exports")
    cluster("start-replica")
    (C / "drill.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    checks = {
        f"failed client requests ≤ {WEB_WORKERS} (filings in flight on the killed node)": failed
        <= WEB_WORKERS,
        "no page failed (nginx re-sent them to the live node)": proxy["GET_failed"] == 0,
        "every filing answered 201 is in the database once": not missing,
        "no filing stored twice": all(n == 1 for n in in_db.values()),
        "every notification e-mailed": emailed == expected,
        "every notification e-mailed once (mail files)": duplicates == 0 and unsent == 0,
        "the job completed once": run.completed_at is not None and completions == 1,
        "every chunk done": all(c.done_at is not None for c in chunks),
        "the killed worker's chunk was run again elsewhere": victim.attempts >= 2
        and victim.worker.startswith("jobs-b@"),
        "every overdue enterprise flagged once": flagged_count == flagged_distinct == len(overdue_ids),
    }
    print()
    print("Failure drill: nginx → 2 gunicorn nodes, 4 Celery workers, Postgres primary + replica, Redis")
    for key, value in result.items():
        print(f"  {key:<38} {value}")
    print()
    for name, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAILED'}] {name}")
    return 0 if all(checks.values()) else 1


def replica_transactions() -> int:
    """Transactions the replica has served on the portal's database (its heavy reads)."""
    import psycopg2

    with (
        psycopg2.connect(
            host="127.0.0.1", port=55433, user="guanqi", dbname="guanqi", connect_timeout=3
        ) as conn,
        conn.cursor() as cursor,
    ):
        cursor.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'guanqi'")
        return int(cursor.fetchone()[0])


def replica_lag() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(replay_lag)::text, 'none') FROM pg_stat_replication")
        return cursor.fetchone()[0]


if __name__ == "__main__":
    sys.exit(main())
