"""Nothing is lost when Redis is down: filing an appeal still succeeds, its notification e-mail waits in
the outbox, and the drain delivers it once Redis is back. A REAL redis-server is stopped and restarted."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
import redis

from appeals.models import Appeal
from portal import outbox
from portal.models import OutboxMessage

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
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

    def queue_length(self) -> int:
        from portal.celery import app

        return redis.Redis.from_url(self.url).llen(app.conf.task_default_queue)


@pytest.fixture
def dedicated_redis(tmp_path):
    from portal.celery import app

    server = RedisServer(tmp_path)
    server.start()
    previous = app.conf.broker_url

    def point_at(url):
        app.conf.broker_url = url
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None

    point_at(server.url)
    yield server
    server.stop()
    point_at(previous)


def test_an_appeal_filed_while_redis_is_down_is_saved_and_its_notice_delivered_when_redis_is_back(
    world, dedicated_redis, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = world.file_appeal("penalty", subject="Filed while Redis is up")
    assert dedicated_redis.queue_length() == 1  # the leader's e-mail went straight to the broker

    dedicated_redis.stop()
    with django_capture_on_commit_callbacks(execute=True):
        second = world.file_appeal("penalty", subject="Filed while Redis is down")
    assert set(Appeal.objects.values_list("pk", flat=True)) == {first.pk, second.pk}
    pending = OutboxMessage.objects.filter(dispatched_at__isnull=True)
    assert pending.count() == 1
    assert pending.get().last_error != ""
    assert outbox.drain() == 0  # still down: stays pending

    dedicated_redis.start()
    assert outbox.drain() == 1
    assert not OutboxMessage.objects.filter(dispatched_at__isnull=True).exists()
    assert dedicated_redis.queue_length() == 1  # the restarted (empty) server now holds the delivered message
