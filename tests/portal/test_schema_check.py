"""`make run` on a database built by an older layout says what to do instead of crashing in migrate."""

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db
def test_a_database_of_the_current_layout_passes(capsys):
    call_command("check_schema")
    assert "matches" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_database_of_an_older_layout_is_named_with_the_way_out(capsys):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('coordinators', '0003_coordination_requests', now())"
        )
    with pytest.raises(SystemExit) as stop:
        call_command("check_schema")
    assert stop.value.code == 3
    message = capsys.readouterr().err
    assert "coordinators.0003_coordination_requests" in message and "make reset-db" in message
