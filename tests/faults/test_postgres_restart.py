"""Postgres restarted mid-traffic: gunicorn keeps its persistent database connections (CONN_MAX_AGE), and
after the restart no request fails — Django checks a reused connection before each request
(CONN_HEALTH_CHECKS) and opens a new one. A throw-away PostgreSQL cluster of the test's own (with the
schema of the test database) is restarted; the shared one is never touched."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from tests.fault_servers import PostgresCluster, _pg_bin, free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def _status(url: str) -> int:
    # An unknown session: the session table is read on every request, and the API answers 401 in JSON (no credentials).
    request = urllib.request.Request(url, headers={"Cookie": "sessionid=no-such-session"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture
def scratch_postgres():
    cluster = PostgresCluster().init()
    cluster.start()
    db = connection.settings_dict
    source = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    subprocess.run(
        [_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "guanqi", "guanqi"],
        check=True,
    )
    schema = subprocess.run(
        [_pg_bin("pg_dump"), "--schema-only", "--no-owner", source], check=True, capture_output=True
    ).stdout
    subprocess.run(
        [_pg_bin("psql"), "-q", "-v", "ON_ERROR_STOP=1", cluster.url("guanqi")],
        input=schema,
        check=True,
        capture_output=True,
    )
    yield cluster
    cluster.remove()


def test_no_500_after_postgres_restarts_mid_traffic(scratch_postgres, tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "fault-test-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": scratch_postgres.url("guanqi"),
        "DB_CONN_MAX_AGE": "600",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "1",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "gunicorn.log", "w"),  # noqa: SIM115
    )
    # An API list read with an unknown session: the database is read (the session), any error would be
    # a 500, and the answer is a 401 in JSON (no template, so no collected static files are needed).
    url = f"http://127.0.0.1:{port}/api/requests/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if _status(url) == 401:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()[-6000:]
            time.sleep(0.1)
        for _ in range(10):  # both workers hold an open connection
            assert _status(url) == 401

        answers: list[tuple[float, int]] = []  # (when the request started, its status)
        stop = threading.Event()

        def traffic():
            while not stop.is_set():
                started = time.monotonic()
                try:
                    answers.append((started, _status(url)))
                except OSError:
                    answers.append((started, 0))

        def run_traffic(seconds: float):
            stop.clear()
            hammer = threading.Thread(target=traffic)
            hammer.start()
            time.sleep(seconds)
            stop.set()
            hammer.join(30)

        run_traffic(0.5)
        # The restart terminates every connection the workers hold open between two requests (a worker
        # that happened to be mid-request while the database was down has already dropped its own).
        scratch_postgres.restart()
        restarted = time.monotonic()
        run_traffic(1.5)

        after = [status for started, status in answers if started > restarted]
        assert after and set(after) == {401}, f"answers after the restart: {after}"
        assert any(started < restarted for started, _s in answers), "traffic ran before the restart"
    finally:
        server.terminate()
        server.wait(20)
