"""Customs officers and managers triage appeals in the admin (view + change through the services'
actions); nobody gets add or delete (appeals are filed by enterprises; nothing is hard-deleted). The
appeal SLA escalation runs hourly in office hours."""

from django.db import migrations

from portal.reference_data import grant, ladder, schedule_daily, unschedule, views

ESCALATION = "Appeals: escalate overdue appeals"
PERMISSIONS = ladder(
    officer=[*views("appeals.appeal", "appeals.appealattachment", "appeals.appealevent"), "appeals.change_appeal"],
)


def load(apps, schema_editor):
    schedule_daily(apps, name=ESCALATION, task="appeals.escalate_overdue_appeals", hour="8-18", minute="15")
    grant(apps, PERMISSIONS, app_labels=("appeals",))


def unload(apps, schema_editor):
    unschedule(apps, ESCALATION)


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0001_initial"),
        ("portal", "0002_reference_data"),
    ]
    operations = [migrations.RunPython(load, unload)]
