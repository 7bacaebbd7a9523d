"""Notify people: an in-app notification now, an e-mail copy through the outbox after commit.

Call :func:`notify` inside the service's transaction. The e-mail is sent by the Celery task
``portal.send_notification_email`` after commit; if Redis is down the outbox keeps it until the drain
job delivers it. A failed SMTP send is retried by Celery and never rolls back the change that caused it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import translation
from django.utils.functional import lazy

from portal import outbox
from portal.models import Notification, User


def notify(
    recipients: Iterable[User | None], *, verb: str, title, body="", url: str = "", email: bool = True
) -> list[Notification]:
    """Notify each distinct recipient once. ``title``/``body`` may be lazy translations: they are
    rendered in Chinese (the portal's default language) for the stored notification and e-mail."""
    seen: set[int] = set()
    rows = []
    with translation.override("zh-hans"):
        title_text, body_text = str(title), str(body)
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, verb=verb, title=title_text[:300], body=body_text, url=url))
    created = Notification.objects.bulk_create(rows)
    if email:
        for notification in created:
            if notification.recipient.email and notification.recipient.email_notifications:
                outbox.enqueue("portal.send_notification_email", notification_id=notification.pk)
    return created


def lazy_format(message, **params):
    """``message % params`` rendered when used, so ``notify`` renders it in the stored language."""
    return lazy(lambda: str(message) % params, str)()
