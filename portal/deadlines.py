"""Every deadline the product knows, with its state, for the person who owns it.

A deadline belongs to an app (re-certification and the annual report to credit, an appeal's decision to
appeals, information asked of the enterprise and site visits to coordination, training to outreach); the
pages that show deadlines (the enterprise home, the credit page, the calendar feed) belong to lower apps.
So each app registers a *provider* here from its ``AppConfig.ready()``: ``provider(enterprise, viewer)``
returns the enterprise's current deadlines the viewer may see.

A deadline's state is judged against today in Asia/Shanghai: *on time*, *due soon* (within its
``soon_days``), *overdue by N days*; an opening date (``opens=True``, e.g. when credit repair may be
applied for) is *upcoming* or *open*. ``state_label`` says it in the reader's language.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.messages import Text, render
from portal.models import DeadlineNotice

ENTERPRISE = "enterprise"  # the enterprise must act
CUSTOMS = "customs"  # customs must act (the enterprise waits)

ON_TIME, DUE_SOON, OVERDUE, UPCOMING, OPEN = "on_time", "due_soon", "overdue", "upcoming", "open"


@dataclass(frozen=True)
class Deadline:
    key: str  # stable: the iCal UID and the reminder guard (e.g. "recertification:12:2026-11-02")
    title: Text
    due: datetime.date | datetime.datetime
    owner: str = ENTERPRISE
    url: str = ""
    soon_days: int = 30
    opens: bool = False  # a date from which something becomes possible, not a date to meet

    @property
    def due_date(self) -> datetime.date:
        if isinstance(self.due, datetime.datetime):
            return timezone.localtime(self.due).date()
        return self.due

    def days_left(self, today: datetime.date | None = None) -> int:
        return (self.due_date - (today or timezone.localdate())).days

    def state(self, today: datetime.date | None = None) -> str:
        days = self.days_left(today)
        if self.opens:
            return OPEN if days <= 0 else UPCOMING
        if days < 0:
            return OVERDUE
        return DUE_SOON if days <= self.soon_days else ON_TIME

    def state_label(self, today: datetime.date | None = None) -> str:
        state, days = self.state(today), self.days_left(today)
        if state == OVERDUE:
            return ngettext("Overdue by %(days)s day", "Overdue by %(days)s days", -days) % {"days": -days}
        if state == DUE_SOON:
            if days == 0:
                return _("Due today")
            return ngettext("Due in %(days)s day", "Due in %(days)s days", days) % {"days": days}
        if state == OPEN:
            return _("Open now")
        if state == UPCOMING:
            return ngettext("Opens in %(days)s day", "Opens in %(days)s days", days) % {"days": days}
        return _("On time")

    @property
    def title_text(self) -> str:
        return render(self.title.as_json())


Provider = Callable[[object, object], Iterable[Deadline]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def for_enterprise(enterprise, viewer=None) -> list[Deadline]:
    """The enterprise's deadlines ``viewer`` may see, the soonest first."""
    found = [deadline for provider in _providers for deadline in provider(enterprise, viewer)]
    return sorted(found, key=lambda d: (d.due_date, d.key))


@dataclass(frozen=True)
class Shown:
    """A deadline with its state for a template."""

    deadline: Deadline
    state: str
    label: str


def shown(deadlines: Iterable[Deadline], today: datetime.date | None = None) -> list[Shown]:
    today = today or timezone.localdate()
    return [Shown(d, d.state(today), d.state_label(today)) for d in deadlines]


def notice_once(key: str, step: str) -> bool:
    """Record that ``step`` (e.g. "30", "overdue") of the deadline ``key`` was announced; False if it
    already was.
    Call inside the transaction that sends the notice, so the two commit or roll back together."""
    try:
        with transaction.atomic():
            DeadlineNotice.objects.create(key=key, step=step)
    except IntegrityError:
        return False
    return True


def notice_once_many(pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The set-based ``notice_once`` of a batch job: record every ``(key, step)`` not recorded yet, in
    one statement, and return those it recorded (the notices to send now). Call inside the transaction
    that sends them."""
    pairs = list(dict.fromkeys(pairs))
    if not pairs:
        return set()
    from django.db import connection

    table = DeadlineNotice._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, step, sent_at) "
            "SELECT k, s, %s FROM unnest(%s::varchar[], %s::varchar[]) AS t(k, s) "
            "ON CONFLICT (key, step) DO NOTHING RETURNING key, step",
            [timezone.now(), [k for k, _s in pairs], [s for _k, s in pairs]],
        )
        return {(key, step) for key, step in cursor.fetchall()}
