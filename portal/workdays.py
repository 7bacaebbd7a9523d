"""Working days: Monday–Friday, minus public holidays, plus adjusted working days (``Holiday`` rows).

Deadlines (request SLAs, appeal deadlines) are counted in working days in Asia/Shanghai and fall at the
end of the last working day (our reading: a target of N working days means "by the close of the N-th
working day after the day it started").
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from portal.models import Holiday

END_OF_DAY = datetime.time(23, 59, 59)


def _exceptions(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    return dict(Holiday.objects.filter(date__range=(start, end)).values_list("date", "is_working_day"))


def is_working_day(day: datetime.date, exceptions: dict[datetime.date, bool] | None = None) -> bool:
    exceptions = _exceptions(day, day) if exceptions is None else exceptions
    if day in exceptions:
        return exceptions[day]
    return day.weekday() < 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    if days <= 0:
        return start
    exceptions = _exceptions(start, start + datetime.timedelta(days=days * 3 + 30))
    current, counted = start, 0
    while counted < days:
        current += datetime.timedelta(days=1)
        if is_working_day(current, exceptions):
            counted += 1
    return current


def deadline(start: datetime.datetime, days: int) -> datetime.datetime:
    """An aware datetime at the end of the ``days``-th working day after ``start``."""
    local_start = timezone.localtime(start)
    day = add_working_days(local_start.date(), days)
    return timezone.make_aware(datetime.datetime.combine(day, END_OF_DAY))


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    if end <= start:
        return 0
    exceptions = _exceptions(start, end)
    count, current = 0, start
    while current < end:
        current += datetime.timedelta(days=1)
        if is_working_day(current, exceptions):
            count += 1
    return count
