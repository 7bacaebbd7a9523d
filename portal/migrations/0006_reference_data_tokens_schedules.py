"""Who sees what of the new tables: administrators list and revoke API tokens in the admin; officers (and
so managers) see every part of the beat schedule — the crontab, interval, clocked and solar schedules a
periodic task links to, not only the task (before, opening a task's schedule was a 403)."""

from django.db import migrations

from portal.reference_data import grant, ladder, views

SCHEDULES = (
    "django_celery_beat.crontabschedule",
    "django_celery_beat.intervalschedule",
    "django_celery_beat.clockedschedule",
    "django_celery_beat.solarschedule",
)
PERMISSIONS = ladder(
    officer=views(*SCHEDULES),
    administrator=["portal.view_apitoken", "portal.change_apitoken"],
)


def load(apps, schema_editor):
    grant(apps, PERMISSIONS, app_labels=("portal", "django_celery_beat"))


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0005_api_tokens"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
