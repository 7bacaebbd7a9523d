"""The daily check of coordinators' qualifications (coordinators.check_qualifications), run by beat."""

from django.db import migrations

from portal.reference_data import schedule_daily, unschedule

NAME = "Qualifications: warn of lapses, take lapsed coordinators off their pairs"


def load(apps, schema_editor):
    schedule_daily(apps, name=NAME, task="coordinators.check_qualifications", hour="6", minute="50")


def unload(apps, schema_editor):
    unschedule(apps, NAME)


class Migration(migrations.Migration):
    dependencies = [("coordinators", "0003_qualification_notices"), ("portal", "0002_reference_data")]
    operations = [migrations.RunPython(load, unload)]
