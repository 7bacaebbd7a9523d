"""The foundation: Postgres, settings from the environment, health check, role routing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from portal.roles import Role
from tests.factories import LocalCustomsFactory, UserFactory, customs_user

ROOT = Path(__file__).resolve().parents[2]
# What a production process would not inherit from the test run (the browser fixture sets the last).
DEPLOYMENT_OVERRIDES = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def run_django(code: str, **env) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in DEPLOYMENT_OVERRIDES}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "portal.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_suite_runs_on_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        assert "PostgreSQL" in cursor.fetchone()[0]
        # Timestamps travel between Django and PostgreSQL in UTC (USE_TZ); a session in another zone
        # would shift every date the database works out by itself, such as a day's figures near midnight.
        cursor.execute("SHOW TimeZone")
        assert cursor.fetchone()[0] == "UTC"


def test_every_role_is_a_group(db):
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_production_refuses_to_start_without_a_real_secret_key():
    result = run_django("print('started')", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    result = run_django(
        "print('started')", DEBUG="0", SECRET_KEY="dev-insecure-key-for-local-use-only-0123456789abcdef"
    )
    assert result.returncode != 0


def test_check_deploy_is_clean_in_production_mode():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in DEPLOYMENT_OVERRIDES},
            "DEBUG": "0",
            "SECRET_KEY": "k8#Zq2!vR7pLx0@wN4eT9$yB1uH6cJ3mF5sD8gA2qW7rE4tY-x91Lm",
            "ALLOWED_HOSTS": "guanqi.example.gov.cn",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_time_zone_is_shanghai_with_aware_datetimes(settings):
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_healthz_reports_database_and_redis(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_is_503_when_redis_is_unreachable(client, db):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["redis"].startswith("error")


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "start"),
    [
        (Role.COORDINATOR, "coordination:workspace"),
        (Role.CUSTOMS_OFFICER, "portal:officer_home"),
        (Role.MANAGER, "supervision:dashboard"),
        (Role.ADMINISTRATOR, "admin:index"),
        (Role.CONTACT_PERSON, "enterprises:home"),
        (Role.ENTERPRISE_STAFF, "enterprises:home"),
    ],
)
def test_home_sends_each_role_to_its_start_page(client, db, role, start):
    user = customs_user(role, LocalCustomsFactory())
    if role == Role.ADMINISTRATOR:
        user.is_superuser = True
        user.save()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(start)


def test_user_without_role_is_told_so(client, db):
    client.force_login(UserFactory())
    response = client.get(reverse("home"), follow=True)
    assert "No role assigned" in response.content.decode() or "尚未分配角色" in response.content.decode()


def test_enterprise_start_page_is_closed_to_coordinators(client, db):
    client.force_login(customs_user(Role.COORDINATOR, LocalCustomsFactory()))
    assert client.get(reverse("enterprises:home")).status_code == 403


def test_static_assets_are_served_locally_without_cdn(client, db):
    client.force_login(customs_user(Role.COORDINATOR, LocalCustomsFactory()))
    html = client.get(reverse("coordination:workspace")).content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "https://" not in html.split("<body")[0]
    assert "cdn" not in html.lower()


def test_language_switch_changes_the_page_language(client, db):
    client.force_login(customs_user(Role.COORDINATOR, LocalCustomsFactory()))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Log out" in client.get(reverse("coordination:workspace")).content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "退出" in client.get(reverse("coordination:workspace")).content.decode()
