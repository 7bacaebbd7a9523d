"""The officer's desk: the queues an officer works, each counted up to a cap.

Every queue is registered by the app that owns it (``portal.registry.desk_queues``) as a scoped,
ordered queryset. The desk never counts a whole table: it counts at most ``DESK_COUNT_CAP`` + 1 rows of
each queue (``SELECT count(*) FROM (… LIMIT cap + 1)``, an index scan of the queue's own partial or
composite index), shows "1,000+" beyond, and reads the first few items in the queue's order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma

from portal.conf import tunable
from portal.registry import DeskQueue, desk_queues

ITEMS_SHOWN = 5


@dataclass
class Count:
    value: int
    capped: bool

    def __str__(self) -> str:
        return f"{intcomma(self.value)}+" if self.capped else intcomma(self.value)


def bounded_count(queryset, cap: int | None = None) -> Count:
    """How many rows ``queryset`` has, counting no further than ``cap`` (then ``capped``)."""
    cap = int(cap if cap is not None else tunable("DESK_COUNT_CAP"))
    n = queryset.order_by()[: cap + 1].count()
    return Count(min(n, cap), n > cap)


@dataclass
class QueueView:
    queue: DeskQueue
    count: Count
    overdue: Count | None
    items: list
    link: str


def queues_for(request) -> list[QueueView]:
    user = request.user
    shown = []
    for queue in desk_queues.all():
        if not queue.roles & user.roles:
            continue
        rows = queue.rows(user)
        if rows is None:
            continue
        count = bounded_count(rows)
        overdue = bounded_count(queue.overdue(user)) if queue.overdue and count.value else None
        items = [queue.item(obj) for obj in rows[:ITEMS_SHOWN]] if count.value else []
        shown.append(QueueView(queue, count, overdue, items, queue.link(request)))
    return shown
