"""Reference data of the portal: one group per role (portal.roles.Role), the Chinese public holidays and
adjusted working days for 2025–2026 (State Council notices; managers add later years in the admin), the
outbox drain schedule, and who may see the organisation and the beat schedules in the admin."""

import datetime

from django.db import migrations

from portal.reference_data import grant, ladder, schedule_every, unschedule, view_add_change, views

ROLES = ["contact_person", "enterprise_staff", "coordinator", "customs_officer", "manager", "administrator"]
DRAIN = "Deliver pending outbox messages"
BEAT = ["django_celery_beat.periodictask", "django_celery_beat.crontabschedule", "django_celery_beat.intervalschedule"]
PERMISSIONS = ladder(
    # Officers see the organisation and the schedule of the daily jobs (read-only).
    officer=views("portal.district", "portal.localcustoms", "django_celery_beat.periodictask"),
    manager=views("portal.user"),
    administrator=view_add_change(*BEAT),
)


def span(start, days, name):
    first = datetime.date.fromisoformat(start)
    return [(first + datetime.timedelta(days=i), name, False) for i in range(days)]


def work(day, name):
    return [(datetime.date.fromisoformat(day), name, True)]


DAYS = [
    *span("2025-01-01", 1, "元旦"),
    *span("2025-01-28", 8, "春节"), *work("2025-01-26", "春节调休上班"), *work("2025-02-08", "春节调休上班"),
    *span("2025-04-04", 3, "清明节"),
    *span("2025-05-01", 5, "劳动节"), *work("2025-04-27", "劳动节调休上班"),
    *span("2025-05-31", 3, "端午节"),
    *span("2025-10-01", 8, "国庆节、中秋节"), *work("2025-09-28", "国庆节调休上班"), *work("2025-10-11", "国庆节调休上班"),
    *span("2026-01-01", 3, "元旦"), *work("2026-01-04", "元旦调休上班"),
    *span("2026-02-15", 9, "春节"), *work("2026-02-14", "春节调休上班"), *work("2026-02-28", "春节调休上班"),
    *span("2026-04-04", 3, "清明节"),
    *span("2026-05-01", 5, "劳动节"), *work("2026-05-09", "劳动节调休上班"),
    *span("2026-06-19", 3, "端午节"),
    *span("2026-09-25", 3, "中秋节"),
    *span("2026-10-01", 7, "国庆节"), *work("2026-09-20", "国庆节调休上班"), *work("2026-10-10", "国庆节调休上班"),
]




def load(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)
    Holiday = apps.get_model("portal", "Holiday")
    for day, name, is_working_day in DAYS:
        Holiday.objects.update_or_create(date=day, defaults={"name": name, "is_working_day": is_working_day})
    schedule_every(apps, name=DRAIN, task="portal.drain_outbox", minutes=1)
    grant(apps, PERMISSIONS, app_labels=("portal", "django_celery_beat"))


def unload(apps, schema_editor):
    unschedule(apps, DRAIN)


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(load, unload)]
