#!/usr/bin/env python3
"""``make bench``: the scale benchmark, end to end (bench/README.md).

1. Data: a database of its own (``<DATABASE_URL's name>_bench``) migrated and filled by
   ``manage.py bench_generate`` at the requested size; kept between runs (regenerated when the size
   differs, or with ``--regenerate``).
2. Pages: the app under gunicorn with production settings (``bench.settings``: DEBUG off, a random
   SECRET_KEY, WhiteNoise's compressed manifest, HTTPS as behind a TLS proxy) driven by ``wrk`` (a
   separate, light C process) with each user's session cookie: for every page p50/p95/p99 with one
   client over at least 500 requests, requests/s at saturation (2 × workers clients) with errors, and
   SQL queries per request (``X-Bench-Queries``); the floor is a minimal signed-in view behind the same
   middleware, and each page's throughput is given as a share of the floor's.
3. Jobs: on a copy of the database (so pages always run on the same data), each daily job once over
   the full set with its time, rows/s and query count.

Prints the figures beside the targets and writes them to ``var/bench/results.json``; ``--render FILE``
prints a results file as Markdown (bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
LUA = str(ROOT / "bench" / "wrk.lua")
JOBS = [
    "abnormal-list",
    "annual-reports",
    "recertification",
    "request-escalation",
    "appeal-escalation",
    "credit-repair",
    "announcement-digest",
    "outbox",
]
JOB_LABELS = {
    "abnormal-list": "abnormal list: 90 days → untrustworthy",
    "annual-reports": "annual-report candidates",
    "recertification": "re-certification reminders",
    "request-escalation": "SLA escalation of requests",
    "appeal-escalation": "SLA escalation of appeals",
    "credit-repair": "automatic credit repair",
    "announcement-digest": "announcement digest",
    "outbox": "outbox drain (100,000 pending)",
}
ENTERPRISE_THROUGHPUT_TARGET = 0.15
JOB_TARGET_SECONDS = 60
# Bumped whenever bench/generate.py writes rows differently (recorded with each generated data set; a
# data set of another version is not reused). 2: stored messages, visit records, a_since/b_since.
GENERATOR_VERSION = 2


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def options() -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enterprises", type=int, default=int(env("BENCH_ENTERPRISES", "1000000")))
    parser.add_argument("--regenerate", action="store_true", default=env("BENCH_REGENERATE") == "1")
    parser.add_argument(
        "--workers", type=int, default=int(env("BENCH_WORKERS", str(2 * (os.cpu_count() or 1))))
    )
    parser.add_argument("--saturation-seconds", type=int, default=int(env("BENCH_SATURATION_SECONDS", "15")))
    parser.add_argument("--min-requests", type=int, default=int(env("BENCH_MIN_REQUESTS", "500")))
    parser.add_argument("--max-seconds", type=int, default=int(env("BENCH_MAX_SECONDS", "120")))
    parser.add_argument(
        "--pages", default=env("BENCH_PAGES", ""), help="comma-separated page keys (default: all)"
    )
    parser.add_argument("--jobs", default=env("BENCH_JOBS", ",".join(JOBS)), help="comma-separated jobs")
    parser.add_argument("--skip-pages", action="store_true", default=env("BENCH_SKIP_PAGES") == "1")
    parser.add_argument("--skip-jobs", action="store_true", default=env("BENCH_SKIP_JOBS") == "1")
    parser.add_argument("--job-timeout", type=int, default=int(env("BENCH_JOB_TIMEOUT", "600")))
    parser.add_argument(
        "--job-budget",
        type=int,
        default=int(env("BENCH_JOB_BUDGET", "120")),
        help="stop each batched job after this many seconds and report its rate so far (0: run to the end)",
    )
    parser.add_argument("--port", type=int, default=int(env("BENCH_PORT", "18080")))
    parser.add_argument("--out", default=env("BENCH_OUT", str(VAR / "results.json")))
    parser.add_argument("--render", metavar="RESULTS_JSON", help="print a results file as Markdown and exit")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="pages: only the queries and the worker's CPU time per request (20 requests each), no wrk",
    )
    return parser.parse_args()


# --- databases -------------------------------------------------------------------------------------


def database_urls() -> tuple[str, str, str]:
    """(bench database URL, its jobs copy's URL, the maintenance database URL)."""
    explicit = os.environ.get("BENCH_DATABASE_URL")
    base = urlsplit(explicit or os.environ.get("DATABASE_URL", "postgres://guanqi@127.0.0.1:54329/guanqi"))
    name = base.path.lstrip("/") or "guanqi"
    bench = name if explicit else f"{name}_bench"
    return (
        urlunsplit(base._replace(path=f"/{bench}")),
        urlunsplit(base._replace(path=f"/{bench}_jobs")),
        urlunsplit(base._replace(path="/postgres")),
    )


def admin_sql(maintenance_url: str, statement: str, params=None):
    import psycopg2

    conn = psycopg2.connect(maintenance_url)
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall() if cursor.description else None
    finally:
        conn.close()


def db_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def bench_env(database_url: str, **extra) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DATABASE_URL=database_url,
        STATIC_ROOT=str(VAR / "static"),
        MEDIA_ROOT=str(VAR / "media"),
        LOG_LEVEL="WARNING",
    )
    env.update(extra)
    return env


