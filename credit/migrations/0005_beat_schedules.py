"""Schedule the credit jobs in django-celery-beat (database scheduler; editable in the admin)."""

from django.db import migrations

# (name, task, hour, minute): daily, Asia/Shanghai.
SCHEDULES = [
    ("Abnormal list: identify enterprises listed too long", "credit.identify_long_listed", 1, 10),
    ("Annual reports: list enterprises that missed the deadline", "credit.list_annual_report_candidates", 1, 40),
    ("Credit repair: apply automatic repairs", "credit.apply_automatic_repairs", 2, 10),
    ("Re-certification: reminders and overdue flags", "credit.send_recertification_reminders", 7, 30),
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hour, minute in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=str(minute), hour=str(hour), day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
        )
        PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "crontab": crontab})


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_rest in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("credit", "0004_jobs_and_repair"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
