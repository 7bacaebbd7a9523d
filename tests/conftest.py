"""Suite-wide fixtures: real Postgres (pytest-django), real Redis, a real Celery worker, real Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    pytest.fail("Debian's chromium package is not installed (make test installs it).")


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium through Playwright's Python API (never a downloaded browser)."""
    from django.db import connections
    from playwright.sync_api import sync_playwright

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    profile = tempfile.mkdtemp(prefix="guanqi-chromium-")
    # Django's connections live in context-local storage; Playwright's sync API runs the rest of the
    # session in another context, where fresh connection objects would lack the serialized test data
    # that transactional tests restore. Carry it over.
    serialized = {
        alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections
    }
    with sync_playwright() as pw:
        for alias, contents in serialized.items():
            if contents is not None and not hasattr(connections[alias], "_test_serialized_contents"):
                connections[alias]._test_serialized_contents = contents
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=chromium_path(),
            headless=True,
            args=CHROMIUM_FLAGS,
            accept_downloads=True,
        )
        yield context
        context.close()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser):
    """A browser tab. Every page it shows must work under the Content-Security-Policy: a violation
    (an inline script, style or event handler, a foreign source) reported on the console fails the test."""
    page = browser.new_page()
    page.set_default_timeout(15_000)
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text
            else None
        ),
    )
    yield page
    page.close()
    browser.clear_cookies()
    assert not violations, f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def celery_worker_session(django_db_blocker):
    """A real Celery worker thread consuming from the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    with (
        django_db_blocker.unblock(),
        start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING") as worker,
    ):
        yield worker


@pytest.fixture
def dedicated_redis(tmp_path):
    """A redis-server of the test's own (tests/fault_servers.py) that Celery publishes to; the test may stop
    and start it. The shared Redis is never stopped."""
    from portal.celery import app
    from tests.fault_servers import RedisServer, point_celery_at

    server = RedisServer(tmp_path)
    server.start()
    previous = app.conf.broker_url, app.conf.result_backend
    point_celery_at(server.url)
    yield server
    server.stop()
    point_celery_at(previous[0])
    app.conf.result_backend = previous[1]
    app._local.__dict__.pop("backend", None)


@pytest.fixture
def world(db):
    """The customs world of tests/world.py; each part is built when a test first asks for it."""
    from tests.world import World

    return World()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Every test stores its uploads in a directory of its own, never in var/media: the private storage
    (portal.uploads.PrivateStorage) reads MEDIA_ROOT when it stores or opens a file."""
    media = tmp_path_factory.mktemp("media")
    settings.MEDIA_ROOT = str(media)
    return media


@pytest.fixture(autouse=True)
def verified_force_login(request, monkeypatch):
    """``client.force_login(user)`` signs staff in *with* their second factor (a confirmed TOTP device
    and a verified session), as ``portal.security`` requires of customs staff; the tests of the second
    factor itself mark themselves ``password_only`` and sign in as a person would."""
    from django.test import Client

    if request.node.get_closest_marker("password_only"):
        return
    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        from portal.security import needs_second_factor

        user.__dict__.pop("roles", None)
        if needs_second_factor(user):
            from django_otp import DEVICE_ID_SESSION_KEY
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device, _created = TOTPDevice.objects.get_or_create(
                user=user, name="test", defaults={"confirmed": True}
            )
            import time

            from portal.security import LAST_SEEN

            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session[LAST_SEEN] = int(time.time())
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def login(client):
    def do_login(user):
        client.force_login(user)
        return client

    return do_login


def pytest_collection_modifyitems(items):
    """Transactional tests flush every table when they end, which would take the data migrations' rows
    (role groups, credit regimes, SLA targets, beat schedules) with them; restore them for every such
    test with ``serialized_rollback``."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None or not marker.kwargs.get("transaction") or marker.kwargs.get("serialized_rollback"):
            continue
        item.add_marker(pytest.mark.django_db(**{**marker.kwargs, "serialized_rollback": True}), append=False)


@pytest.fixture(autouse=True)
def english_by_default(settings):
    """Tests read messages in English unless they choose a language. The product's default is zh-hans;
    the Chinese is proven by tests/portal/test_i18n.py, the language-switch test and the browser tests."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def pytest_configure(config):
    """Each test process (and each pytest-xdist worker) gets its own Celery queue, emptied at start, so
    a task published by one test session is never run by another session's worker against another
    test database."""
    import redis
    from django.conf import settings

    from portal.celery import app

    # Tests create hundreds of users; production's PBKDF2 cost would dominate the suite's run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    # The database name and the process id keep two test sessions on one Redis (two checkouts, or xdist
    # workers) from running each other's tasks.
    database = settings.DATABASES["default"]["NAME"]
    queue = f"guanqi-test-{database}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
    app.conf.task_default_queue = queue
    app.conf.task_routes = {"*": {"queue": queue}}  # every kind (settings.CELERY_TASK_ROUTES) on it too
    with contextlib.suppress(redis.RedisError):  # the tests that need Redis will say so
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2).delete(queue)
