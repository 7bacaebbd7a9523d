"""Throw-away servers for the fault tests: a redis-server and a PostgreSQL cluster of their own, on free
ports, started and stopped by the test — never the shared instances the suite runs on."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of the test's own (no persistence) that the test stops and starts."""

    def __init__(self, directory):
        self.port, self.directory, self.process = free_port(), directory, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    def queue(self, name: str | None = None) -> list[bytes]:
        from portal.celery import app

        return redis.Redis.from_url(self.url).lrange(name or app.conf.task_default_queue, 0, -1)  # type: ignore[return-value]

    def queue_length(self) -> int:
        return len(self.queue())


def point_celery_at(url: str) -> None:
    """Make this process's Celery app use ``url`` as broker and result backend (pools rebuilt)."""
    from portal.celery import app

    app.conf.broker_url = url  # type: ignore[misc]
    app.conf.result_backend = url  # type: ignore[misc]
    app._local.__dict__.pop("backend", None)  # type: ignore[attr-defined]
    # Never close the pools: kombu keeps them in a registry by URL, shared with the test worker's thread.
    app._pool = None  # type: ignore[attr-defined]
    app.amqp._producer_pool = None  # type: ignore[attr-defined]


def _pg_bin(name: str) -> str:
    for directory in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (directory / name).exists():
            return str(directory / name)
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed")
    return found


class PostgresCluster:
    """A PostgreSQL cluster in ``directory`` on a free port, run by the unprivileged ``postgres`` account
    (PostgreSQL refuses to run as root), trusting local connections as ``guanqi``."""

    def __init__(self):
        # Under /tmp itself: the postgres account cannot reach pytest's per-user temporary directories.
        self.directory = Path(tempfile.mkdtemp(prefix="guanqi-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = list(args)
        if self.user:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=120)

    def init(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.directory, entry.pw_uid, entry.pw_gid)
        self._run(_pg_bin("initdb"), "-D", str(self.data), "-U", "guanqi", "--auth=trust", "-E", "UTF8")
        return self

    def start(self):
        self._run(
            _pg_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-w",
            "-l",
            str(self.directory / "log"),
            "-o",
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.directory}",
            "start",
        )

    def stop(self):
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "stop", check=False)

    def remove(self):
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def restart(self):
        """Fast shutdown (every connection is terminated), then start again (with its log file: a
        postmaster started without one would hold our pipes open)."""
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-w", "-m", "fast", "stop")
        self.start()

    def url(self, database: str = "postgres") -> str:
        return f"postgres://guanqi@127.0.0.1:{self.port}/{database}"
