"""Default SLA targets per service type (editable by managers in the admin), the managers' permission
to edit them, and the daily escalation schedule of overdue requests (django-celery-beat)."""

from django.db import migrations

# (first response, resolution) in working days — keep in step with coordinators.requests.sla.DEFAULT_TARGETS.
DEFAULTS = {
    "consulting": (1, 5),
    "appeals": (2, 15),
    "difficult_problems": (1, 10),
    "opinions": (2, 10),
    "standards_guidance": (2, 10),
    "cooperation_guidance": (2, 10),
    "other": (2, 10),
}
TASK_NAME = "Escalate overdue coordination requests"


def create_service_levels(apps, schema_editor):
    ServiceLevel = apps.get_model("coordinators", "ServiceLevel")
    for service_type, (first, resolution) in DEFAULTS.items():
        ServiceLevel.objects.get_or_create(
            service_type=service_type,
            defaults={"first_response_working_days": first, "resolution_working_days": resolution},
        )


def grant_managers(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("coordinators")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    manager, _ = Group.objects.get_or_create(name="manager")
    codenames = [
        "view_servicelevel",
        "change_servicelevel",
        "view_coordinationrequest",
        "view_publishedanswer",
        "change_publishedanswer",
    ]
    manager.permissions.add(
        *Permission.objects.filter(content_type__app_label="coordinators", codename__in=codenames)
    )


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="7", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name=TASK_NAME, defaults={"task": "coordinators.escalate_overdue_requests", "crontab": daily}
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("coordinators", "0003_coordination_requests"),
        ("portal", "0002_role_groups"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(create_service_levels, migrations.RunPython.noop),
        migrations.RunPython(grant_managers, migrations.RunPython.noop),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
