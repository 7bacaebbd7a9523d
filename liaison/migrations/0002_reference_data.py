"""Liaison reference data: the Management Department names liaison officers (managers add and end
appointments); officers see appointments, referrals and notices; the daily reminder of referrals due."""

from django.db import migrations

from portal.reference_data import grant, ladder, schedule_daily, unschedule, views

NAME = "Referrals: remind liaison officers of answers due and overdue"
PERMISSIONS = ladder(
    officer=[*views("liaison.liaisonofficer", "liaison.referral", "liaison.departmentnotice")],
    manager=["liaison.add_liaisonofficer", "liaison.change_liaisonofficer"],
)


def load(apps, schema_editor):
    grant(apps, PERMISSIONS, app_labels=("liaison",))
    schedule_daily(apps, name=NAME, task="liaison.remind_referrals", hour="7", minute="5")


def unload(apps, schema_editor):
    unschedule(apps, NAME)


class Migration(migrations.Migration):
    dependencies = [("liaison", "0001_initial"), ("portal", "0002_reference_data")]
    operations = [migrations.RunPython(load, unload)]
