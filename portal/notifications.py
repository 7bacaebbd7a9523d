"""Notify people: an in-app notification now, an e-mail copy through the outbox after commit.

Call :func:`notify` inside the service's transaction. Titles and bodies are ``portal.messages`` texts
(or user-written text), stored as messages and rendered in each reader's language when read or e-mailed.
The e-mail is sent by the Celery task ``portal.send_notification_email`` after commit; if Redis is down
the outbox keeps it until the drain job delivers it. A failed SMTP send is retried by Celery and never
rolls back the change that caused it.

Coalescing: notifications with the same ``group`` (e.g. ``"request:12"``) for a recipient who has not
read the last one update that one (newest text, counted) instead of adding a row; one e-mail per unread
group. Set-based: two queries and two bulk writes, whatever the number of recipients.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from portal import outbox
from portal.messages import stored
from portal.models import Notification, User


def notify(
    recipients: Iterable[User | None],
    *,
    verb: str,
    title,
    body="",
    url: str = "",
    email: bool = True,
    group: str = "",
    enterprise_id: int | None = None,
) -> list[Notification]:
    """Notify each distinct active recipient once; returns the notifications written (new or updated)."""
    users = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not users:
        return []
    now = timezone.now()
    message, details = stored(title), stored(body)
    existing: dict[int, Notification] = {}
    if group:
        existing = {
            n.recipient_id: n
            for n in Notification.objects.filter(
                recipient_id__in=list(users), group_key=group, read_at__isnull=True
            ).order_by("recipient_id", "-created_at")
        }
    updated = []
    for notification in existing.values():
        notification.verb, notification.message, notification.details, notification.url = (
            verb,
            message,
            details,
            url,
        )
        notification.created_at, notification.count = now, notification.count + 1
        updated.append(notification)
    if updated:
        Notification.objects.bulk_update(
            updated, ["verb", "message", "details", "url", "created_at", "count"]
        )
    created = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                verb=verb,
                message=message,
                details=details,
                url=url,
                group_key=group,
                enterprise_id=enterprise_id,
                created_at=now,
            )
            for pk, user in users.items()
            if pk not in existing
        ]
    )
    if email:
        for notification in created:
            recipient = users[notification.recipient_id]
            if recipient.email and recipient.email_notifications:
                outbox.enqueue("portal.send_notification_email", notification_id=notification.pk)
    return [*updated, *created]


def forget_enterprise(user_ids: Iterable[int], enterprise_id: int) -> int:
    """A coordinator withdrew from (or no longer serves) an enterprise: what the bell told them about it
    goes (its text may hold the enterprise's requests and internal notes). Returns how many."""
    deleted, _ = Notification.objects.filter(
        recipient_id__in=list(user_ids), enterprise_id=enterprise_id
    ).delete()
    return deleted


@dataclass(frozen=True)
class Notice:
    """One notification of a batch (``notify_each``): its own recipients and text."""

    recipients: tuple[User, ...]
    verb: str
    title: Any
    body: Any = ""
    url: str = ""
    enterprise_id: int | None = None


def notify_each(notices: Iterable[Notice], *, email: bool = True) -> list[Notification]:
    """Many notifications, each with its own text, for a daily job's batch: one bulk insert and one
    outbox message for their e-mails, whatever the number of rows (``notify`` is the one-event path;
    these are not coalesced)."""
    now = timezone.now()
    rows = [
        Notification(
            recipient=user,
            verb=notice.verb,
            message=stored(notice.title),
            details=stored(notice.body),
            url=notice.url,
            enterprise_id=notice.enterprise_id,
            created_at=now,
        )
        for notice in notices
        for user in {u.pk: u for u in notice.recipients if u is not None and u.is_active}.values()
    ]
    created = Notification.objects.bulk_create(rows)
    if email:
        to_mail = [
            n.pk
            for n in created
            if n.recipient.email and n.recipient.email_notifications  # type: ignore[union-attr]
        ]
        if to_mail:
            outbox.enqueue("portal.send_notification_emails", notification_ids=to_mail)
    return created
