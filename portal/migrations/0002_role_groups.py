"""Create one Django group per role (portal.roles.Role) and the outbox drain schedule."""

from django.db import migrations

ROLES = ["contact_person", "enterprise_staff", "coordinator", "customs_officer", "manager", "administrator"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Deliver pending outbox messages",
        defaults={"task": "portal.drain_outbox", "interval": every_minute},
    )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_groups, migrations.RunPython.noop),
        migrations.RunPython(create_schedule, migrations.RunPython.noop),
    ]
