"""Chinese public holidays and adjusted working days for 2025–2026 (State Council notices).
Managers add later years in the admin (Public holidays)."""

import datetime

from django.db import migrations


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
    Holiday = apps.get_model("portal", "Holiday")
    for day, name, is_working_day in DAYS:
        Holiday.objects.update_or_create(date=day, defaults={"name": name, "is_working_day": is_working_day})


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_holidays_and_email")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
