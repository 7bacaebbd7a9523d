"""docker-compose.yml can't run here (no Docker engine); this keeps it consistent with the settings."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_runs_web_worker_and_beat_on_postgres_and_redis_with_the_settings_variables():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    for name in ("web", "worker", "beat", "migrate"):
        env = services[name]["environment"]
        for variable in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "EMAIL_URL"):
            assert variable in env, f"{name} lacks {variable}"
        assert env["DATABASE_URL"].endswith("@postgres:5432/guanqi")
        assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()
    assert services["worker"]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]


def test_the_apps_database_sessions_compile_no_queries_just_in_time(db):
    """JIT compilation of the dashboard's plans took seconds against milliseconds of execution
    (bench/RESULTS.md): the app's connections turn it off."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
