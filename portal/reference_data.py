"""Helpers for the data migrations that load reference data: role permissions and beat schedules.

Each app's ``migrations/0002_reference_data.py`` (or later) declares *its own* rows — which role may do
what to its models, which of its jobs run when — and calls these helpers, so a table of permissions
sits beside the models it is about. Migrations use the historical models (``apps``), never imports of
the real ones.
"""

from __future__ import annotations

from django.contrib.auth.management import create_permissions

TIMEZONE = "Asia/Shanghai"


def grant(apps, table: dict[str, list[str]], *, app_labels: tuple[str, ...]) -> None:
    """Give each role group (name -> ["app_label.codename", ...]) its permissions. The permissions of
    ``app_labels`` are created first: Django normally creates them only after all migrations ran."""
    for label in app_labels:
        config = apps.get_app_config(label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, names in table.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = []
        for name in names:
            app_label, codename = name.split(".")
            permissions.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.add(*permissions)


def view_add_change(*models: str) -> list[str]:
    """``["app.model", ...]`` -> the view, add and change permissions of each (never delete)."""
    return [
        f"{m.split('.')[0]}.{action}_{m.split('.')[1]}"
        for m in models
        for action in ("view", "add", "change")
    ]


def views(*models: str) -> list[str]:
    return [f"{m.split('.')[0]}.view_{m.split('.')[1]}" for m in models]


def schedule_daily(apps, *, name: str, task: str, hour: str, minute: str) -> None:
    """A django-celery-beat crontab task (editable in the admin later)."""
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*", timezone=TIMEZONE
    )
    PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def schedule_every(apps, *, name: str, task: str, minutes: int) -> None:
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    interval, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
    PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "interval": interval})


def unschedule(apps, *names: str) -> None:
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=names).delete()


def ladder(*, officer=(), manager=(), administrator=()) -> dict[str, list[str]]:
    """Permissions that climb the customs ladder: a manager may do what an officer may, an
    administrator what a manager may."""
    return {
        "customs_officer": [*officer],
        "manager": [*officer, *manager],
        "administrator": [*officer, *manager, *administrator],
    }
