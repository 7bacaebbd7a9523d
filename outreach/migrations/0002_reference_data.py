"""The daily e-mail digest of new announcements (outreach.send_announcement_digests), run by beat."""

from django.db import migrations

from portal.reference_data import schedule_daily, unschedule

DIGEST = "E-mail digest of new announcements"


def load(apps, schema_editor):
    schedule_daily(apps, name=DIGEST, task="outreach.send_announcement_digests", hour="7", minute="30")


def unload(apps, schema_editor):
    unschedule(apps, DIGEST)


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0001_initial"),
        ("portal", "0002_reference_data"),
    ]
    operations = [migrations.RunPython(load, unload)]