SECRET_KEY = secrets.token_urlsafe(64)


def manage(
    database_url: str, *args: str, timeout: float | None = None, **extra
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=bench_env(database_url, **extra), check=True, timeout=timeout
    )


def ensure_data(opts, bench_url: str, maintenance_url: str) -> dict:
    """The generated database at the requested size (kept between runs), and its generation report."""
    name = db_name(bench_url)
    marker = VAR / f"generated-{name}.json"
    exists = bool(admin_sql(maintenance_url, "SELECT 1 FROM pg_database WHERE datname = %s", [name]))
    if exists and marker.exists() and not opts.regenerate:
        report = json.loads(marker.read_text())
        held = report.get("sizes", {}).get("enterprises")
        if report.get("generator") != GENERATOR_VERSION:
            # Rows written for an older schema (e.g. before stored messages or visit records) would be
            # measured as if valid: regenerating is the operator's call (13 minutes at full size).
            raise SystemExit(
                f"[bench] {name} was made by an older data generator (version {report.get('generator')}, now "
                f"{GENERATOR_VERSION}): pass --regenerate (BENCH_ARGS=--regenerate) to generate it again"
            )
        if held == opts.enterprises:
            manage(bench_url, "migrate", "--no-input", "-v0")  # migrations added since generation
            log(
                f"data: reusing {name} ({opts.enterprises:,} enterprises, generated {report.get('date')}); "
                "--regenerate to start again"
            )
            return report
        # Never throw a data set of another size away unasked (a full-size one takes 13 minutes).
        raise SystemExit(
            f"[bench] {name} holds {held:,} enterprises, not {opts.enterprises:,}: pass --regenerate to replace "
            "it, or BENCH_DATABASE_URL=<another database> to keep it"
        )
    log(f"data: (re)creating {name} and generating {opts.enterprises:,} enterprises")
    started = time.perf_counter()
    marker.unlink(missing_ok=True)
    admin_sql(maintenance_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin_sql(maintenance_url, f'DROP DATABASE IF EXISTS "{name}_jobs" WITH (FORCE)')
    admin_sql(maintenance_url, f'CREATE DATABASE "{name}"')
    manage(bench_url, "migrate", "--no-input", "-v0")
    migrated = time.perf_counter() - started
    report_file = VAR / f"generate-{name}.json"
    manage(bench_url, "bench_generate", "--enterprises", str(opts.enterprises), "--report", str(report_file))
    purge_queue("guanqi-bench")  # the demo's notification e-mails (no worker consumes the bench's queue)
    report = json.loads(report_file.read_text())
    report["migrate_seconds"] = round(migrated, 1)
    report["total_seconds"] = round(time.perf_counter() - started, 1)
    report["date"] = time.strftime("%Y-%m-%d %H:%M")
    report["generator"] = GENERATOR_VERSION
    marker.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    log(f"data: generated in {report['total_seconds']:,.0f} s (migrate {migrated:.0f} s)")
    return report


# --- pages -----------------------------------------------------------------------------------------


class Server:
    """gunicorn with the production settings of bench.settings, on loopback."""

    def __init__(self, database_url: str, workers: int, port: int):
        self.url = f"http://127.0.0.1:{port}"
        self.log = open(VAR / "gunicorn.log", "w")  # noqa: SIM115  # closed by stop()
        self.process = subprocess.Popen(
            [
                GUNICORN,
                "portal.wsgi:application",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout",
                "120",
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=bench_env(database_url),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for _ in range(300):
            try:
                status, _h, _b = http_get(self.url + "/healthz", "")
                if status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {VAR / 'gunicorn.log'}")
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def http_get(url: str, cookie: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(
        url, headers={"Cookie": cookie, "X-Forwarded-Proto": "https", "Accept-Language": "zh-hans"}
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=120) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def wrk(url: str, requests: list[dict], *, threads: int, connections: int, seconds: float) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
        for item in requests:
            f.write(f"{item['path']}\t{item['cookie']}\n")
        listing = f.name
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t",
                str(threads),
                "-c",
                str(connections),
                "-d",
                f"{max(1, round(seconds))}s",
                "--timeout",
                "30s",
                "-s",
                LUA,
                url,
            ],
            env={**os.environ, "BENCH_REQUESTS": listing},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(listing)
    line = next(line for line in out.splitlines() if line.startswith("BENCH_JSON "))
    data = json.loads(line.removeprefix("BENCH_JSON "))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6) if data["duration_us"] else 0.0
    data["errors"] = (
        data["connect_errors"]
        + data["read_errors"]
        + data["write_errors"]
        + data["timeouts"]
        + data["not_200"]
    )
    return data


def follow_api_pages(base: str, requests: list[dict], pages: int = 3) -> list[dict]:
    """A later page of the API list: the API's own ``next`` link, followed ``pages - 1`` times."""
    later = []
    for item in requests:
        path = item["path"]
        for _ in range(pages - 1):
            status, _h, body = http_get(base + path, item["cookie"])
            if status != 200:
                break
            link = json.loads(body).get("next")
            if not link:
                path = None
                break
            parts = urlsplit(link)
            path = parts.path + ("?" + parts.query if parts.query else "")
        if path and path != item["path"]:
            later.append({"path": path, "cookie": item["cookie"]})
    return later


def measure_page(server: Server, page: dict, opts) -> dict:
    requests = page["requests"]
    result = {k: page[k] for k in ("key", "label", "group", "target_p95_ms", "note")}
    result["rotation"] = len(requests)
    if not requests:
        result["skipped"] = "no request to make"
        return result
    queries, statuses, sizes, cpu = [], set(), [], []
    for n in range(20):
        item = requests[n % len(requests)]
        status, headers, body = http_get(server.url + item["path"], item["cookie"])
        statuses.add(status)
        sizes.append(len(body))
        if "X-Bench-Queries" in headers:
            queries.append(int(headers["X-Bench-Queries"]))
        if "X-Bench-CPU-ms" in headers and n >= 5:  # the first requests warm the worker's caches
            cpu.append(float(headers["X-Bench-CPU-ms"]))
    result["status"] = sorted(statuses)
    result["queries"] = [min(queries), max(queries)] if queries else None
    result["bytes"] = round(sum(sizes) / len(sizes))
    result["cpu_ms"] = sorted(cpu)[len(cpu) // 2] if cpu else None
    if opts.quick:
        log(f"  {page['label'][:52]:<52} worker CPU {result['cpu_ms']} ms  queries {result['queries']}")
        return result
    if statuses != {200}:
        log(f"  {page['key']}: status {sorted(statuses)} — measured anyway, counted as errors")
    warm = wrk(server.url, requests, threads=1, connections=1, seconds=2)
    rate = max(warm["rps"], 0.5)
    seconds = min(max(5, math.ceil(opts.min_requests * 1.3 / rate)), opts.max_seconds)
    one = wrk(server.url, requests, threads=1, connections=1, seconds=seconds)
    if one["requests"] < opts.min_requests and seconds < opts.max_seconds:  # slower than the warm-up said
        seconds = min(
            math.ceil(seconds * opts.min_requests * 1.3 / max(one["requests"], 1)), opts.max_seconds
        )
        one = wrk(server.url, requests, threads=1, connections=1, seconds=seconds)
    result["one_client"] = one
    clients = 2 * opts.workers
    result["saturation"] = wrk(
        server.url, requests, threads=2, connections=clients, seconds=opts.saturation_seconds
    )
    result["saturation"]["clients"] = clients
    result["load_average"] = os.getloadavg()[0]
    one = result["one_client"]
    log(
        f"  {page['label'][:52]:<52} p50 {one['p50_us'] / 1000:7.1f}  p95 {one['p95_us'] / 1000:7.1f}  "
        f"p99 {one['p99_us'] / 1000:7.1f} ms ({one['requests']} req)  "
        f"{result['saturation']['rps']:7.1f} req/s  err {one['errors'] + result['saturation']['errors']}  "
        f"queries {result['queries']}"
    )
    return result


def run_pages(opts, bench_url: str) -> dict:
    log("pages: collectstatic, users and sessions")
    manage(bench_url, "collectstatic", "--no-input", "-v0")
    pages_file = VAR / "pages.json"
    manage(bench_url, "bench_prepare", str(pages_file))
    prepared = json.loads(pages_file.read_text())
    wanted = {k for k in opts.pages.split(",") if k}
    log(f"pages: gunicorn, {opts.workers} sync workers; wrk with 1 and {2 * opts.workers} clients")
    server = Server(bench_url, opts.workers, opts.port)
    results = []
    try:
        by_key = {p["key"]: p for p in prepared["pages"]}
        if "api_list_later" in by_key:
            by_key["api_list_later"]["requests"] = follow_api_pages(
                server.url, by_key["api_list"]["requests"]
            )
        for page in prepared["pages"]:
            if wanted and page["key"] not in wanted and page["key"] != "floor":
                continue
            results.append(measure_page(server, page, opts))
        # The floor again at the end: on a shared machine the load changes during a run; the ratios use
        # the mean of both.
        floor_page = by_key.get("floor")
        if floor_page and not opts.quick:
            again = measure_page(
                server,
                {**floor_page, "key": "floor_end", "label": floor_page["label"] + ", again at the end"},
                opts,
            )
            results.append(again)
    finally:
        server.stop()
    floors = [
        r["saturation"]["rps"] for r in results if r["key"] in ("floor", "floor_end") and "saturation" in r
    ]
    floor_rps = sum(floors) / len(floors) if floors else 0
    for r in results:
        if floor_rps and "saturation" in r:
            r["floor_ratio"] = r["saturation"]["rps"] / floor_rps
    return {"pages": results, "skipped": prepared["skipped"], "users": prepared["users"]}


# --- jobs ------------------------------------------------------------------------------------------


def run_jobs(opts, bench_url: str, jobs_url: str, maintenance_url: str) -> dict:
    source, copy = db_name(bench_url), db_name(jobs_url)
    log(f"jobs: copying {source} to {copy} (the jobs change the data; pages always run on the original)")
    started = time.perf_counter()
    admin_sql(maintenance_url, f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
    admin_sql(
        maintenance_url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        [source],
    )
    admin_sql(maintenance_url, f'CREATE DATABASE "{copy}" TEMPLATE "{source}" STRATEGY FILE_COPY')
    copied = time.perf_counter() - started
    results = []
    queue = "guanqi-bench-jobs"
    try:
        for name in [j for j in opts.jobs.split(",") if j]:
            out = VAR / f"job-{name}.json"
            out.unlink(missing_ok=True)
            t0 = time.perf_counter()
            try:
                manage(
                    jobs_url,
                    "bench_job",
                    name,
                    str(out),
                    "--budget",
                    str(opts.job_budget),
                    timeout=opts.job_timeout,
                    BENCH_CELERY_QUEUE=queue,
                )
                result = json.loads(out.read_text())
            except subprocess.TimeoutExpired:
                result = {"job": name, "timeout": opts.job_timeout, "seconds": time.perf_counter() - t0}
            except subprocess.CalledProcessError as exc:
                result = {"job": name, "error": f"exit {exc.returncode}", "seconds": time.perf_counter() - t0}
            result["label"] = JOB_LABELS.get(name, name)
            results.append(result)
            log(
                f"  {result['label']:<42} {result.get('seconds', 0):8.1f} s  processed {result.get('processed', '-')}"
                f"  queries {result.get('queries', '-')}  ({result.get('queries_per_row', '-')} per row)"
            )
    finally:
        admin_sql(maintenance_url, f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')
        purge_queue(queue)
    return {"jobs": results, "copy_seconds": round(copied, 1)}


def purge_queue(queue: str) -> None:
    """The jobs' Celery messages (no worker consumes the bench's queue)."""
    try:
        import redis

        url = os.environ.get("REDIS_URL", "redis://127.0.0.1:63799/0")
        redis.Redis.from_url(url).delete(queue)
    except Exception as exc:  # the figures stand without it
        log(f"could not empty the Redis queue {queue}: {exc}")


# --- machine and report ----------------------------------------------------------------------------


def machine(maintenance_url: str) -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except OSError:
        memory = 0
    settings = dict(
        admin_sql(
            maintenance_url,
            "SELECT name, setting || coalesce(unit, '') FROM pg_settings WHERE name IN "
            "('shared_buffers', 'work_mem', 'effective_cache_size', 'random_page_cost', 'max_connections', "
            "'synchronous_commit', 'fsync', 'jit')",
        )
        or []
    )
    version = admin_sql(maintenance_url, "SHOW server_version")[0][0]
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": memory,
        "python": platform.python_version(),
        "postgres": version,
        "postgres_settings": settings,
        "wrk": shutil.which("wrk"),
    }


def ms(us) -> str:
    return f"{us / 1000:.1f}"


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


def render(results: dict) -> str:
    lines = []
    m = results.get("machine", {})
    lines.append(
        f"Machine: {m.get('cpu')} × {m.get('cores')} cores, {m.get('memory_gb')} GB RAM; PostgreSQL "
        f"{m.get('postgres')} ({', '.join(f'{k}={v}' for k, v in m.get('postgres_settings', {}).items())}); "
        f"Python {m.get('python')}. Run {m.get('date')}."
    )
    gen = results.get("generation")
    if gen:
        lines.append("")
        lines.append(
            f"Data generated in {gen.get('total_seconds', gen.get('seconds'))} s (migrate "
            f"{gen.get('migrate_seconds', '?')} s, generation {gen.get('seconds')} s):"
        )
        lines.append("")
        lines.append("| table | rows |")
        lines.append("|---|---:|")
        for name, count in gen.get("counts", {}).items():
            lines.append(f"| {name.strip()}{' (of which)' if name.startswith('  ') else ''} | {count:,} |")
    pages = results.get("pages", {}).get("pages", [])
    if pages:
        p = results["pages"]
        lines.append("")
        lines.append(
            f"Pages: gunicorn {results.get('workers')} sync workers, production settings; wrk, one client "
            f"(≥ {results.get('min_requests')} requests) and {2 * results.get('workers', 0)} clients "
            f"({results.get('saturation_seconds')} s) at saturation; each page rotates over the listed "
            "number of users (different enterprises)."
        )
        lines.append("")
        lines.append(
            "| page | users | queries | p50 ms | p95 ms | p99 ms | requests | req/s saturated | × floor | "
            "errors | p95 target | met |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
        cpu_rows = [r for r in pages if r.get("cpu_ms") is not None]
        for r in pages:
            if "one_client" not in r:
                if r.get("skipped"):
                    lines.append(
                        f"| {r['label']} | — | — | — | — | — | — | — | — | — | — | {r.get('skipped')} |"
                    )
                continue
            one, sat = r["one_client"], r["saturation"]
            errors = one["errors"] + sat["errors"]
            target = r.get("target_p95_ms")
            ok = None if target is None else one["p95_us"] / 1000 < target and errors == 0
            ratio = r.get("floor_ratio")
            if r["group"] == "enterprise" and ratio is not None:
                ok = ok and ratio >= ENTERPRISE_THROUGHPUT_TARGET
            queries = r.get("queries") or ["?"]
            q = f"{queries[0]}" if queries[0] == queries[-1] else f"{queries[0]}–{queries[-1]}"
            lines.append(
                f"| {r['label']} | {r['rotation']} | {q} | {ms(one['p50_us'])} | {ms(one['p95_us'])} | "
                f"{ms(one['p99_us'])} | {one['requests']} | {sat['rps']:.1f} | "
                f"{'' if ratio is None else f'{ratio:.0%}'} | {errors} | "
                f"{'' if target is None else f'< {target}'} | {verdict(ok)} |"
            )
        if cpu_rows and any("one_client" not in r for r in cpu_rows):
            lines.append("")
            lines.append("| page | worker CPU ms per request (median) | queries |")
            lines.append("|---|---:|---:|")
            for r in cpu_rows:
                q = r.get("queries") or ["?"]
                lines.append(f"| {r['label']} | {r['cpu_ms']:.1f} | {q[0]} |")
        for skipped in p.get("skipped", []):
            lines.append("")
            lines.append(f"Not measured: {skipped}.")
    jobs = results.get("jobs", {}).get("jobs", [])
    if jobs:
        lines.append("")
        lines.append(
            f"Jobs, each once over the full data set on a copy of the database (copied in "
            f"{results['jobs'].get('copy_seconds')} s):"
        )
        lines.append("")
        lines.append(
            "| job | seconds | rows done | skipped | rows/s | queries | queries per row | < 60 s | "
            "queries ∝ batches |"
        )
        lines.append("|---|---:|---:|---:|---:|---:|---:|---|---|")
        for j in jobs:
            if "timeout" in j or "error" in j:
                lines.append(
                    f"| {j['label']} | > {j.get('timeout', '?')} | — | — | — | — | — | "
                    f"**missed** ({j.get('error', 'timeout')}) | — |"
                )
                continue
            stopped = " (stopped: budget)" if j.get("interrupted") else ""
            lines.append(
                f"| {j['label']}{stopped} | {j['seconds']:.1f} | {j['processed']:,} | {j['skipped']:,} | "
                f"{j['rows_per_second'] or 0:,.0f} | {j['queries']:,} | {j['queries_per_row'] or '—'} | "
                f"{verdict(j['seconds'] < JOB_TARGET_SECONDS and not j.get('interrupted'))} | "
                # Proportional to batches: well under one query per row (a batch of 500 costs a few).
                f"{verdict((j['queries_per_row'] or 0) < 0.1)} |"
            )
    return "\n".join(lines)


def main() -> int:
    opts = options()
    if opts.render:
        print(render(json.loads(Path(opts.render).read_text())))
        return 0
    if not shutil.which("wrk"):
        log("wrk is not installed (make bench installs Debian's wrk package)")
        return 1
    VAR.mkdir(parents=True, exist_ok=True)
    bench_url, jobs_url, maintenance_url = database_urls()
    started = time.perf_counter()
    results: dict = {
        "machine": machine(maintenance_url),
        "workers": opts.workers,
        "min_requests": opts.min_requests,
        "saturation_seconds": opts.saturation_seconds,
    }
    results["generation"] = ensure_data(opts, bench_url, maintenance_url)
    if not opts.skip_pages:
        results["pages"] = run_pages(opts, bench_url)
    if not opts.skip_jobs:
        results["jobs"] = run_jobs(opts, bench_url, jobs_url, maintenance_url)
    results["seconds"] = round(time.perf_counter() - started)
    Path(opts.out).write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(render(results))
    log(f"done in {results['seconds']:,} s; figures in {opts.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
