"""docs/OPERATIONS.md, "Backups": scripts/backup_check.sh dumps a database with pg_dump, restores it with
pg_restore into a scratch database and compares the row count of every table — run here against the
test database with a committed world in it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "backup_check.sh"


def database_url(name: str | None = None) -> str:
    s = connection.settings_dict
    auth = quote(s["USER"]) + (f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name or s['NAME']}"


def run(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url}
    return subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_with_every_row(world, tmp_path):
    request = world.file_request()
    dump = tmp_path / "guanqi.dump"
    result = run(database_url(), str(dump))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "backup check: OK" in result.stdout
    assert dump.stat().st_size > 0  # the dump kept where it was asked for
    # The restored copy held the request (its table was counted, not empty) and was dropped afterwards.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM coordination_coordinationrequest")
        assert cursor.fetchone()[0] >= 1
        cursor.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE %s",
            [f"{connection.settings_dict['NAME']}_restore_check_%"],
        )
        assert cursor.fetchone()[0] == 0
    listing = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True)
    assert "TABLE DATA public coordination_coordinationrequest" in listing.stdout
    assert request.pk


def test_an_unreachable_database_fails_clearly():
    result = run("postgres://nobody:wrong@127.0.0.1:1/none")
    assert result.returncode != 0
    assert "backup check: OK" not in result.stdout
