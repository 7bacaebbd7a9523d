"""Rotation reference data: who may see and set the rotation policy (managers and administrators set it;
officers see it and the rotations), and the daily rotation job run by beat."""

from django.db import migrations

from portal.reference_data import grant, ladder, schedule_daily, unschedule, views

NAME = "Rotation: list coordinators reaching the longest service with an enterprise"
PERMISSIONS = ladder(
    officer=[*views("coordinators.rotationpolicy", "coordinators.rotation")],
    manager=["coordinators.add_rotationpolicy", "coordinators.change_rotationpolicy"],
)


def load(apps, schema_editor):
    grant(apps, PERMISSIONS, app_labels=("coordinators",))
    schedule_daily(apps, name=NAME, task="coordinators.list_rotations_due", hour="6", minute="55")


def unload(apps, schema_editor):
    unschedule(apps, NAME)


class Migration(migrations.Migration):
    dependencies = [("coordinators", "0005_rotation"), ("portal", "0002_reference_data")]
    operations = [migrations.RunPython(load, unload)]
