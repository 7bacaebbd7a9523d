"""Reference data of the compliance assessment: who may see it in the admin (officers read-only;
managers also edit their district's assessment policy) and the daily compliance job's schedule."""

from django.db import migrations

from portal.reference_data import grant, ladder, schedule_daily, unschedule, views

NAME = "Compliance: assessments due, improvement actions due and overdue"
PERMISSIONS = ladder(
    officer=views(
        "compliance.assessment",
        "compliance.improvementaction",
        "compliance.assessmentpolicy",
    ),
    manager=["compliance.add_assessmentpolicy", "compliance.change_assessmentpolicy"],
)


def load(apps, schema_editor):
    grant(apps, PERMISSIONS, app_labels=("compliance",))
    schedule_daily(apps, name=NAME, task="compliance.check_compliance", hour="7", minute="10")


def unload(apps, schema_editor):
    unschedule(apps, NAME)


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial"), ("portal", "0002_reference_data")]
    operations = [migrations.RunPython(load, unload)]
