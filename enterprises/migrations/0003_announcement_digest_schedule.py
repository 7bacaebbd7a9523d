"""The daily e-mail digest of new announcements (enterprises.send_announcement_digests), run by beat."""

from django.db import migrations


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    morning, _ = CrontabSchedule.objects.get_or_create(
        minute="30", hour="7", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    PeriodicTask.objects.get_or_create(
        name="E-mail digest of new announcements",
        defaults={"task": "enterprises.send_announcement_digests", "crontab": morning},
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        name="E-mail digest of new announcements"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_outreach"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
